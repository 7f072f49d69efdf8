package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"strings"

	"safelib/internal/library"
)

// Vocabulary for a realistic-looking corpus: safeguarding words weighted
// above filler, so queries hit a spread of result sizes.
var (
	topicWords = strings.Fields(`safeguarding child children neglect exploitation sexual abuse online grooming
		partnership partnerships inspection ofsted review reviews serious case death overview panel domestic
		violence education home elective missing looked after care leavers fostering adoption trafficking
		modern slavery county lines radicalisation prevent mental health wellbeing poverty deprivation
		early help family support social work workforce reform assessment threshold referral strategy
		multi-agency information sharing police health schools designated officer allegations institutional
		sport coach club volunteer helpline unaccompanied asylum seeking disabled emotional physical harm
		bullying cyberbullying contextual extra-familial adolescent teenagers infants babies bruising
		supervision audit learning improvement practice guidance procedure policy protocol framework`)
	fillerWords = strings.Fields(`the of and to in a for is on that with as by are be this from at or which it
		an was were not have has had their they will would should could local national report year
		findings recommendations evidence data number increase decrease services service council
		authority authorities board boards government department agency agencies staff professionals`)
	themes = []string{"child-sexual-exploitation", "online-abuse", "neglect", "domestic-abuse",
		"child-death-review", "sport", "elective-home-education", "looked-after-children", "inspection",
		"serious-case-reviews", "partnership-arrangements", "poverty-and-deprivation",
		"trafficking-and-modern-slavery", "grooming", "information-sharing", "children-missing-education",
		"healthy-relationships", "institutional-abuse", "early-help", "unaccompanied-asylum-seeking-children",
		"social-work-reform", "mental-health", "radicalisation", "criminal-exploitation", "private-fostering",
		"female-genital-mutilation", "missing-children", "disabled-children", "emotional-abuse", "physical-abuse"}
	types = []string{"report", "executive-summary", "briefing", "guidance", "legislation", "consultation",
		"serious-case-review", "local-policy", "research", "campaign", "article", "template", "presentation"}
	regions = []string{"North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
		"East of England", "London", "South East", "South West"}
)

// record is a generated resource in the import's exchange shape.
type record = library.Record

func words(r *rand.Rand, n int, b *strings.Builder) {
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		if r.Intn(3) == 0 {
			b.WriteString(topicWords[r.Intn(len(topicWords))])
		} else {
			b.WriteString(fillerWords[r.Intn(len(fillerWords))])
		}
		if i%14 == 13 {
			b.WriteByte('.')
		}
	}
}

func text(r *rand.Rand, n int) string {
	var b strings.Builder
	b.Grow(n * 7)
	words(r, n, &b)
	return b.String()
}

// writeCorpus writes n deterministic resources as JSONL: summaries of ~60
// words, bodies of 400-3,000 words, and a tenth PDF-sized (20,000 words).
func writeCorpus(w io.Writer, n int, seed int64) error {
	r := rand.New(rand.NewSource(seed))
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	publishers := make([]string, 200)
	for i := range publishers {
		publishers[i] = fmt.Sprintf("%s %s Safeguarding Partnership", title(topicWords[r.Intn(len(topicWords))]), []string{"North", "South", "East", "West", "Central"}[i%5])
	}
	areas := make([]string, 150)
	for i := range areas {
		areas[i] = fmt.Sprintf("Area %03d", i)
	}
	for i := 0; i < n; i++ {
		bodyWords := 400 + r.Intn(2600)
		if i%10 == 0 {
			bodyWords = 20000
		}
		ts := map[string]bool{}
		for k := 2 + r.Intn(3); len(ts) < k; {
			ts[themes[r.Intn(len(themes))]] = true
		}
		rec := record{
			ResourceFields: library.ResourceFields{
				ID:        fmt.Sprintf("gen-%06d", i),
				Title:     title(text(r, 4+r.Intn(8))),
				URL:       fmt.Sprintf("https://example.org/reports/%06d", i),
				Publisher: publishers[r.Intn(len(publishers))],
				Type:      types[r.Intn(len(types))],
				Published: fmt.Sprintf("%04d-%02d-%02d", 2000+r.Intn(27), 1+r.Intn(12), 1+r.Intn(28)),
				Summary:   text(r, 60),
				Access:    "public",
			},
			Body:   text(r, bodyWords),
			Source: "import",
		}
		for t := range ts {
			rec.Themes = append(rec.Themes, t)
		}
		if i%3 == 0 {
			rec.Area = areas[r.Intn(len(areas))]
			rec.Region = regions[r.Intn(len(regions))]
		}
		if i%10 == 5 {
			rec.Access = "members"
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// query is one search of the load mix.
type query struct {
	Q       string
	Filters library.Selections
	Sort    library.Sort
	Page    int
}

func (q query) values() string {
	v := []string{"q=" + urlEscape(q.Q), "sort=" + string(q.Sort), fmt.Sprintf("page=%d", q.Page)}
	for f, vals := range q.Filters {
		for _, x := range vals {
			v = append(v, string(f)+"="+urlEscape(x))
		}
	}
	return strings.Join(v, "&")
}

// queryMix returns n distinct queries: 1-3 topic words (some empty), with
// facet selections on about half.
func queryMix(n int, seed int64) []query {
	r := rand.New(rand.NewSource(seed))
	seen := map[string]bool{}
	var out []query
	sorts := []library.Sort{library.SortRelevance, library.SortRelevance, library.SortRelevance, library.SortNewest, library.SortOldest, library.SortTitle}
	for len(out) < n {
		q := query{Sort: sorts[r.Intn(len(sorts))], Page: 1 + r.Intn(3), Filters: library.Selections{}}
		if r.Intn(10) > 0 {
			k := 1 + r.Intn(3)
			var ws []string
			for j := 0; j < k; j++ {
				ws = append(ws, topicWords[r.Intn(len(topicWords))])
			}
			q.Q = strings.Join(ws, " ")
		}
		if r.Intn(2) == 0 {
			q.Filters[library.FieldTheme] = []string{themes[r.Intn(len(themes))]}
		}
		if r.Intn(4) == 0 {
			q.Filters[library.FieldType] = []string{types[r.Intn(len(types))]}
		}
		if r.Intn(4) == 0 {
			q.Filters[library.FieldYear] = []string{fmt.Sprint(2000 + r.Intn(27))}
		}
		key := q.values()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, q)
	}
	return out
}

// title capitalises the first letter of s (ASCII corpus).
func title(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
