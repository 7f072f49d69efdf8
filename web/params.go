package web

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// filterParams are the query parameters that filter a search; each may be
// repeated (OR within a field) and negated with a leading minus
// ("-theme=sport" excludes). Every one is a facet of the library.
var filterParams = library.FacetFields

// searchParamNames are every parameter a search accepts, for messages.
var searchParamNames = append([]string{"q", "sort", "page", "per_page", "from", "to"}, filterParams...)

// parseSearch turns a query string into validated search parameters. The
// HTML pages and the API share it, so both accept exactly the same input.
// It only reads the parameters (names, repeats, numbers, dates): the
// request's one validator (SearchParams.Validate, the index's) checks
// the bounds and values. Errors wrap catalog.ErrInvalid.
func parseSearch(v url.Values) (library.SearchParams, error) {
	p := library.SearchParams{Filters: map[string][]string{}, Excludes: map[string][]string{}}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first error reported is stable
	for _, key := range keys {
		vals := v[key]
		switch key {
		case "q", "sort", "page", "per_page", "from", "to":
			if len(vals) > 1 {
				return p, invalid("%s is given %d times; give it once", key, len(vals))
			}
		}
		val := strings.TrimSpace(vals[0])
		switch key {
		case "q":
			p.Q = val
		case "sort":
			p.Sort = val
		case "from", "to":
			d, err := catalog.ParseDate(val)
			if err != nil {
				return p, invalid("%s: %v", key, err)
			}
			if key == "from" {
				p.DateFrom = d
			} else {
				p.DateTo = d
			}
		case "page", "per_page":
			if val == "" {
				continue
			}
			n, err := strconv.Atoi(val)
			if err != nil {
				return p, invalid("%s must be a whole number", key)
			}
			if n == 0 {
				n = -1 // 0 is no page (to Validate, 0 is "not given"): out of bounds
			}
			if key == "page" {
				p.Page = n
			} else {
				p.PerPage = n
			}
		default:
			field, into := key, p.Filters
			if strings.HasPrefix(key, "-") {
				field, into = key[1:], p.Excludes
			}
			if !slices.Contains(filterParams, field) {
				if field != key {
					return p, invalid("unknown facet %s (want one of %s)", quoteName(field), strings.Join(filterParams, ", "))
				}
				return p, invalid("unknown parameter %s (want one of %s)", quoteName(key), strings.Join(searchParamNames, ", "))
			}
			for _, x := range vals {
				// An empty value is what an untouched form control sends.
				if x = strings.TrimSpace(x); x != "" && !slices.Contains(into[field], x) {
					into[field] = append(into[field], x)
				}
			}
		}
	}
	if p.Sort == "" && p.Q == "" {
		p.Sort = library.SortNewest // browsing everything: newest first
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	if err := boundSelections(p); err != nil {
		return p, err
	}
	return p, nil
}

// maxSearchLink bounds the query string of the longest link a page of
// results makes from a search (its selections, a date range, sort,
// per_page, the last page), well under the 8 KiB the server refuses
// (maxQueryString, 414): every link the site generates is one it accepts.
const maxSearchLink = 6 << 10

// linkAdditions is what a page may add to a search's own query string.
const linkAdditions = len("&from=2026-12-31&to=2026-12-31&sort=relevance&per_page=100&page=500")

// boundSelections refuses a search whose selections are too long to link
// to (how many there may be is library.MaxSelections, which the one
// validator, index.Request.Validate, checks).
func boundSelections(p library.SearchParams) error {
	if l := len(encodeSearch(p, "", 1)) - len("/search?") + linkAdditions; l > maxSearchLink {
		return invalid("the search is too long to link to (%d bytes of query, at most %d): use fewer or shorter facet values", l, maxSearchLink)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return catalog.Errorf(catalog.Invalid, "%s", fmt.Sprintf(format, args...))
}

// quoteName quotes a parameter name for an error message, shortened so a
// hostile name can't make the answer huge.
func quoteName(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}

// encodeSearch writes p back as a query string, leaving out defaults, so
// links built from it (pagination, chips) are short and canonical. sort is
// the sort the reader chose ("" for the default).
func encodeSearch(p library.SearchParams, sort string, page int) string {
	v := searchValues(p)
	if p.DateFrom != "" {
		v.Set("from", string(p.DateFrom))
	}
	if p.DateTo != "" {
		v.Set("to", string(p.DateTo))
	}
	if sort != "" {
		v.Set("sort", sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if p.PerPage != 0 && p.PerPage != library.DefaultPerPage {
		v.Set("per_page", strconv.Itoa(p.PerPage))
	}
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}
