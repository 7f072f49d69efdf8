package web

import (
	"fmt"
	"net/url"
	"strconv"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// filterParams are the query parameters that filter a search; each may be
// repeated (OR within a field) and negated with a leading minus
// ("-theme=sport" excludes). Every one is a facet of the library.
var filterParams = library.FacetFields

// parseSearch turns a query string into search parameters, checked by
// the request's one validator (library.ParseSearch), and refuses one too
// long to link to. The HTML pages, the API and alerts share it, so all
// accept exactly the same input.
func parseSearch(v url.Values) (library.SearchParams, error) {
	p, err := library.ParseSearch(v)
	if err != nil {
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

// quoteName quotes a parameter name for an error message, shortened.
func quoteName(s string) string { return library.QuoteName(s) }

// encodeSearch writes p back as a query string, leaving out defaults, so
// links built from it (pagination, chips) are short and canonical. sort is
// the sort the reader chose ("" for the default).
func encodeSearch(p library.SearchParams, sort library.Sort, page int) string {
	v := searchValues(p)
	if p.DateFrom != "" {
		v.Set("from", string(p.DateFrom))
	}
	if p.DateTo != "" {
		v.Set("to", string(p.DateTo))
	}
	if sort != "" {
		v.Set("sort", string(sort))
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
