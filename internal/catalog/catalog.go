// Package catalog holds the library's domain nouns (Resource, Access, Type,
// Date, ...) and their validation. It knows nothing of SQL, HTTP or Bleve.
package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Access says who may read a resource's link, summary and text.
type Access string

const (
	Public  Access = "public"
	Members Access = "members"
)

// Valid reports whether a is a known access level.
func (a Access) Valid() bool { return a == Public || a == Members }

// Types is the closed list of resource types, in display order.
var Types = []string{
	"report", "executive-summary", "briefing", "guidance", "legislation",
	"consultation", "serious-case-review", "local-policy", "research",
	"campaign", "article", "template", "presentation", "listing",
}

// ValidType reports whether t is one of Types.
func ValidType(t string) bool {
	for _, x := range Types {
		if x == t {
			return true
		}
	}
	return false
}

// Sources say how a resource entered the library.
var Sources = []string{"seed", "curated", "crawled", "import"}

// ValidSource reports whether s is one of Sources.
func ValidSource(s string) bool {
	for _, x := range Sources {
		if x == s {
			return true
		}
	}
	return false
}

// Status of a resource: active ones are searchable, withdrawn ones are kept
// but hidden, gone ones were withdrawn by their publisher (404/410).
const (
	StatusActive    = "active"
	StatusWithdrawn = "withdrawn"
	StatusGone      = "gone"
)

// Date is a publication date with day, month or year precision, written
// "YYYY-MM-DD", "YYYY-MM" or "YYYY". The zero Date means unknown.
type Date string

var dateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// ParseDate validates s as a Date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if !dateRE.MatchString(s) {
		return "", fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	layout := map[int]string{4: "2006", 7: "2006-01", 10: "2006-01-02"}[len(s)]
	if _, err := time.Parse(layout, s); err != nil {
		return "", fmt.Errorf("date %q: not a real date", s)
	}
	return Date(s), nil
}

// Year returns the year, or 0 when unknown.
func (d Date) Year() int {
	if len(d) < 4 {
		return 0
	}
	y := 0
	for _, c := range d[:4] {
		y = y*10 + int(c-'0')
	}
	return y
}

// First returns the first day of d's period as "YYYY-MM-DD" ("2016" ->
// "2016-01-01"), or "" when d is unknown.
func (d Date) First() string {
	switch len(d) {
	case 4:
		return string(d) + "-01-01"
	case 7:
		return string(d) + "-01"
	}
	return string(d)
}

// Last returns the last day of d's period as "YYYY-MM-DD" ("2016-02" ->
// "2016-02-29"), or "" when d is unknown.
func (d Date) Last() string {
	switch len(d) {
	case 4:
		return string(d) + "-12-31"
	case 7:
		t, err := time.Parse("2006-01", string(d))
		if err != nil {
			return string(d) + "-31"
		}
		return t.AddDate(0, 1, -1).Format("2006-01-02")
	}
	return string(d)
}

// SortKey is a fixed-width key that sorts dates chronologically, with
// less precise dates first within their period ("2016" < "2016-01").
func (d Date) SortKey() string {
	if d == "" {
		return ""
	}
	s := string(d)
	switch len(s) {
	case 4:
		return s + "-00-00"
	case 7:
		return s + "-00"
	}
	return s
}

// Resource is one item of the library: a report, a policy, a listing.
type Resource struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	Title     string    `json:"title"`
	Publisher string    `json:"publisher"`
	Type      string    `json:"type"`
	Themes    []string  `json:"themes"`
	Published Date      `json:"published"`
	Area      string    `json:"area"`
	Region    string    `json:"region"`
	Summary   string    `json:"summary"`
	Body      string    `json:"body,omitempty"`
	Access    Access    `json:"access"`
	Source    string    `json:"source"`
	Status    string    `json:"status,omitempty"`
	Hash      string    `json:"hash,omitempty"`
	Created   time.Time `json:"created"`
	Updated   time.Time `json:"updated"`
	// Version counts saves; an update must name the version it edits.
	Version int64 `json:"version,omitempty"`

	// Listing fields (type "listing": sport safeguarding contacts).
	Sport        string `json:"sport,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	LastVerified Date   `json:"last_verified,omitempty"`
	// LastReviewed is for local policies.
	LastReviewed Date `json:"last_reviewed,omitempty"`
	// MachineThemes are themes assigned by the tagger, awaiting confirmation.
	MachineThemes []string `json:"machine_themes,omitempty"`
	// Pages holds per-page text for PDFs (page i+1 is Pages[i]), or
	// per-slide text for presentations when Slides is set; Body is their
	// concatenation.
	Pages []string `json:"-"`
	// Slides says Pages are a presentation's slides, not pages.
	Slides bool `json:"-"`
}

// Limits on field sizes, so one bad record can't exhaust memory.
const (
	MaxTitle   = 1000
	MaxSummary = 10_000
	MaxBody    = 20 << 20
	MaxURL     = 4096
)

// FieldError names the field a validation error concerns.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }
func (e *FieldError) Unwrap() error { return &Error{Code: Invalid, Message: e.Error()} }

// Normalize trims fields and fills defaults; call it before Validate.
func (r *Resource) Normalize() {
	r.ID = strings.TrimSpace(r.ID)
	r.URL = strings.TrimSpace(r.URL)
	r.Title = strings.Join(strings.Fields(r.Title), " ")
	r.Publisher = strings.Join(strings.Fields(r.Publisher), " ")
	r.Type = strings.TrimSpace(strings.ToLower(r.Type))
	r.Area = strings.TrimSpace(r.Area)
	r.Region = strings.TrimSpace(r.Region)
	r.Summary = strings.TrimSpace(r.Summary)
	r.Body = CutLongWords(r.Body)
	for i, p := range r.Pages {
		r.Pages[i] = CutLongWords(p)
	}
	if r.Access == "" {
		r.Access = Public
	}
	if r.Status == "" {
		r.Status = StatusActive
	}
	r.Themes = dedupe(r.Themes)
	r.MachineThemes = dedupe(r.MachineThemes)
	if r.ID == "" {
		r.ID = Slug(r.Title, r.Published)
	}
}

func dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(strings.ToLower(s))
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,127}$`)

// ValidID reports whether id is a well-formed resource id.
func ValidID(id string) bool { return idRE.MatchString(id) }

// Validate checks a normalized resource. validTheme reports whether a theme
// slug exists; nil accepts any.
func (r *Resource) Validate(validTheme func(string) bool) error {
	var errs []error
	add := func(field, msg string) { errs = append(errs, &FieldError{field, msg}) }
	if !ValidID(r.ID) {
		add("id", "must be lower-case letters, digits and hyphens, at most 128")
	}
	if r.Title == "" {
		add("title", "is required")
	} else if len(r.Title) > MaxTitle {
		add("title", fmt.Sprintf("is longer than %d characters", MaxTitle))
	}
	if r.URL != "" {
		if len(r.URL) > MaxURL {
			add("url", "is too long")
		} else if u, err := url.Parse(r.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("url", "must be an absolute http or https URL")
		}
	}
	if !ValidType(r.Type) {
		add("type", "must be one of "+strings.Join(Types, ", "))
	}
	if !r.Access.Valid() {
		add("access", "must be public or members")
	}
	if r.Source != "" && !ValidSource(r.Source) {
		add("source", "must be one of "+strings.Join(Sources, ", "))
	}
	if _, err := ParseDate(string(r.Published)); err != nil {
		add("published", err.Error())
	}
	if _, err := ParseDate(string(r.LastVerified)); err != nil {
		add("last_verified", err.Error())
	}
	if _, err := ParseDate(string(r.LastReviewed)); err != nil {
		add("last_reviewed", err.Error())
	}
	if len(r.Summary) > MaxSummary {
		add("summary", fmt.Sprintf("is longer than %d characters", MaxSummary))
	}
	if len(r.Body) > MaxBody {
		add("body", "is too long")
	}
	if validTheme != nil {
		for _, t := range append(append([]string{}, r.Themes...), r.MachineThemes...) {
			if !validTheme(t) {
				add("themes", fmt.Sprintf("unknown theme %q", t))
			}
		}
	}
	switch r.Status {
	case StatusActive, StatusWithdrawn, StatusGone:
	default:
		add("status", "must be active, withdrawn or gone")
	}
	return errors.Join(errs...)
}

// ContentHash is a digest of every field a reader or the index sees (not
// times, version or status): equal hashes mean nothing to re-index.
func (r *Resource) ContentHash() string {
	h := sha256.New()
	fields := []string{r.URL, r.Title, r.Publisher, r.Type, string(r.Published), r.Area, r.Region,
		r.Summary, r.Body, string(r.Access), r.Source, r.Sport, r.Phone, r.Email,
		string(r.LastVerified), string(r.LastReviewed),
		strings.Join(r.Themes, ";"), strings.Join(r.MachineThemes, ";")}
	fields = append(fields, r.Pages...)
	for _, s := range fields {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// Slug makes a stable id from a title and date.
func Slug(title string, d Date) string {
	s := nonSlug.ReplaceAllString(strings.ToLower(title), "-")
	s = strings.Trim(s, "-")
	if len(s) > 80 {
		s = strings.TrimRight(s[:80], "-")
	}
	if s == "" {
		s = "resource"
	}
	if y := d.Year(); y > 0 {
		s += fmt.Sprintf("-%d", y)
	}
	return s
}

// MaxWord is the longest run of letters and digits kept in a body: no word
// is longer, and a longer run (an encoded blob, a line of one character
// repeated) made one 10 MB body take 2.5 GB of heap to index
// (library.BenchmarkLargeBody).
const MaxWord = 64

// CutLongWords keeps the first MaxWord letters and digits of each longer
// run in s and drops the rest of the run, which is not a word anyone
// searches for. s is returned as is (no copy) when it has no such run.
func CutLongWords(s string) string {
	run, cut := 0, false
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c) {
			if run++; run > MaxWord {
				cut = true
				break
			}
		} else {
			run = 0
		}
	}
	if !cut {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	run = 0
	for _, c := range s {
		if unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.IsMark(c) {
			if run++; run > MaxWord {
				continue
			}
		} else {
			run = 0
		}
		b.WriteRune(c)
	}
	return b.String()
}
