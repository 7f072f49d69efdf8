package taxonomy

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func slugs(tags []Tag) []string {
	out := make([]string, len(tags))
	for i, tg := range tags {
		out[i] = tg.Slug
	}
	return out
}

func TestTag(t *testing.T) {
	const cseText = "Child sexual exploitation and grooming online"
	tests := []struct {
		name                 string
		title, summary, body string
		want                 []string // exactly these, in any order
	}{
		{name: "CSE text as summary", summary: cseText,
			want: []string{"child-sexual-exploitation", "grooming", "online-abuse"}},
		{name: "CSE text as title", title: cseText,
			want: []string{"child-sexual-exploitation", "grooming", "online-abuse"}},
		// A related term alone in a body is only a hint.
		{name: "CSE text as body", body: cseText,
			want: []string{"child-sexual-exploitation", "grooming"}},
		{name: "EHE procedure", title: "Elective Home Education procedure",
			want: []string{"elective-home-education"}},
		{name: "EHE acronym and home schooling", title: "EHE: a guide", summary: "Support for families home-schooling their children.",
			want: []string{"elective-home-education"}},
		{name: "gardening",
			title:   "Growing tomatoes in a small garden",
			summary: "How to sow, pot on and feed tomato plants, with advice on blight and watering.",
			body:    "Sow seeds indoors in March. Pot them on when the first true leaves appear, harden them off in May and plant out after the last frost. Feed weekly with a high-potash fertiliser once the first truss sets. Water at the base in the morning and remove side shoots on cordon varieties. Good airflow reduces the risk of blight in a wet summer.",
			want:    nil},
		{name: "empty", want: nil},
		{name: "only punctuation", title: "—!?", summary: "...", body: "''' ---", want: nil},

		// Acronyms in capitals match; the letters inside words or in lower case do not.
		{name: "LAC acronym", title: "LAC health assessments", want: []string{"looked-after-children"}},
		{name: "lac in lower case", title: "A lac of rupees", want: nil},
		{name: "LAC inside words", title: "Placement of the palace lace", want: nil},
		{name: "plural acronym", title: "Learning from SCRs", want: []string{"serious-case-reviews"}},
		{name: "CSE not inside GCSE", title: "GCSE results day", want: nil},
		{name: "Marac any case", title: "MARAC and Marac referrals", want: []string{"domestic-abuse"}},
		{name: "general acronym hints a theme", title: "Role of the LADO", want: []string{"allegations-against-staff"}},
		{name: "general acronym without theme", title: "DfE and NAO", want: nil},

		// Plurals, possessives and -ing forms.
		{name: "singular child", title: "A looked after child's health", want: []string{"looked-after-children"}},
		{name: "plural reviews", title: "Serious case review themes", want: []string{"serious-case-reviews"}},
		{name: "hyphens", title: "Peer on peer abuse and child-on-child abuse", want: []string{"child-on-child-abuse"}},
		{name: "ing form", title: "Trafficking children", want: []string{"trafficking-and-modern-slavery"}},
		{name: "Prevent needs its noun", title: "How to prevent falls", want: nil},
		{name: "Prevent duty", title: "The Prevent duty in schools", want: []string{"radicalisation"}},
	}
	tx := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tx.Tag(tt.title, tt.summary, tt.body)
			gs := slugs(got)
			want := slices.Clone(tt.want)
			slices.Sort(gs)
			slices.Sort(want)
			if !slices.Equal(gs, want) {
				t.Errorf("Tag = %v, want %v", got, tt.want)
			}
			checkOrder(t, got)
		})
	}
}

func checkOrder(t *testing.T, tags []Tag) {
	t.Helper()
	if len(tags) > MaxTags {
		t.Errorf("%d tags, want at most %d", len(tags), MaxTags)
	}
	for i, tg := range tags {
		if tg.Score < TagThreshold {
			t.Errorf("tag %v below threshold", tg)
		}
		if i > 0 && (tags[i-1].Score < tg.Score || tags[i-1].Score == tg.Score && tags[i-1].Slug > tg.Slug) {
			t.Errorf("tags not best first: %v", tags)
		}
	}
}

func TestTagFieldWeights(t *testing.T) {
	tx := Default()
	score := func(title, summary, body string) float64 {
		for _, tg := range tx.Tag(title, summary, body) {
			if tg.Slug == "neglect" {
				return tg.Score
			}
		}
		return 0
	}
	title, summary, body := score("Neglect", "", ""), score("", "Neglect", ""), score("", "", "Neglect")
	if !(title > summary && summary > body && body > 0) {
		t.Errorf("want title > summary > body > 0, got %v, %v, %v", title, summary, body)
	}
	if more := score("", "", "Neglect. Child neglect. Neglect strategy."); more <= body || more >= 3*body {
		t.Errorf("repeats should add with diminishing returns: once %v, three times %v", body, more)
	}
}

func TestTagMaxTags(t *testing.T) {
	got := Default().Tag("Neglect, domestic abuse, FGM, CSE, grooming, sport, inspection and private fostering", "", "")
	if len(got) != MaxTags {
		t.Errorf("got %d tags, want %d: %v", len(got), MaxTags, got)
	}
	checkOrder(t, got)
}

// filler is text on no theme, used to dilute long bodies.
func filler(words int, seed uint64) string {
	vocab := strings.Fields(`the a of and to in that for on with as by at from this which was were
		be has have had are is it its their they our we report council board meeting members annual
		year years local national service services data figures table page section chapter summary
		findings recommendations approach evidence practice development progress work plan plans
		staff training budget area areas support including however also between further number
		review process system new current previous group groups information time level levels
		policy people family families young adults school schools health police partners partner`)
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for i := range words {
		if i > 0 {
			if i%17 == 0 {
				b.WriteString(". ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(vocab[r.IntN(len(vocab))])
	}
	return b.String()
}

func TestTagLongBodyDamped(t *testing.T) {
	tx := Default()
	long := filler(20000, 1)
	// A passing mention in a long report is not enough...
	passing := long[:len(long)/2] + " child neglect. " + long[len(long)/2:]
	if got := tx.Tag("", "", passing); len(got) != 0 {
		t.Errorf("one mention in 20,000 words tagged %v", got)
	}
	// ...but a report that keeps returning to a theme is about it.
	var b strings.Builder
	words := strings.Fields(long)
	for i, w := range words {
		if i%400 == 0 {
			b.WriteString("neglect ")
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	if got := tx.Tag("", "", b.String()); !slices.Equal(slugs(got), []string{"neglect"}) {
		t.Errorf("50 mentions in 20,000 words tagged %v, want neglect", got)
	}
}

func TestTagHugeInputBounded(t *testing.T) {
	tx := Default()
	huge := strings.Repeat("plain words about nothing much ", (8<<20)/31) // ~8 MiB
	start := time.Now()
	got := tx.Tag(huge, huge, huge+" female genital mutilation")
	if len(got) != 0 {
		t.Errorf("text past the caps was read: %v", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Tag on 24 MiB took %v; input not bounded", d)
	}
	// A cut inside a multi-byte rune must not produce invalid text or panic.
	odd := strings.Repeat("é", MaxTagTitleBytes)
	_ = tx.Tag(odd, odd, odd)
	if got := clip("aé", 2); got != "a" {
		t.Errorf("clip cut inside a rune: %q", got)
	}
}

func TestTagConcurrent(t *testing.T) {
	tx := Default()
	want := slugs(tx.Tag("Domestic abuse and neglect", "", filler(500, 2)))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				body := filler(100+i*50, uint64(i))
				if i%2 == 0 {
					body = ""
				}
				got := slugs(tx.Tag("Domestic abuse and neglect", "", body))
				if !slices.Equal(got, want) {
					t.Errorf("concurrent Tag = %v, want %v", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestStem(t *testing.T) {
	groups := [][]string{
		{"abuse", "abuses", "abusing"},
		{"child", "children", "childrens", "childs"},
		{"party", "parties"},
		{"groom", "grooming"},
		{"review", "reviews"},
		{"box", "boxes"},
		{"class", "classes"},
		{"service", "services"},
	}
	for _, g := range groups {
		first := string(stem([]byte(g[0])))
		for _, w := range g[1:] {
			if got := string(stem([]byte(w))); got != first {
				t.Errorf("stem(%q) = %q, stem(%q) = %q; want equal", g[0], first, w, got)
			}
		}
	}
	// Words that must not be cut.
	for _, w := range []string{"status", "analysis", "miss", "sing", "is", "as"} {
		if got := string(stem([]byte(w))); got != w {
			t.Errorf("stem(%q) = %q, want unchanged", w, got)
		}
	}
}

// TestTagCorpus locks tagging of the seed catalogue in a golden file, so a
// change to the vocabulary or the scoring shows up as a reviewable diff. It
// also checks agreement with the themes curators chose.
func TestTagCorpus(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus []struct {
		ID      string   `json:"id"`
		Title   string   `json:"title"`
		Summary string   `json:"summary"`
		Curated []string `json:"curated"`
	}
	if err := json.Unmarshal(data, &corpus); err != nil {
		t.Fatal(err)
	}
	tx := Default()
	var out bytes.Buffer
	var agreed, suggested, curated int
	for _, r := range corpus {
		got := tx.Tag(r.Title, r.Summary, "")
		fmt.Fprintf(&out, "%s:", r.ID)
		for _, tg := range got {
			fmt.Fprintf(&out, " %s(%.3g)", tg.Slug, tg.Score)
			if slices.Contains(r.Curated, tg.Slug) {
				agreed++
			}
		}
		out.WriteByte('\n')
		suggested += len(got)
		curated += len(r.Curated)
	}
	precision, recall := float64(agreed)/float64(suggested), float64(agreed)/float64(curated)
	t.Logf("agreement with curators: precision %.2f, recall %.2f", precision, recall)
	// Suggestions are reviewed by staff, so precision matters more than recall.
	if precision < 0.8 || recall < 0.5 {
		t.Errorf("precision %.2f (want >= 0.8), recall %.2f (want >= 0.5)", precision, recall)
	}

	golden := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("tagging changed; review and run go test -update\n got:\n%s", out.String())
	}
}

func FuzzTag(f *testing.F) {
	f.Add("Child sexual exploitation", "CSE and grooming online", "LAC SCRs children's homes")
	f.Add("", "", "")
	f.Add("é'’-", "MARAC", "\xff\xfe")
	tx := Default()
	f.Fuzz(func(t *testing.T, title, summary, body string) {
		got := tx.Tag(title, summary, body)
		checkOrder(t, got)
		for _, tg := range got {
			if !tx.Valid(tg.Slug) {
				t.Errorf("unknown slug %q", tg.Slug)
			}
		}
	})
}

func BenchmarkTag(b *testing.B) {
	tx := Default()
	// A 20,000-word report: filler with theme terms every 150 words or so.
	words := strings.Fields(filler(20000, 3))
	terms := []string{"neglect", "CSE", "looked after children", "domestic abuse", "LSCB", "Ofsted", "early help"}
	for i := 0; i < len(words); i += 150 {
		words[i] = terms[(i/150)%len(terms)]
	}
	body := strings.Join(words, " ")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		tx.Tag("Annual report of the safeguarding partnership", "What the partners did this year.", body)
	}
}
