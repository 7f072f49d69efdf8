package index

import (
	"context"
	"slices"
	"testing"
)

var testSynonyms = map[string][]string{
	"cse":                       {"child sexual exploitation"},
	"child sexual exploitation": {"cse"},
	"ehe":                       {"elective home education"},
	"elective home education":   {"ehe"},
	"lac":                       {"looked after children"},
	"looked after children":     {"lac"},
}

// fixture is a small corpus with one members-only document (d09) whose body
// holds the secret word "zanzibarite".
var fixture = []Document{
	{ID: "d01", Title: "Ofsted inspection framework for children's homes", Summary: "How inspectors judge the quality of care in homes.",
		Body: "The inspection examines safeguarding practice and leadership.", Publisher: "Ofsted", Type: "guidance",
		Themes: []string{"inspection", "residential-care"}, ThemeLabels: []string{"Inspection", "Residential care"},
		Year: 2019, Published: "2019-04-01", Access: AccessPublic, Source: "seed"},
	{ID: "d02", Title: "Inspections of local authority children's services", Summary: "Findings from a year of visits.",
		Body: "Inspectors found that leadership matters.", Publisher: "Ofsted", Type: "report",
		Themes: []string{"inspection"}, ThemeLabels: []string{"Inspection"},
		Year: 2018, Published: "2018-06-10", Access: AccessPublic, Source: "seed"},
	{ID: "d03", Title: "Tackling exploitation: a study of current practice", Summary: "A review of how councils respond to child sexual exploitation.",
		Body: "Child sexual exploitation is a form of abuse. Councils need better data.", Publisher: "National Audit Office (NAO)", Type: "report",
		Themes: []string{"child-sexual-exploitation"}, ThemeLabels: []string{"Child sexual exploitation"},
		Year: 2016, Published: "2016-00-00", Access: AccessPublic, Source: "curated"},
	{ID: "d04", Title: "Risk assessment toolkit", Summary: "A toolkit for practitioners worried about CSE.",
		Body: "Use this CSE screening tool at first contact.", Publisher: "Barnardo's", Type: "toolkit",
		Themes: []string{"exploitation"}, ThemeLabels: []string{"Exploitation"},
		Year: 2020, Published: "2020-03-01", Access: AccessPublic, Source: "crawled"},
	{ID: "d05", Title: "Elective home education: guidance for local authorities", Summary: "Statutory guidance on home education.",
		Body: "Parents may choose elective home education for their children.", Publisher: "Department for Education", Type: "guidance",
		Themes: []string{"education"}, ThemeLabels: []string{"Education"},
		Year: 2019, Published: "2019-04-02", Access: AccessPublic, Source: "seed"},
	{ID: "d06", Title: "Safeguarding children in EHE", Summary: "Risks when children are not in school.",
		Body: "Children in EHE can be invisible to services.", Publisher: "NSPCC", Type: "briefing",
		Themes: []string{"education"}, ThemeLabels: []string{"Education"},
		Year: 2021, Published: "2021-09-01", Access: AccessPublic, Source: "crawled"},
	{ID: "d07", Title: "Outcomes for looked after children", Summary: "Annual statistics.",
		Body: "Outcomes for looked after children by local authority.", Publisher: "Department for Education", Type: "statistics",
		Themes: []string{"care"}, ThemeLabels: []string{"Children in care"},
		Year: 2017, Published: "2017-05-05", Access: AccessPublic, Source: "import"},
	{ID: "d08", Title: "LAC health assessments", Summary: "Health checks for LAC.",
		Body: "Every LAC should have a health assessment.", Publisher: "NHS England", Type: "guidance",
		Themes: []string{"care", "health"}, ThemeLabels: []string{"Children in care", "Health"},
		Year: 2015, Published: "2015-02-01", Access: AccessPublic, Source: "import"},
	{ID: "d09", Title: "Neglect practice briefing", Summary: "Members summary about quietudes.",
		Body: "A zanzibarite secret known only to members.", Publisher: "NSPCC", Type: "briefing",
		Themes: []string{"neglect"}, ThemeLabels: []string{"Neglect"}, Extra: "helpline quixotry",
		Year: 2022, Published: "2022-01-10", Area: "Kent", Region: "South East", Access: AccessMembers, Source: "curated"},
	{ID: "d10", Title: "Neglect strategy 2020-2023", Summary: "How partners tackle neglect.",
		Body: "Our strategy for neglect across the county.", Publisher: "Kent Safeguarding Children Partnership", Type: "policy",
		Themes: []string{"neglect"}, ThemeLabels: []string{"Neglect"},
		Year: 2020, Published: "2020-01-15", Area: "Kent", Region: "South East", Access: AccessPublic, Source: "crawled"},
	{ID: "d11", Title: "Neglect toolkit", Summary: "Tools for neglect cases.",
		Body: "A graded care profile for neglect.", Publisher: "Tower Hamlets Safeguarding Children Partnership", Type: "toolkit",
		Themes: []string{"neglect"}, ThemeLabels: []string{"Neglect"},
		Year: 2020, Published: "2020-01-15", Area: "Tower Hamlets", Region: "London", Access: AccessPublic, Source: "crawled"},
	{ID: "d12", Title: "Safeguarding glossary", Summary: "Terms used in safeguarding.",
		Body: "A glossary of <script>alert(1)</script> terms.", Publisher: "NSPCC", Type: "glossary",
		Access: AccessPublic, Source: "seed"},
}

func newFixtureIndex(t testing.TB) *Index {
	t.Helper()
	ix, err := OpenMemory(Options{Synonyms: testSynonyms})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.Batch(fixture, nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

func mustParse(t testing.TB, s string) Query {
	t.Helper()
	q, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q): %v", s, err)
	}
	return q
}

func doSearch(t testing.TB, ix *Index, req Request) *Result {
	t.Helper()
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	return res
}

func hitIDs(r *Result) []string {
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	return ids
}

func sortedIDs(r *Result) []string {
	ids := hitIDs(r)
	slices.Sort(ids)
	return ids
}
