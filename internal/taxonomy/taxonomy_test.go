package taxonomy

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var requiredSlugs = []string{
	"child-sexual-exploitation", "online-abuse", "neglect", "domestic-abuse",
	"child-death-review", "sport", "elective-home-education", "looked-after-children",
	"inspection", "serious-case-reviews", "partnership-arrangements",
	"poverty-and-deprivation", "trafficking-and-modern-slavery", "grooming",
	"information-sharing", "children-missing-education", "healthy-relationships",
	"institutional-abuse", "early-help", "unaccompanied-asylum-seeking-children",
	"social-work-reform",
}

func TestDefault(t *testing.T) {
	tx := Default()
	if tx != Default() {
		t.Error("Default should parse once and return the same vocabulary")
	}
	themes := tx.Themes()
	narrow := 0
	for _, th := range themes {
		if !th.IsBroader() {
			narrow++
		}
	}
	if n := narrow; n < 28 || n > 35 {
		t.Errorf("got %d themes that are not broader ones, want 28-35", n)
	}
	for _, slug := range requiredSlugs {
		if !tx.Valid(slug) {
			t.Errorf("required slug %q missing", slug)
		}
	}
	for i, th := range themes {
		if th.Description == "" || len(th.Description) < 60 {
			t.Errorf("theme %q: description missing or too short for members", th.Slug)
		}
		if i > 0 && strings.ToLower(themes[i-1].Label) > strings.ToLower(th.Label) {
			t.Errorf("Themes not in label order: %q before %q", themes[i-1].Label, th.Label)
		}
		got, ok := tx.Get(th.Slug)
		if !ok || got.Label != th.Label {
			t.Errorf("Get(%q) = %v, %v", th.Slug, got, ok)
		}
		if tx.Label(th.Slug) != th.Label {
			t.Errorf("Label(%q) = %q, want %q", th.Slug, tx.Label(th.Slug), th.Label)
		}
		// American spellings only where members would type them.
		for _, s := range append([]string{th.Label, th.Description}, th.Synonyms...) {
			if strings.Contains(strings.ToLower(s), "organization") && !slices.Contains(th.Synonyms, s) {
				t.Errorf("theme %q: use British spelling in %q", th.Slug, s)
			}
		}
	}
	if _, ok := tx.Get("no-such-theme"); ok {
		t.Error("Get of unknown slug succeeded")
	}
	if tx.Valid("") || tx.Valid("no-such-theme") {
		t.Error("Valid accepted an unknown slug")
	}
	if got := tx.Label("retired-theme"); got != "retired-theme" {
		t.Errorf("Label of unknown slug = %q, want the slug", got)
	}
	if len(tx.Acronyms()) == 0 {
		t.Error("no general acronyms")
	}
}

func TestThemesAreCopies(t *testing.T) {
	tx := Default()
	th := tx.Themes()
	th[0].Label = "changed"
	th[0].Synonyms = append(th[0].Synonyms[:0], "changed")
	if again := tx.Themes(); again[0].Label == "changed" || slices.Contains(again[0].Synonyms, "changed") {
		t.Error("Themes exposes internal state")
	}
	m := tx.SynonymMap()
	m["cse"][0] = "changed"
	if tx.SynonymMap()["cse"][0] == "changed" {
		t.Error("SynonymMap exposes internal state")
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string // "" means valid
	}{
		{"minimal", `{"themes":[{"slug":"a-1","label":"A"}]}`, ""},
		{"with acronym", `{"themes":[{"slug":"a","label":"A","synonyms":["AA"]}],"acronyms":[{"term":"XY","expansions":["x y"],"themes":["a"]}]}`, ""},
		{"empty", ``, "decode"},
		{"not json", `themes: []`, "decode"},
		{"no themes", `{"themes":[]}`, "no themes"},
		{"duplicate slug", `{"themes":[{"slug":"a","label":"A"},{"slug":"a","label":"B"}]}`, "duplicate slug"},
		{"upper-case slug", `{"themes":[{"slug":"Neglect","label":"Neglect"}]}`, "must match"},
		{"slug with space", `{"themes":[{"slug":"home education","label":"x"}]}`, "must match"},
		{"slug with underscore", `{"themes":[{"slug":"home_education","label":"x"}]}`, "must match"},
		{"empty slug", `{"themes":[{"slug":"","label":"x"}]}`, "must match"},
		{"empty label", `{"themes":[{"slug":"a","label":"  "}]}`, "empty label"},
		{"empty synonym", `{"themes":[{"slug":"a","label":"A","synonyms":["-"]}]}`, "empty term"},
		{"empty related", `{"themes":[{"slug":"a","label":"A","related":[""]}]}`, "empty term"},
		{"unknown field", `{"themes":[{"slug":"a","label":"A","synonym":["x"]}]}`, "unknown field"},
		{"trailing data", `{"themes":[{"slug":"a","label":"A"}]} {}`, "trailing"},
		{"term in two rings", `{"themes":[{"slug":"a","label":"A","synonyms":["CSE"]},{"slug":"b","label":"B","synonyms":["cse"]}]}`, "synonym rings"},
		{"acronym clashes with theme", `{"themes":[{"slug":"a","label":"A","synonyms":["LAC"]}],"acronyms":[{"term":"LAC","expansions":["x"]}]}`, "synonym rings"},
		{"acronym unknown theme", `{"themes":[{"slug":"a","label":"A"}],"acronyms":[{"term":"XY","expansions":["x y"],"themes":["b"]}]}`, "unknown theme"},
		{"hierarchy", `{"themes":[{"slug":"b","label":"B","narrower":["a","c"]},{"slug":"a","label":"A"},{"slug":"c","label":"C"}]}`, ""},
		{"unknown narrower", `{"themes":[{"slug":"b","label":"B","narrower":["x"]}]}`, "unknown narrower"},
		{"under itself", `{"themes":[{"slug":"b","label":"B","narrower":["b"]}]}`, "under itself"},
		{"two broader", `{"themes":[{"slug":"b","label":"B","narrower":["a"]},{"slug":"c","label":"C","narrower":["a"]},{"slug":"a","label":"A"}]}`, "under both"},
		{"three levels", `{"themes":[{"slug":"b","label":"B","narrower":["c"]},{"slug":"c","label":"C","narrower":["a"]},{"slug":"a","label":"A"}]}`, "two levels"},
		{"broader with synonyms", `{"themes":[{"slug":"b","label":"B","synonyms":["bb"],"narrower":["a"]},{"slug":"a","label":"A"}]}`, "synonyms or related"},
		{"broader label is a synonym", `{"themes":[{"slug":"b","label":"Kids in care","narrower":["a"]},{"slug":"a","label":"A","synonyms":["kids in care"]}]}`, ""},
		{"acronym tags a broader theme", `{"themes":[{"slug":"b","label":"B","narrower":["a"]},{"slug":"a","label":"A"}],"acronyms":[{"term":"XY","expansions":["x y"],"themes":["b"]}]}`, "broader theme"},
		{"acronym no expansion", `{"themes":[{"slug":"a","label":"A"}],"acronyms":[{"term":"XY"}]}`, "no expansions"},
		{"acronym empty term", `{"themes":[{"slug":"a","label":"A"}],"acronyms":[{"term":" ","expansions":["x"]}]}`, "empty term"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := Load(strings.NewReader(tt.in))
			if tt.wantErr == "" {
				if err != nil || tx == nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load succeeded, want error containing %q", tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Load error %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadTooLarge(t *testing.T) {
	big := `{"themes":[{"slug":"a","label":"` + strings.Repeat("x", maxVocabularyBytes) + `"}]}`
	if _, err := Load(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("Load of oversized vocabulary: %v", err)
	}
}

func TestSynonymMapRings(t *testing.T) {
	// Each pair must be equivalent both ways.
	pairs := []struct{ a, b string }{
		{"cse", "child sexual exploitation"},
		{"ehe", "elective home education"},
		{"ehe", "home education"},
		{"home education", "home schooling"},
		{"elective home education", "homeschooling"},
		{"lac", "looked after children"},
		{"lac", "children in care"},
		{"cla", "looked after children"},
		{"children in care", "looked after children"},
		{"scr", "serious case review"},
		{"cspr", "child safeguarding practice review"},
		{"cdop", "child death overview panel"},
		{"marac", "multi agency risk assessment conference"},
		{"uasc", "unaccompanied asylum seeking children"},
		{"fgm", "female genital mutilation"},
		{"cme", "children missing education"},
		{"lscb", "local safeguarding children board"},
		{"lscp", "local safeguarding children partnership"},
		{"mash", "multi agency safeguarding hub"},
		{"lado", "local authority designated officer"},
		{"cpsu", "child protection in sport unit"},
		{"dfe", "department for education"},
		{"nao", "national audit office"},
		{"iicsa", "independent inquiry into child sexual abuse"},
		{"adcs", "association of directors of childrens services"},
		{"nspcc", "national society for the prevention of cruelty to children"},
		{"ofsted", "office for standards in education childrens services and skills"},
	}
	m := Default().SynonymMap()
	for _, p := range pairs {
		if !slices.Contains(m[p.a], p.b) {
			t.Errorf("SynonymMap[%q] = %q, want it to contain %q", p.a, m[p.a], p.b)
		}
		if !slices.Contains(m[p.b], p.a) {
			t.Errorf("SynonymMap[%q] = %q, want it to contain %q", p.b, m[p.b], p.a)
		}
	}
}

func TestSynonymMapShape(t *testing.T) {
	clean := regexp.MustCompile(`^[\p{Ll}\p{N}]+( [\p{Ll}\p{N}]+)*$`)
	m := Default().SynonymMap()
	if len(m) < 100 {
		t.Errorf("SynonymMap has only %d keys", len(m))
	}
	for k, alts := range m {
		if !clean.MatchString(k) {
			t.Errorf("key %q not lower-case words separated by single spaces", k)
		}
		if len(alts) == 0 {
			t.Errorf("key %q has no alternatives", k)
		}
		for _, v := range alts {
			if !clean.MatchString(v) {
				t.Errorf("value %q (of %q) not normalised", v, k)
			}
			if v == k {
				t.Errorf("key %q lists itself", k)
			}
			if !slices.Contains(m[v], k) {
				t.Errorf("not symmetric: %q -> %q but not back", k, v)
			}
		}
	}
	// Related terms hint for tagging but must not widen search.
	if _, ok := m["prevent"]; ok {
		t.Error(`"prevent" is an everyday word and must not be a synonym key`)
	}
	if slices.Contains(m["grooming"], "online abuse") {
		t.Error("related terms leaked into synonym rings")
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"CSE", "cse"},
		{"Looked-after children", "looked after children"},
		{"association of directors of children's services", "association of directors of childrens services"},
		{"children’s homes", "childrens homes"},
		{"  Stable Homes,  Built on Love ", "stable homes built on love"},
		{"FGM/C", "fgm c"},
		{"e-safety", "e safety"},
		{"---", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHierarchy: the broader themes the issue names, over the narrower
// ones it names, every old slug kept.
func TestHierarchy(t *testing.T) {
	tx := Default()
	want := map[string][]string{
		"abuse-and-exploitation": {"child-sexual-exploitation", "online-abuse", "grooming", "trafficking-and-modern-slavery"},
		"children-in-care":       {"looked-after-children", "unaccompanied-asylum-seeking-children"},
		"learning-from-cases":    {"serious-case-reviews", "child-death-review"},
	}
	for b, ns := range want {
		th, ok := tx.Get(b)
		if !ok || !th.IsBroader() {
			t.Fatalf("%s: not a broader theme", b)
		}
		for _, n := range ns {
			if !slices.Contains(tx.Narrower(b), n) || tx.Broader(n) != b {
				t.Errorf("%s should be under %s (narrower %v, broader %q)", n, b, tx.Narrower(b), tx.Broader(n))
			}
		}
	}
	for _, th := range tx.Themes() {
		if th.IsBroader() && th.Broader != "" {
			t.Errorf("%s is broader and under %s", th.Slug, th.Broader)
		}
		if th.IsBroader() {
			for i, n := range th.Narrower[1:] {
				if strings.ToLower(tx.Label(th.Narrower[i])) > strings.ToLower(tx.Label(n)) {
					t.Errorf("%s: narrower themes not in label order", th.Slug)
				}
			}
		}
	}
	got := tx.WithBroader([]string{"grooming", "online-abuse", "neglect", "grooming", "sport"})
	if w := []string{"grooming", "online-abuse", "neglect", "sport", "abuse-and-exploitation", "forms-of-abuse"}; !slices.Equal(got, w) {
		t.Errorf("WithBroader = %v, want %v", got, w)
	}
	// A broader theme is never suggested by the tagger itself.
	for _, tg := range tx.Tag("Abuse and exploitation", "Learning from cases. Children in care.", "Abuse and exploitation, child sexual exploitation.") {
		if th, _ := tx.Get(tg.Slug); th.IsBroader() {
			t.Errorf("tagger suggested broader theme %s", tg.Slug)
		}
	}
}
