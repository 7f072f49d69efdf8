package index

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var allIDs = []string{"d01", "d02", "d03", "d04", "d05", "d06", "d07", "d08", "d09", "d10", "d11", "d12"}

func without(ids ...string) []string {
	var out []string
	for _, id := range allIDs {
		if !slices.Contains(ids, id) {
			out = append(out, id)
		}
	}
	return out
}

func TestSearchMatching(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		name    string
		q       string
		members bool
		want    []string // sorted ids
	}{
		{"stemming", "inspections", false, []string{"d01", "d02"}},
		{"stemming other way", "inspection", false, []string{"d01", "d02"}},
		{"case", "OFSTED", false, []string{"d01", "d02"}},
		{"AND by default", "inspection homes", false, []string{"d01"}},
		{"AND no match", "inspection neglect", false, nil},
		{"stop words ignored", "the neglect toolkit", false, []string{"d11"}},
		{"only stop words", "the of", false, nil},
		{"OR", "toolkit OR glossary", false, []string{"d04", "d11", "d12"}},
		{"OR binds tighter than AND", "neglect OR glossary toolkit", false, []string{"d11"}},
		{"parentheses", "(toolkit OR glossary) neglect", false, []string{"d11"}},
		{"parentheses group AND", "(neglect toolkit) OR glossary", false, []string{"d11", "d12"}},
		{"phrase", `"home education"`, false, []string{"d05"}},
		{"phrase order", `"education home"`, false, nil},
		{"phrase with stop word", `"outcomes for looked"`, false, []string{"d07"}},
		{"hyphenated word is a phrase", "2020-2023", false, []string{"d10"}},
		{"exclusion", "neglect -toolkit", false, []string{"d09", "d10"}},
		{"exclusion only", "-neglect", false, without("d09", "d10", "d11")},
		{"exclusion of phrase", `-"home education"`, false, without("d05")},
		{"exclusion of stop word only is everything", "-the", false, allIDs},
		{"NOT keyword", "neglect NOT toolkit", false, []string{"d09", "d10"}},
		{"publisher words", "publisher:nao", false, []string{"d03"}},
		{"publisher phrase", `publisher:"department for education"`, false, []string{"d05", "d07"}},
		{"publisher not in title", "title:nao", false, nil},
		{"title field", "title:toolkit", false, []string{"d04", "d11"}},
		{"type field", "type:report", false, []string{"d02", "d03"}},
		{"type field case and plural", "type:Reports", false, []string{"d02", "d03"}},
		{"theme slug", "theme:neglect", false, []string{"d09", "d10", "d11"}},
		{"theme words", "theme:exploitation", false, []string{"d03", "d04"}},
		{"year", "year:2016", false, []string{"d03"}},
		{"year no match", "year:1999", false, nil},
		{"area", "area:kent", false, []string{"d09", "d10"}},
		{"area phrase", `area:"tower hamlets"`, false, []string{"d11"}},
		{"region", "region:london", false, []string{"d11"}},
		{"excluded field", "neglect -area:kent", false, []string{"d11"}},
		{"unknown field is words", "safeguarding:neglect", false, []string{"d10", "d11"}},
		{"publisher text in default fields", "barnardo's", false, []string{"d04"}},
		{"synonym single to phrase", "cse", false, []string{"d03", "d04"}},
		{"synonym phrase to single", "child sexual exploitation", false, []string{"d03", "d04"}},
		{"synonym quoted phrase", `"child sexual exploitation"`, false, []string{"d03", "d04"}},
		{"synonym in context", "cse toolkit", false, []string{"d04"}},
		{"synonym ehe", "ehe", false, []string{"d05", "d06"}},
		{"synonym elective home education", "elective home education", false, []string{"d05", "d06"}},
		{"synonym lac", "lac", false, []string{"d07", "d08"}},
		{"synonym looked after children", "looked after children", false, []string{"d07", "d08"}},
		{"synonym in OR", "lac OR glossary", false, []string{"d07", "d08", "d12"}},
		{"synonym excluded", "-cse", false, without("d03", "d04")},
		{"synonym title field", "title:lac", false, []string{"d07", "d08"}},
		// Access: members-only summary, body and extra never match for non-members.
		{"members body hidden", "zanzibarite", false, nil},
		{"members body for members", "zanzibarite", true, []string{"d09"}},
		{"members summary hidden", "quietudes", false, nil},
		{"members summary for members", "quietudes", true, []string{"d09"}},
		{"members extra hidden", "quixotry", false, nil},
		{"members extra for members", "quixotry", true, []string{"d09"}},
		{"members phrase hidden", `"zanzibarite secret"`, false, nil},
		{"members OR hidden", "zanzibarite OR glossary", false, []string{"d12"}},
		{"members teaser by title", "briefing", false, []string{"d09"}},
		{"members teaser by publisher", "nspcc", false, []string{"d06", "d09", "d12"}},
		{"members teaser by theme label", "neglect", false, []string{"d09", "d10", "d11"}},
		{"members exclusion uses visible text only", "neglect -zanzibarite", false, []string{"d09", "d10", "d11"}},
		{"members exclusion for members", "neglect -zanzibarite", true, []string{"d10", "d11"}},
		{"public body for everyone", "graded", false, []string{"d11"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := doSearch(t, ix, Request{Q: tc.q, Members: tc.members, PerPage: 100, NoFacets: true})
			got := sortedIDs(res)
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("%q (members=%v) = %v, want %v", tc.q, tc.members, got, tc.want)
			}
			if res.Total != uint64(len(tc.want)) {
				t.Fatalf("total %d, want %d", res.Total, len(tc.want))
			}
		})
	}
}

func TestSearchWeights(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Document{
		{ID: "body", Title: "Annual report", Summary: "Findings.", Body: "We looked at restraint in detail.", Access: AccessPublic},
		{ID: "summary", Title: "Annual review", Summary: "On restraint.", Body: "Findings in detail.", Access: AccessPublic},
		{ID: "title", Title: "Restraint", Summary: "Findings.", Body: "Findings in detail.", Access: AccessPublic},
	}
	if err := ix.Batch(docs, nil); err != nil {
		t.Fatal(err)
	}
	res := doSearch(t, ix, Request{Q: "restraint", NoFacets: true})
	if got, want := hitIDs(res), []string{"title", "summary", "body"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestSearchFacets(t *testing.T) {
	ix := newFixtureIndex(t)
	all := map[Field][]FacetValue{
		"type": {{"guidance", 3}, {"briefing", 2}, {"report", 2}, {"toolkit", 2}, {"glossary", 1}, {"policy", 1}, {"statistics", 1}},
		"year": {{"2020", 3}, {"2019", 2}, {"2015", 1}, {"2016", 1}, {"2017", 1}, {"2018", 1}, {"2021", 1}, {"2022", 1}},
		"theme": {{"neglect", 3}, {"care", 2}, {"education", 2}, {"inspection", 2}, {"child-sexual-exploitation", 1},
			{"exploitation", 1}, {"health", 1}, {"residential-care", 1}},
		"publisher": {{"NSPCC", 3}, {"Department for Education", 2}, {"Ofsted", 2}, {"Barnardo's", 1},
			{"Kent Safeguarding Children Partnership", 1}, {"NHS England", 1}, {"National Audit Office (NAO)", 1},
			{"Tower Hamlets Safeguarding Children Partnership", 1}},
		"region": {{"South East", 2}, {"London", 1}},
		"area":   {{"Kent", 2}, {"Tower Hamlets", 1}},
	}
	empty := map[Field][]FacetValue{"type": {}, "year": {}, "theme": {}, "publisher": {}, "region": {}, "area": {}}
	tests := []struct {
		name     string
		q        string
		members  bool
		filters  Selections
		excludes Selections
		wantIDs  []string
		want     map[Field][]FacetValue // only the fields listed are checked
	}{
		{name: "browse all", wantIDs: allIDs, want: all},
		{
			name: "multi-select keeps own counts", filters: Selections{"type": {"toolkit"}},
			wantIDs: []string{"d04", "d11"},
			want: map[Field][]FacetValue{
				"type":  all["type"],
				"theme": {{"exploitation", 1}, {"neglect", 1}},
				"year":  {{"2020", 2}},
				"area":  {{"Tower Hamlets", 1}},
			},
		},
		{
			name: "values within a field are OR", filters: Selections{"type": {"toolkit", "report"}},
			wantIDs: []string{"d02", "d03", "d04", "d11"},
			want:    map[Field][]FacetValue{"type": all["type"], "year": {{"2020", 2}, {"2016", 1}, {"2018", 1}}},
		},
		{
			name:    "fields are AND; each facet ignores only its own selection",
			filters: Selections{"type": {"toolkit"}, "theme": {"neglect"}},
			wantIDs: []string{"d11"},
			want: map[Field][]FacetValue{
				"type":  {{"briefing", 1}, {"policy", 1}, {"toolkit", 1}},
				"theme": {{"exploitation", 1}, {"neglect", 1}},
				"year":  {{"2020", 1}},
			},
		},
		{
			name: "excludes apply to all counts", excludes: Selections{"theme": {"neglect"}},
			wantIDs: without("d09", "d10", "d11"),
			want: map[Field][]FacetValue{
				"type":  {{"guidance", 3}, {"report", 2}, {"briefing", 1}, {"glossary", 1}, {"statistics", 1}, {"toolkit", 1}},
				"theme": {{"care", 2}, {"education", 2}, {"inspection", 2}, {"child-sexual-exploitation", 1}, {"exploitation", 1}, {"health", 1}, {"residential-care", 1}},
				"area":  {},
			},
		},
		{
			name: "excludes with a selection in the same field", filters: Selections{"year": {"2020", "2019"}},
			excludes: Selections{"year": {"2019"}},
			wantIDs:  []string{"d04", "d10", "d11"},
			want:     map[Field][]FacetValue{"year": {{"2020", 3}, {"2015", 1}, {"2016", 1}, {"2017", 1}, {"2018", 1}, {"2021", 1}, {"2022", 1}}},
		},
		{
			name: "region filter", filters: Selections{"region": {"South East"}},
			wantIDs: []string{"d09", "d10"},
			want:    map[Field][]FacetValue{"area": {{"Kent", 2}}, "region": all["region"]},
		},
		{
			name: "region filter with a query", q: "neglect", filters: Selections{"region": {"London"}},
			wantIDs: []string{"d11"},
			want:    map[Field][]FacetValue{"region": {{"South East", 2}, {"London", 1}}, "area": {{"Tower Hamlets", 1}}},
		},
		{
			name: "query and facets", q: "neglect",
			wantIDs: []string{"d09", "d10", "d11"},
			want:    map[Field][]FacetValue{"type": {{"briefing", 1}, {"policy", 1}, {"toolkit", 1}}, "year": {{"2020", 2}, {"2022", 1}}},
		},
		{
			name: "query with filter", q: "neglect", filters: Selections{"area": {"Kent"}},
			wantIDs: []string{"d09", "d10"},
			want:    map[Field][]FacetValue{"area": {{"Kent", 2}, {"Tower Hamlets", 1}}, "type": {{"briefing", 1}, {"policy", 1}}},
		},
		{name: "secret word gives no counts to non-members", q: "zanzibarite", want: empty},
		{
			name: "secret word counts for members", q: "zanzibarite", members: true, wantIDs: []string{"d09"},
			want: map[Field][]FacetValue{"type": {{"briefing", 1}}, "area": {{"Kent", 1}}, "region": {{"South East", 1}}},
		},
		{
			name: "access filter", filters: Selections{"access": {"members"}}, wantIDs: []string{"d09"},
			want: map[Field][]FacetValue{"theme": {{"neglect", 1}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := doSearch(t, ix, Request{Q: tc.q, Members: tc.members, Filters: tc.filters, Excludes: tc.excludes, PerPage: 100})
			if got := sortedIDs(res); !reflect.DeepEqual(got, tc.wantIDs) && !(len(got) == 0 && len(tc.wantIDs) == 0) {
				t.Errorf("ids %v, want %v", got, tc.wantIDs)
			}
			for _, f := range FacetFields {
				if _, ok := res.Facets[f]; !ok {
					t.Errorf("facet %s missing", f)
				}
			}
			for f, want := range tc.want {
				if got := res.Facets[f]; !reflect.DeepEqual(got, want) {
					t.Errorf("facet %s = %v, want %v", f, got, want)
				}
			}
		})
	}

	t.Run("facet size", func(t *testing.T) {
		res := doSearch(t, ix, Request{FacetSize: 2})
		want := []FacetValue{{"guidance", 3}, {"briefing", 2}}
		if got := res.Facets["type"]; !reflect.DeepEqual(got, want) {
			t.Fatalf("type facet %v, want %v", got, want)
		}
	})
	t.Run("no facets unless asked", func(t *testing.T) {
		if res := doSearch(t, ix, Request{NoFacets: true}); res.Facets != nil {
			t.Fatalf("facets %v", res.Facets)
		}
	})
}

func TestSearchSort(t *testing.T) {
	ix := newFixtureIndex(t)
	newest := []string{"d09", "d06", "d04", "d10", "d11", "d05", "d01", "d02", "d07", "d03", "d08", "d12"}
	tests := []struct {
		name string
		q    string
		sort Sort
		want []string
	}{
		{"empty query browses newest first", "", "", newest},
		{"empty query relevance means newest", "", SortRelevance, newest},
		{"newest", "", SortNewest, newest},
		{"oldest, unknown last", "", SortOldest, []string{"d08", "d03", "d07", "d02", "d01", "d05", "d10", "d11", "d04", "d06", "d09", "d12"}},
		{"title", "", SortTitle, []string{"d05", "d02", "d08", "d09", "d10", "d11", "d01", "d07", "d04", "d06", "d12", "d03"}},
		{"query newest", "neglect", SortNewest, []string{"d09", "d10", "d11"}},
		{"exclusions only newest", "-neglect", "", []string{"d06", "d04", "d05", "d01", "d02", "d07", "d03", "d08", "d12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := doSearch(t, ix, Request{Q: tc.q, Sort: tc.sort, PerPage: 100, NoFacets: true})
			if got := hitIDs(res); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("order %v, want %v", got, tc.want)
			}
		})
	}

	t.Run("pages", func(t *testing.T) {
		var got []string
		for from := 0; from < len(newest); from += 5 {
			got = append(got, hitIDs(doSearch(t, ix, Request{Page: from/5 + 1, PerPage: 5, NoFacets: true}))...)
		}
		if !reflect.DeepEqual(got, newest) {
			t.Fatalf("pages %v, want %v", got, newest)
		}
	})

	t.Run("relevance ties by id", func(t *testing.T) {
		ix, err := OpenMemory(Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		var docs []Document
		for _, id := range []string{"t3", "t1", "t4", "t2"} {
			docs = append(docs, Document{ID: id, Title: "Same words", Body: "identical text", Access: AccessPublic})
		}
		if err := ix.Batch(docs, nil); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			res := doSearch(t, ix, Request{Q: "identical", NoFacets: true})
			if got, want := hitIDs(res), []string{"t1", "t2", "t3", "t4"}; !reflect.DeepEqual(got, want) {
				t.Fatalf("order %v, want %v", got, want)
			}
		}
	})
}

func TestSearchSuggestion(t *testing.T) {
	ix := newFixtureIndex(t)
	tests := []struct {
		q       string
		members bool
		want    string
	}{
		{"neglet", false, "neglect"},
		{"nglect toolkit", false, "neglect toolkit"},
		{"toolkit glossary", false, "toolkit OR glossary"},
		{"toolkit glossary -neglect", false, "toolkit OR glossary -neglect"},
		{"zanzibarite", false, ""},   // a members-only word is not revealed
		{"zanzibarit", false, ""},    // nor is anything near it
		{"xqzvwk", false, ""},        // nothing close
		{"publisher:zzz", false, ""}, // fielded words are not corrected
	}
	for _, tc := range tests {
		t.Run(tc.q, func(t *testing.T) {
			res := doSearch(t, ix, Request{Q: tc.q, Members: tc.members, NoFacets: true})
			if res.Total != 0 {
				t.Fatalf("total %d, want 0", res.Total)
			}
			if res.Suggestion != tc.want {
				t.Fatalf("suggestion %q, want %q", res.Suggestion, tc.want)
			}
		})
	}
	t.Run("no suggestion with results", func(t *testing.T) {
		if res := doSearch(t, ix, Request{Q: "neglect", NoFacets: true}); res.Suggestion != "" {
			t.Fatalf("suggestion %q", res.Suggestion)
		}
	})
}

func TestSearchBadRequests(t *testing.T) {
	ix := newFixtureIndex(t)
	many := make([]string, MaxFilterValues+1)
	for i := range many {
		many[i] = fmt.Sprint(i)
	}
	tests := []struct {
		name string
		req  Request
	}{
		{"size too big", Request{PerPage: MaxPerPage + 1, NoFacets: true}},
		{"negative size", Request{PerPage: -1, NoFacets: true}},
		{"negative page", Request{Page: -1, NoFacets: true}},
		{"window too deep", Request{Page: MaxWindow/MaxPerPage + 1, PerPage: MaxPerPage, NoFacets: true}},
		{"facet size too big", Request{FacetSize: MaxFacetSize + 1, NoFacets: true}},
		{"unknown sort", Request{Sort: "random", NoFacets: true}},
		{"unknown filter", Request{Filters: Selections{"colour": {"red"}}, NoFacets: true}},
		{"unknown exclude", Request{Excludes: Selections{"colour": {"red"}}, NoFacets: true}},
		{"too many filter values", Request{Filters: Selections{"type": many}, NoFacets: true}},
		{"too many selections", Request{Filters: Selections{"type": many[:MaxSelections/2+1]}, Excludes: Selections{"year": many[:MaxSelections/2]}, NoFacets: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tc.req)
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("error %v, want ErrBadQuery", err)
			}
		})
	}
	t.Run("deepest page allowed", func(t *testing.T) {
		if _, err := ix.Search(context.Background(), Request{Page: MaxWindow / MaxPerPage, PerPage: MaxPerPage, NoFacets: true}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := ix.Search(ctx, Request{NoFacets: true}); !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("parse errors wrap ErrBadQuery", func(t *testing.T) {
		_, err := Parse(strings.Repeat("x ", 100))
		if !errors.Is(err, ErrBadQuery) {
			t.Fatalf("error %v", err)
		}
	})
}

func TestBatchUpdateDeleteAndIDs(t *testing.T) {
	ix := newFixtureIndex(t)
	n, err := ix.Count()
	if err != nil || n != uint64(len(fixture)) {
		t.Fatalf("count %d, %v", n, err)
	}
	// Update d12 to be members-only and delete d11 in one batch.
	d12 := fixture[11]
	d12.Access = AccessMembers
	if err := ix.Batch([]Document{d12}, []string{"d11", "missing"}); err != nil {
		t.Fatal(err)
	}
	ids, err := ix.IDs()
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	if want := without("d11"); !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	if res := doSearch(t, ix, Request{Q: "terms", NoFacets: true}); res.Total != 0 {
		t.Fatalf("members-only body of updated d12 still public: %v", hitIDs(res))
	}
	if res := doSearch(t, ix, Request{Q: "glossary", NoFacets: true}); !reflect.DeepEqual(hitIDs(res), []string{"d12"}) {
		t.Fatalf("title of d12 should still match: %v", hitIDs(res))
	}
	if res := doSearch(t, ix, Request{Q: "neglect toolkit", NoFacets: true}); res.Total != 0 {
		t.Fatalf("deleted d11 still found")
	}
	// Counts over everything come from the term dictionary: deleted and
	// replaced documents must not count.
	res := doSearch(t, ix, Request{})
	wantType := []FacetValue{{"guidance", 3}, {"briefing", 2}, {"report", 2}, {"glossary", 1}, {"policy", 1}, {"statistics", 1}, {"toolkit", 1}}
	if !reflect.DeepEqual(res.Facets["type"], wantType) || !reflect.DeepEqual(res.Facets["area"], []FacetValue{{"Kent", 2}}) {
		t.Fatalf("facets after delete: %v", res.Facets)
	}
	bad := []Document{{ID: "x", Access: "everyone"}}
	if err := ix.Batch(bad, nil); err == nil {
		t.Fatal("unknown access accepted")
	}
	if err := ix.Batch([]Document{{Access: AccessPublic}}, nil); err == nil {
		t.Fatal("empty id accepted")
	}
	if ix.DiskSize() != 0 {
		t.Fatal("memory index has a disk size")
	}
}

// TestSearchesTakeTurns: with every slot taken, a search waits for one (or
// for its context to end), then runs.
func TestSearchesTakeTurns(t *testing.T) {
	ix, err := OpenMemory(Options{Searches: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Batch(fixture, nil); err != nil {
		t.Fatal(err)
	}
	req := Request{Q: "neglect", PerPage: 5}
	ix.slots <- struct{}{} // a search running
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ix.Search(ctx, req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("with no slot free: %v, want the context's deadline", err)
	}
	done := make(chan *Result, 1)
	go func() {
		res, err := ix.Search(context.Background(), req)
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	select {
	case <-done:
		t.Fatal("a search ran with no slot free")
	case <-time.After(50 * time.Millisecond):
	}
	<-ix.slots // the running search ends
	if res := <-done; res == nil || res.Total == 0 {
		t.Fatal("the waiting search found nothing")
	}
	if len(ix.slots) != 0 {
		t.Fatalf("%d slots still taken", len(ix.slots))
	}
}

// TestWritesYieldToSearches: with YieldToSearches, a batch waits while a
// search waits for a turn (up to its bounds), and does not wait otherwise.
func TestWritesYieldToSearches(t *testing.T) {
	ix, err := OpenMemory(Options{Searches: 1, YieldToSearches: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := fixture[:4]
	start := time.Now()
	if err := ix.Batch(docs, nil); err != nil {
		t.Fatal(err)
	}
	quiet := time.Since(start)

	ix.slots <- struct{}{} // a search running...
	waiter := make(chan error, 1)
	go func() { // ...and one waiting for its turn
		_, err := ix.Search(context.Background(), Request{Q: "neglect", PerPage: 1, NoFacets: true})
		waiter <- err
	}()
	_, busy := ix.waiting.signals()
	<-busy
	start = time.Now()
	if err := ix.Batch(fixture[4:8], nil); err != nil {
		t.Fatal(err)
	}
	// The batch's own wait, plus one per document body analysed (at
	// least one: Bleve analyses documents in parallel).
	if took, least := time.Since(start), maxBatchYield+maxDocYield; took < least {
		t.Fatalf("a batch with a search waiting took %v (%v with none), want at least %v", took, quiet, least)
	}
	<-ix.slots // the running search ends; the waiting one runs
	if err := <-waiter; err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	if err := ix.Batch(fixture[8:], nil); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took >= maxBatchYield {
		t.Fatalf("a batch with no search waiting took %v", took)
	}
	if n, _ := ix.Count(); n != uint64(len(fixture)) {
		t.Fatalf("%d documents, want %d", n, len(fixture))
	}
}

// IDs keep only those documents: with words (the ids drive the words'
// postings), without them, and with a date range and facets.
func TestSearchIDs(t *testing.T) {
	ix := newFixtureIndex(t)
	all := doSearch(t, ix, Request{NoFacets: true, PerPage: 100})
	if len(all.Hits) < 4 {
		t.Fatalf("fixture too small: %d", len(all.Hits))
	}
	some := []string{all.Hits[0].ID, all.Hits[2].ID, "no-such-doc"}
	res := doSearch(t, ix, Request{IDs: some, PerPage: 100})
	if got := hitIDs(res); len(got) != 2 || res.Total != 2 || !slices.Contains(got, some[0]) || !slices.Contains(got, some[1]) {
		t.Fatalf("browse ids: %v (total %d)", got, res.Total)
	}
	if res := doSearch(t, ix, Request{IDs: []string{}, NoFacets: true}); res.Total != 0 {
		t.Fatalf("empty ids found %d", res.Total)
	}
	words := doSearch(t, ix, Request{Q: "neglect", NoFacets: true, PerPage: 100})
	if len(words.Hits) < 2 {
		t.Fatalf("fixture: %d neglect hits", len(words.Hits))
	}
	one := doSearch(t, ix, Request{Q: "neglect", IDs: []string{words.Hits[1].ID, some[2]}, NoFacets: true})
	if got := hitIDs(one); len(got) != 1 || got[0] != words.Hits[1].ID || one.Total != 1 {
		t.Fatalf("words and ids: %v", got)
	}
	none := doSearch(t, ix, Request{Q: "neglect -neglect", IDs: []string{words.Hits[1].ID}, NoFacets: true})
	if none.Total != 0 {
		t.Fatalf("excluded word with ids: %d", none.Total)
	}
	withDates := doSearch(t, ix, Request{IDs: some, DateFrom: "1900", DateTo: "2100", PerPage: 100})
	if withDates.Total > 2 {
		t.Fatalf("ids and dates: %d", withDates.Total)
	}
	if err := (&Request{IDs: []string{"../x"}}).Validate(); err == nil {
		t.Fatal("a bad id passed")
	}
}
