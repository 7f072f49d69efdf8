package library

import (
	"context"
	"errors"
	"slices"
	"testing"

	"safelib/internal/catalog"
)

// TestDateRange: from and to at day, month and year precision, inclusive;
// an item dated to a year or month is in when its period overlaps.
func TestDateRange(t *testing.T) {
	ctx := context.Background()
	l := newEmptyLibrary(t)
	dates := map[string]catalog.Date{
		"y2015": "2015", "y2016": "2016", "m1602": "2016-02", "m1603": "2016-03", "d160315": "2016-03-15",
		"d160331": "2016-03-31", "d160401": "2016-04-01", "d170101": "2017-01-01", "undated": "",
	}
	var rs []*catalog.Resource
	for id, d := range dates {
		rs = append(rs, &catalog.Resource{ID: id, Title: "Dated report " + id, URL: "https://example.org/" + id,
			Type: "report", Published: d, Access: catalog.Public, Source: "curated"})
	}
	if _, err := l.Upsert(ctx, rs); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, to catalog.Date
		want     []string
	}{
		{"2016-03-15", "2016-03-15", []string{"d160315", "m1603", "y2016"}},
		{"2016-03-16", "", []string{"d160331", "d160401", "d170101", "m1603", "y2016"}},
		{"", "2016-03-14", []string{"m1602", "m1603", "y2015", "y2016"}},
		{"2016-02-29", "2016-02-29", []string{"m1602", "y2016"}},
		{"2016-03", "2016-03", []string{"d160315", "d160331", "m1603", "y2016"}},
		{"2016-04", "", []string{"d160401", "d170101", "y2016"}},
		{"", "2016-02", []string{"m1602", "y2015", "y2016"}},
		{"2016", "2016", []string{"d160315", "d160331", "d160401", "m1602", "m1603", "y2016"}},
		{"2017", "", []string{"d170101"}},
		{"", "2015", []string{"y2015"}},
		{"2016", "2016-02", []string{"m1602", "y2016"}},
		{"2016-03-31", "2016-04", []string{"d160331", "d160401", "m1603", "y2016"}},
		{"", "", []string{"d160315", "d160331", "d160401", "d170101", "m1602", "m1603", "undated", "y2015", "y2016"}},
	}
	for _, tt := range tests {
		for _, q := range []string{"", "dated"} { // browsing, and words
			p := SearchParams{Q: q, DateFrom: tt.from, DateTo: tt.to, PerPage: 50}
			res, err := l.Search(ctx, catalog.Anonymous, p)
			if err != nil {
				t.Fatalf("%s..%s: %v", tt.from, tt.to, err)
			}
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Resource.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) || res.Total != len(tt.want) {
				t.Errorf("q=%q %s..%s: got %v (total %d), want %v", q, tt.from, tt.to, got, res.Total, tt.want)
			}
			// The year facet counts within the range.
			years := 0
			for _, v := range res.Facets["year"] {
				years += v.Count
			}
			undated := slices.Contains(tt.want, "undated")
			if want := len(tt.want); !undated && years != want {
				t.Errorf("%s..%s: year facet counts %d, want %d", tt.from, tt.to, years, want)
			}
		}
	}
	for _, bad := range []SearchParams{
		{DateFrom: "2017", DateTo: "2016"},
		{DateFrom: "2016-03-16", DateTo: "2016-03-15"},
		{DateFrom: "2016-04", DateTo: "2016-03-31"},
		{DateFrom: "2016-13"},
		{DateTo: "2016-02-30"},
		{DateTo: "March"},
	} {
		if _, err := l.Search(ctx, catalog.Anonymous, bad); !errors.Is(err, catalog.ErrInvalid) {
			t.Errorf("%s..%s: %v, want an invalid-input error", bad.DateFrom, bad.DateTo, err)
		}
	}
}
