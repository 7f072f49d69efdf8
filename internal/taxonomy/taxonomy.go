// Package taxonomy owns the library's curated theme vocabulary: the themes
// members browse and filter by, the synonym rings that search expands queries
// with, and the tagging that suggests themes for a piece of text.
//
// The vocabulary is data, not code: it lives in themes.json, embedded in the
// binary and parsed once by Default. Load reads the same format for tests and
// custom vocabularies.
//
// The package is pure: it must not touch SQL, HTTP or Bleve. Search analyses
// text with its own stemmer; SynonymMap only supplies lower-case surface forms.
// A *Taxonomy is immutable after Load and safe for concurrent use.
package taxonomy

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Theme is one entry of the vocabulary.
type Theme struct {
	Slug        string `json:"slug"`
	Label       string `json:"label"`
	Description string `json:"description"`
	// Synonyms are equivalent terms and acronyms ("CSE", "child sexual
	// exploitation"): with the label they form a synonym ring for search.
	Synonyms []string `json:"synonyms"`
	// Related terms hint at the theme when tagging but are not equivalent,
	// so search does not expand them.
	Related []string `json:"related"`
	// Narrower lists the slugs of the themes under a broader theme
	// ("Abuse and exploitation" over grooming, online abuse, ...). A
	// broader theme is not tagged itself (its narrower themes are), is
	// not a synonym ring, and is not under another theme: the hierarchy
	// has two levels.
	Narrower []string `json:"narrower,omitempty"`
	// Broader is the slug of the theme this one is under, or "" (derived
	// from the broader theme's Narrower).
	Broader string `json:"-"`
}

// IsBroader reports whether the theme has narrower themes under it.
func (th Theme) IsBroader() bool { return len(th.Narrower) > 0 }

// Acronym is a general abbreviation ("LSCB", "DfE") that is not itself a
// theme. Its term and expansions form a synonym ring for search; when Themes
// is not empty, any of them hints at those themes when tagging.
type Acronym struct {
	Term       string   `json:"term"`
	Expansions []string `json:"expansions"`
	Themes     []string `json:"themes"`
}

// Taxonomy is a validated vocabulary with precompiled matchers for Tag.
type Taxonomy struct {
	themes   []Theme // display order: by label
	bySlug   map[string]int
	acronyms []Acronym
	synonyms map[string][]string
	m        *matcher
}

type file struct {
	Themes   []Theme   `json:"themes"`
	Acronyms []Acronym `json:"acronyms"`
}

//go:embed themes.json
var defaultData []byte

var defaultTaxonomy = sync.OnceValue(func() *Taxonomy {
	t, err := Load(bytes.NewReader(defaultData))
	if err != nil {
		// Only reachable if themes.json is broken; TestDefault guards it.
		panic(fmt.Sprintf("taxonomy: embedded themes.json: %v", err))
	}
	return t
})

// Default returns the library's vocabulary, parsed once from the embedded
// themes.json. It panics only if that file is invalid, which a test rules out.
func Default() *Taxonomy { return defaultTaxonomy() }

// maxVocabularyBytes bounds what Load will read.
const maxVocabularyBytes = 4 << 20

var slugRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// Load reads a vocabulary in the themes.json format and validates it: slugs
// unique and matching ^[a-z0-9-]+$, labels not empty, no empty terms, each
// term in at most one synonym ring, acronyms pointing at known themes.
func Load(r io.Reader) (*Taxonomy, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxVocabularyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("taxonomy: read: %w", err)
	}
	if len(data) > maxVocabularyBytes {
		return nil, fmt.Errorf("taxonomy: vocabulary larger than %d bytes", maxVocabularyBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt key would otherwise drop data silently
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("taxonomy: decode: %w", err)
	}
	if dec.More() {
		return nil, errors.New("taxonomy: decode: trailing data after vocabulary")
	}
	return build(f)
}

func build(f file) (*Taxonomy, error) {
	if len(f.Themes) == 0 {
		return nil, errors.New("taxonomy: no themes")
	}
	t := &Taxonomy{bySlug: make(map[string]int, len(f.Themes))}
	for i, th := range f.Themes {
		th.Slug = strings.TrimSpace(th.Slug)
		th.Label = strings.TrimSpace(th.Label)
		th.Description = strings.TrimSpace(th.Description)
		if !slugRE.MatchString(th.Slug) {
			return nil, fmt.Errorf("taxonomy: theme %d: slug %q must match %s", i, th.Slug, slugRE)
		}
		if _, dup := t.bySlug[th.Slug]; dup {
			return nil, fmt.Errorf("taxonomy: duplicate slug %q", th.Slug)
		}
		if th.Label == "" {
			return nil, fmt.Errorf("taxonomy: theme %q: empty label", th.Slug)
		}
		for _, list := range [][]string{th.Synonyms, th.Related} {
			for _, term := range list {
				if Normalize(term) == "" {
					return nil, fmt.Errorf("taxonomy: theme %q: empty term %q", th.Slug, term)
				}
			}
		}
		t.bySlug[th.Slug] = i
		t.themes = append(t.themes, cloneTheme(th))
	}
	if err := t.linkBroader(); err != nil {
		return nil, err
	}
	for i, a := range f.Acronyms {
		if Normalize(a.Term) == "" {
			return nil, fmt.Errorf("taxonomy: acronym %d: empty term", i)
		}
		if len(a.Expansions) == 0 {
			return nil, fmt.Errorf("taxonomy: acronym %q: no expansions", a.Term)
		}
		for _, e := range a.Expansions {
			if Normalize(e) == "" {
				return nil, fmt.Errorf("taxonomy: acronym %q: empty expansion", a.Term)
			}
		}
		for _, s := range a.Themes {
			i, ok := t.bySlug[s]
			if !ok {
				return nil, fmt.Errorf("taxonomy: acronym %q: unknown theme %q", a.Term, s)
			}
			if t.themes[i].IsBroader() {
				return nil, fmt.Errorf("taxonomy: acronym %q: %q is a broader theme, which is never tagged: name a narrower one", a.Term, s)
			}
		}
		t.acronyms = append(t.acronyms, cloneAcronym(a))
	}

	// Display order; the matcher indexes themes in this order too.
	sort.SliceStable(t.themes, func(i, j int) bool {
		a, b := strings.ToLower(t.themes[i].Label), strings.ToLower(t.themes[j].Label)
		if a != b {
			return a < b
		}
		return t.themes[i].Slug < t.themes[j].Slug
	})
	for i, th := range t.themes {
		t.bySlug[th.Slug] = i
	}
	for i := range t.themes {
		// Narrower themes in display order too.
		slices.SortStableFunc(t.themes[i].Narrower, func(a, b string) int { return t.bySlug[a] - t.bySlug[b] })
	}

	syn, err := buildSynonyms(t.themes, t.acronyms)
	if err != nil {
		return nil, err
	}
	t.synonyms = syn
	t.m = compile(t.themes, t.acronyms, t.bySlug)
	return t, nil
}

// linkBroader checks the Narrower lists (known slugs, each theme under at
// most one broader theme, two levels) and sets each theme's Broader.
func (t *Taxonomy) linkBroader() error {
	for i := range t.themes {
		b := &t.themes[i]
		for _, n := range b.Narrower {
			j, ok := t.bySlug[n]
			switch {
			case !ok:
				return fmt.Errorf("taxonomy: theme %q: unknown narrower theme %q", b.Slug, n)
			case j == i:
				return fmt.Errorf("taxonomy: theme %q is under itself", b.Slug)
			case t.themes[j].Broader != "":
				return fmt.Errorf("taxonomy: theme %q is under both %q and %q", n, t.themes[j].Broader, b.Slug)
			}
			t.themes[j].Broader = b.Slug
		}
	}
	for _, th := range t.themes {
		if th.Broader != "" && th.IsBroader() {
			return fmt.Errorf("taxonomy: broader theme %q is under %q: themes have two levels", th.Slug, th.Broader)
		}
		if th.IsBroader() && (len(th.Synonyms) > 0 || len(th.Related) > 0) {
			return fmt.Errorf("taxonomy: broader theme %q has synonyms or related terms: give them to its narrower themes", th.Slug)
		}
	}
	return nil
}

// buildSynonyms turns each theme (label + synonyms) and each acronym (term +
// expansions) into a ring of equivalents and maps every member to the others.
func buildSynonyms(themes []Theme, acronyms []Acronym) (map[string][]string, error) {
	var rings [][]string
	var owners []string
	for _, th := range themes {
		if th.IsBroader() {
			// Its label may well be a narrower theme's synonym
			// ("children in care" for looked-after children).
			continue
		}
		rings = append(rings, append([]string{th.Label}, th.Synonyms...))
		owners = append(owners, "theme "+th.Slug)
	}
	for _, a := range acronyms {
		rings = append(rings, append([]string{a.Term}, a.Expansions...))
		owners = append(owners, "acronym "+a.Term)
	}
	owner := map[string]string{}
	out := map[string][]string{}
	for i, raw := range rings {
		var ring []string
		seen := map[string]bool{}
		for _, term := range raw {
			n := Normalize(term)
			if seen[n] {
				continue
			}
			seen[n] = true
			if o, ok := owner[n]; ok {
				return nil, fmt.Errorf("taxonomy: term %q is in the synonym rings of %s and %s", n, o, owners[i])
			}
			owner[n] = owners[i]
			ring = append(ring, n)
		}
		if len(ring) < 2 {
			continue
		}
		for _, term := range ring {
			alts := make([]string, 0, len(ring)-1)
			for _, other := range ring {
				if other != term {
					alts = append(alts, other)
				}
			}
			out[term] = alts
		}
	}
	return out, nil
}

// Normalize returns the form SynonymMap uses for a term: lower case,
// apostrophes dropped ("children's" -> "childrens"), any other run of
// punctuation or space turned into a single space ("multi-agency" ->
// "multi agency"), trimmed.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isApostrophe(r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u02bc' }

// Themes returns every theme in display order (alphabetical by label).
func (t *Taxonomy) Themes() []Theme {
	out := make([]Theme, len(t.themes))
	for i, th := range t.themes {
		out[i] = cloneTheme(th)
	}
	return out
}

// Get returns the theme with the given slug.
func (t *Taxonomy) Get(slug string) (Theme, bool) {
	i, ok := t.bySlug[slug]
	if !ok {
		return Theme{}, false
	}
	return cloneTheme(t.themes[i]), true
}

// Valid reports whether slug names a theme.
func (t *Taxonomy) Valid(slug string) bool {
	_, ok := t.bySlug[slug]
	return ok
}

// Label returns the theme's label, or the slug itself if it is unknown, so a
// resource tagged with a retired theme still displays something.
func (t *Taxonomy) Label(slug string) string {
	if i, ok := t.bySlug[slug]; ok {
		return t.themes[i].Label
	}
	return slug
}

// Broader returns the slug of the theme slug is under, or "".
func (t *Taxonomy) Broader(slug string) string {
	if i, ok := t.bySlug[slug]; ok {
		return t.themes[i].Broader
	}
	return ""
}

// Narrower returns the slugs under a broader theme, in display order (nil
// for any other).
func (t *Taxonomy) Narrower(slug string) []string {
	if i, ok := t.bySlug[slug]; ok {
		return slices.Clone(t.themes[i].Narrower)
	}
	return nil
}

// WithBroader returns slugs followed by the broader themes they are under,
// each once: what an item is found under when filtering by theme, so that
// selecting a broader theme includes every narrower one, and a broader
// theme's count counts each item once.
func (t *Taxonomy) WithBroader(slugs []string) []string {
	out := make([]string, 0, len(slugs)+1)
	for _, s := range slugs {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range slugs {
		if b := t.Broader(s); b != "" && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// Acronyms returns the general acronyms that are not themes, in file order.
func (t *Taxonomy) Acronyms() []Acronym {
	out := make([]Acronym, len(t.acronyms))
	for i, a := range t.acronyms {
		out[i] = cloneAcronym(a)
	}
	return out
}

// SynonymMap returns, for every term in a synonym ring, the other members of
// its ring. Rings are the label and synonyms of each theme, and the term and
// expansions of each acronym, so the map is symmetric: "cse" lists "child
// sexual exploitation" and the reverse. Keys and values are in Normalize form.
// The map is a fresh copy the caller may keep or change.
func (t *Taxonomy) SynonymMap() map[string][]string {
	out := make(map[string][]string, len(t.synonyms))
	for k, v := range t.synonyms {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func cloneTheme(th Theme) Theme {
	th.Synonyms = append([]string{}, th.Synonyms...)
	th.Related = append([]string{}, th.Related...)
	th.Narrower = slices.Clone(th.Narrower)
	return th
}

func cloneAcronym(a Acronym) Acronym {
	a.Expansions = append([]string{}, a.Expansions...)
	a.Themes = append([]string{}, a.Themes...)
	return a
}
