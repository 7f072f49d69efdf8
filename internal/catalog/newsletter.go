package catalog

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds of a newsletter edition.
const (
	MaxEditionTitle  = 200
	MaxEditionText   = 20_000 // the introduction and each section's text
	MaxEditionNote   = 2_000  // an item's note
	MaxEditionBlocks = 200
)

// Edition states: a draft is composed and previewed by staff; a sent one
// has been queued to its readers and is published at /newsletter/{slug}.
const (
	EditionDraft = "draft"
	EditionSent  = "sent"
)

// Kinds of a block of an edition.
const (
	BlockSection = "section"
	BlockItem    = "item"
)

// Edition is one issue of the association's newsletter: an introduction,
// then blocks in order. A section block opens a part with the staff's own
// heading and text; an item block is a resource of the library with an
// optional note, under the section before it.
type Edition struct {
	ID      int64
	Slug    string // its address: /newsletter/{Slug}
	Title   string
	Intro   string
	Blocks  []EditionBlock
	State   string
	Created time.Time
	Updated time.Time
	Sent    time.Time // when it was queued to its readers (zero: a draft)
	// Recipients is how many people it was queued to (read with the list).
	Recipients int
}

// EditionBlock is a section (Heading, Text) or an item (ResourceID, Note).
type EditionBlock struct {
	Kind       string `json:"kind"`
	Heading    string `json:"heading,omitempty"`
	Text       string `json:"text,omitempty"`
	ResourceID string `json:"resource_id,omitempty"`
	Note       string `json:"note,omitempty"`
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Slugify makes an edition's address from its title: "December 2026" ->
// "december-2026".
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 80 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// Validate trims and checks an edition's fields and blocks.
func (e *Edition) Validate() error {
	e.Title = strings.Join(strings.Fields(e.Title), " ")
	e.Intro = strings.TrimSpace(e.Intro)
	e.Slug = strings.TrimSpace(e.Slug)
	if e.Slug == "" {
		e.Slug = Slugify(e.Title)
	}
	switch {
	case e.Title == "":
		return Errorf(Invalid, "an edition needs a title")
	case utf8.RuneCountInString(e.Title) > MaxEditionTitle:
		return Errorf(Invalid, "an edition's title is at most %d characters", MaxEditionTitle)
	case len(e.Slug) > 80 || !slugRe.MatchString(e.Slug):
		return Errorf(Invalid, "address %q: use lower-case letters, digits and single dashes, at most 80", e.Slug)
	case utf8.RuneCountInString(e.Intro) > MaxEditionText:
		return Errorf(Invalid, "the introduction is at most %d characters", MaxEditionText)
	case len(e.Blocks) > MaxEditionBlocks:
		return Errorf(Invalid, "an edition holds at most %d sections and items", MaxEditionBlocks)
	}
	seen := map[string]bool{}
	for i := range e.Blocks {
		b := &e.Blocks[i]
		b.Heading = strings.Join(strings.Fields(b.Heading), " ")
		b.Text, b.Note = strings.TrimSpace(b.Text), strings.TrimSpace(b.Note)
		b.ResourceID = strings.TrimSpace(b.ResourceID)
		switch b.Kind {
		case BlockSection:
			b.ResourceID, b.Note = "", ""
			if b.Heading == "" && b.Text == "" {
				return Errorf(Invalid, "section %d needs a heading or some text", i+1)
			}
			if utf8.RuneCountInString(b.Heading) > MaxEditionTitle || utf8.RuneCountInString(b.Text) > MaxEditionText {
				return Errorf(Invalid, "section %d: a heading is at most %d characters and a text %d", i+1, MaxEditionTitle, MaxEditionText)
			}
		case BlockItem:
			b.Heading, b.Text = "", ""
			if b.ResourceID == "" || len(b.ResourceID) > 200 {
				return Errorf(Invalid, "item %d names no resource", i+1)
			}
			if seen[b.ResourceID] {
				return Errorf(Invalid, "item %d: that resource is already in this edition", i+1)
			}
			seen[b.ResourceID] = true
			if utf8.RuneCountInString(b.Note) > MaxEditionNote {
				return Errorf(Invalid, "item %d: a note is at most %d characters", i+1, MaxEditionNote)
			}
		default:
			return Errorf(Invalid, "block %d: kind %q, want section or item", i+1, b.Kind)
		}
	}
	return nil
}

// Paragraphs splits staff text into paragraphs at blank lines, each with
// its lines joined by spaces.
func Paragraphs(s string) []string {
	var out []string
	for p := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
