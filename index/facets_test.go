package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
)

// randomIndex builds an index of random documents spread over several
// segments, with updated and deleted documents (and some without a date).
func randomIndex(t *testing.T, rng *rand.Rand) *Index {
	t.Helper()
	pick := func(vs []string) string { return vs[rng.IntN(len(vs))] }
	regions := map[string]string{"Kent": "South East", "Surrey": "South East", "Camden": "London", "Leeds": "Yorkshire"}
	doc := func(i int) Document {
		d := Document{
			ID:        fmt.Sprintf("r%03d", i),
			Title:     pick(randomWords) + " " + pick(randomWords),
			Summary:   pick(randomWords),
			Body:      strings.Repeat(pick(randomWords)+" ", 1+rng.IntN(3)),
			Publisher: pick([]string{"NSPCC", "Ofsted", "NAO", "DfE", "Kent SCP"}),
			Type:      pick([]string{"report", "guidance", "briefing", "local-policy"}),
			Year:      2015 + rng.IntN(6),
			Access:    pick([]string{AccessPublic, AccessPublic, AccessMembers}),
			Source:    pick([]string{"seed", "crawled", "import"}),
		}
		d.Published = fmt.Sprintf("%d-%02d-01", d.Year, 1+rng.IntN(3))
		if rng.IntN(8) == 0 {
			d.Year, d.Published = 0, ""
		}
		for range 1 + rng.IntN(3) {
			if th := pick([]string{"neglect", "cse", "online-abuse", "education", "health"}); !slices.Contains(d.Themes, th) {
				d.Themes = append(d.Themes, th)
			}
		}
		if rng.IntN(2) == 0 {
			d.Area = pick(randomAreas)
			d.Region = regions[d.Area]
		}
		return d
	}
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	// Several batches make several segments; later ones update and delete
	// documents of earlier ones.
	next := 0
	for b := range 6 {
		var docs []Document
		for range 40 {
			docs = append(docs, doc(next))
			next++
		}
		for range 10 {
			docs = append(docs, doc(rng.IntN(next))) // an update
		}
		var deletes []string
		if b > 0 {
			for range 8 {
				deletes = append(deletes, fmt.Sprintf("r%03d", rng.IntN(next-40)))
			}
		}
		if err := ix.Batch(docs, deletes); err != nil {
			t.Fatal(err)
		}
	}
	return ix
}

var (
	randomWords = []string{"neglect", "exploitation", "grooming", "school", "health", "court", "online", "housing"}
	randomAreas = []string{"Kent", "Surrey", "Camden", "Leeds"}
)

// TestFacetCountsByDefinition checks the bitmap facet counts against their
// definition on a random corpus: the count of value v of facet f is the
// total of the same search with f's selection replaced by v alone (a
// search without facets, so Bleve alone answers it).
func TestFacetCountsByDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	ix := randomIndex(t, rng)
	words, areas := randomWords, randomAreas
	pick := func(vs []string) string { return vs[rng.IntN(len(vs))] }
	pickField := func(vs []Field) Field { return vs[rng.IntN(len(vs))] }
	values := map[Field][]string{
		"theme": {"neglect", "cse", "online-abuse", "education", "health", "absent"},
		"type":  {"report", "guidance", "briefing", "local-policy"}, "publisher": {"NSPCC", "Ofsted", "NAO", "DfE", "Kent SCP"},
		"year": {"2015", "2016", "2017", "2018", "2019", "2020"}, "area": areas, "region": {"South East", "London", "Yorkshire"},
	}
	for i := range 80 {
		req := Request{Members: rng.IntN(2) == 0, Filters: Selections{}, Excludes: Selections{},
			Sort: Sort(pick([]string{"", string(SortNewest), string(SortOldest), string(SortTitle)})), Page: 1 + rng.IntN(2), PerPage: 10}
		if rng.IntN(4) > 0 {
			req.Q = pick(words) + " " + strings.Repeat("OR "+pick(words)+" ", rng.IntN(2))
		}
		for range rng.IntN(3) {
			f := pickField(FacetFields)
			req.Filters[f] = append(req.Filters[f], pick(values[f]))
		}
		if rng.IntN(4) == 0 {
			req.Filters["access"] = []string{AccessPublic}
		}
		if rng.IntN(5) == 0 {
			f := pickField(FacetFields)
			req.Excludes[f] = []string{pick(values[f])}
		}
		name := fmt.Sprintf("%d q=%v members=%v filters=%v excludes=%v", i, req.Q, req.Members, req.Filters, req.Excludes)
		got := doSearch(t, ix, req)
		// The page and total are those of the same search without facets,
		// where Bleve applies the selections itself.
		plain := req
		plain.NoFacets = true
		want := doSearch(t, ix, plain)
		if got.Total != want.Total || !slices.Equal(hitIDs(got), hitIDs(want)) {
			t.Errorf("%s: total %d, hits %v; without facets %d, %v", fmt.Sprintf("%d q=%v filters=%v", i, req.Q, req.Filters), got.Total, hitIDs(got), want.Total, hitIDs(want))
		}
		for _, f := range FacetFields {
			var want []FacetValue
			for _, v := range values[f] {
				one := req
				one.NoFacets = true
				one.Filters = req.Filters.Clone()
				one.Filters[f] = []string{v}
				if n := doSearch(t, ix, one).Total; n > 0 {
					want = append(want, FacetValue{Value: v, Count: int(n)})
				}
			}
			if want == nil {
				want = []FacetValue{}
			}
			sortFacetValues(want)
			if !slices.Equal(got.Facets[f], want) {
				t.Errorf("%s: facet %s = %v, want %v", name, f, got.Facets[f], want)
			}
		}
	}
}

// TestFacetTablesAgreeWithIntersections checks the two ways of counting
// (countInto picks one by how the documents are held) against each other
// on random sets of a random multi-segment corpus's documents, sparse and
// dense, deleted documents' numbers never among them.
func TestFacetTablesAgreeWithIntersections(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	ix := randomIndex(t, rng)
	err := ix.withReader(func(r indexReader) error {
		fp, err := ix.postings(r)
		if err != nil {
			return err
		}
		all := fp.all.ToArray()
		for i := range 60 {
			docs := roaring.New()
			keep := 1 + rng.IntN(4)
			for _, n := range all {
				if i%10 == 0 || rng.IntN(keep) == 0 { // every tenth set: all of them
					docs.Add(n)
				}
			}
			size := []int{1, 3, 100}[rng.IntN(3)]
			tables := map[Field][]FacetValue{}
			fp.countTables(tables, docs, FacetFields, size)
			for _, f := range FacetFields {
				want := countValues(fp.fields[filterFields[f]], docs, size)
				if len(want) == 0 {
					want = []FacetValue{}
				}
				if got := tables[f]; !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Fatalf("set %d (%d documents), %s, size %d: tables %v, intersections %v", i, docs.GetCardinality(), f, size, got, want)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
