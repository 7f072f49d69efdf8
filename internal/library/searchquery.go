package library

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"safelib/internal/catalog"
)

// searchParamNames are every parameter a search accepts, for messages.
var searchParamNames = append([]string{"q", "sort", "page", "per_page", "from", "to", "id"}, fieldNames(FacetFields)...)

// fieldNames are the names of fields, as parameters name them.
func fieldNames(fs []Field) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// MaxSearchIDs bounds the id parameter: a search of given items (an
// alert on one item: "Tell me about new versions").
const MaxSearchIDs = 20

// ParseSearch turns a query string into validated search parameters. The
// HTML pages, the API and alerts share it, so all accept exactly the same
// input; id (repeatable, at most MaxSearchIDs) keeps only those items.
// It only reads the parameters (names, repeats, numbers, dates): the
// request's one validator (SearchParams.Validate, the index's) checks
// the bounds and values. Errors wrap catalog.ErrInvalid.
func ParseSearch(v url.Values) (SearchParams, error) {
	p := SearchParams{Filters: Selections{}, Excludes: Selections{}}
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
			p.Sort = Sort(val)
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
		case "id":
			for _, x := range vals {
				if x = strings.TrimSpace(x); x != "" && !slices.Contains(p.IDs, x) {
					p.IDs = append(p.IDs, x)
				}
			}
			if len(p.IDs) > MaxSearchIDs {
				return p, invalid("at most %d ids", MaxSearchIDs)
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
			name, into := key, p.Filters
			if strings.HasPrefix(key, "-") {
				name, into = key[1:], p.Excludes
			}
			// The one place a parameter's name becomes a Field: only the
			// facets are parameters.
			field, ok := ParseField(name)
			if !ok || !field.IsFacet() {
				if name != key {
					return p, invalid("unknown facet %s (want one of %s)", QuoteName(name), strings.Join(fieldNames(FacetFields), ", "))
				}
				return p, invalid("unknown parameter %s (want one of %s)", QuoteName(key), strings.Join(searchParamNames, ", "))
			}
			for _, x := range vals {
				// An empty value is what an untouched form control sends.
				into.Add(field, strings.TrimSpace(x))
			}
		}
	}
	if p.Sort == "" && p.Q == "" {
		p.Sort = SortNewest // browsing everything: newest first
	}
	if err := p.Validate(); err != nil {
		return p, err
	}
	return p, nil
}

func invalid(format string, args ...any) error {
	return catalog.Errorf(catalog.Invalid, "%s", fmt.Sprintf(format, args...))
}

// QuoteName quotes a parameter name for an error message, shortened so a
// hostile name can't make the answer huge.
func QuoteName(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
