package library

// Email items: what an email says about a library item, for one reader,
// built here because this is the one seam where access is applied. Alert
// digests and the association's newsletter use the same builder, when the
// message is built and again just before it is sent.
//
// Go API (issue 11b builds the newsletter on it):
//
//	items, err := lib.MailItems(ctx, rd, q, []library.MailItemRef{{ID: id, Why: catalog.ItemNew}, ...})
//
// rd is the recipient as auth.ReaderFor makes them now; q is a search's
// query words ("" for none) from which the best snippet is cut. The result
// keeps the refs' order, leaves out unknown, withdrawn and gone items, and
// for a members-only item rd may not read gives a teaser (MembersOnly:
// title, publisher, type, date; no summary, snippet or words of the text).
// mail.Composer.ItemParts renders them as the text and HTML parts.

import (
	"context"
	"html"
	"strconv"
	"strings"

	"safelib/index"
	"safelib/internal/catalog"
)

// MaxMailItems bounds one call of MailItems.
const MaxMailItems = 500

// MailSummaryLen is how much of a summary an email carries (cut at a word).
const MailSummaryLen = 600

// MailItemRef names an item for an email and why it is there
// (catalog.ItemNew, catalog.ItemNewVersion or "").
type MailItemRef struct {
	ID  string
	Why string
}

// MailItems builds refs' items as rd may see them, in refs' order, with
// snippets for q's words; see the file comment.
func (l *Library) MailItems(ctx context.Context, rd catalog.Reader, q string, refs []MailItemRef) ([]catalog.MailItem, error) {
	if len(refs) > MaxMailItems {
		return nil, catalog.Errorf(catalog.Invalid, "at most %d items in one email", MaxMailItems)
	}
	var query index.Query
	if strings.TrimSpace(q) != "" {
		var err error
		if query, err = index.Parse(q); err != nil {
			return nil, catalog.Errorf(catalog.Invalid, "%w", err)
		}
		query = l.ix.Expand(query)
	}
	ids := make([]string, 0, len(refs))
	seen := make(map[string]bool, len(refs))
	for _, r := range refs {
		if catalog.ValidID(r.ID) && !seen[r.ID] {
			seen[r.ID] = true
			ids = append(ids, r.ID)
		}
	}
	rs, err := l.st.Resources(ctx, ids, false)
	if err != nil {
		return nil, err
	}
	active := rs[:0]
	for _, r := range rs {
		if r.Status == catalog.StatusActive { // withdrawn and gone items never appear
			active = append(active, r)
		}
	}
	hs, err := l.hits(ctx, rd, query, active)
	if err != nil {
		return nil, err
	}
	hits := make(map[string]Hit, len(hs))
	for _, h := range hs {
		hits[h.Resource.ID] = h
	}
	out := make([]catalog.MailItem, 0, len(refs))
	for _, ref := range refs {
		if h, ok := hits[ref.ID]; ok {
			delete(hits, ref.ID) // once per email
			out = append(out, mailItem(h, ref.Why))
		}
	}
	return out, nil
}

// hits makes rd's search hits of rs, in their order, with snippets of q
// (which may be empty): teasers for what rd may not read. Where q's words
// sit was found when each was indexed: the snippets are cut there, and a
// body is loaded only for hits rd may read whose body holds a word of q
// (or whose spots are unknown).
func (l *Library) hits(ctx context.Context, rd catalog.Reader, q index.Query, rs []*catalog.Resource) ([]Hit, error) {
	return l.hitsWith(ctx, rd, q, rs, nil)
}

// hitsWith is hits, with the spots of rs from ahead when it is set (asked
// of the index before rs were loaded, for the hits rd may read).
func (l *Library) hitsWith(ctx context.Context, rd catalog.Reader, q index.Query, rs []*catalog.Resource, ahead func() (map[string]*index.Spots, error)) ([]Hit, error) {
	var spots map[string]*index.Spots
	var texts []*catalog.Resource
	if !q.Empty() {
		var err error
		if ahead != nil {
			spots, err = ahead()
		} else {
			docs := make([]index.SpotDoc, 0, len(rs))
			for _, r := range rs {
				if canRead(rd, r) {
					docs = append(docs, index.SpotDoc{ID: r.ID, Members: r.Access != catalog.Public})
				}
			}
			spots, err = l.ix.Spots(ctx, q, docs)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			l.log.Warn("spots", "err", err) // snippets then come from scanning the texts
			spots = nil
		}
		for _, r := range rs {
			if sp := spots[r.ID]; canRead(rd, r) && (sp == nil || sp.Has(index.SpotBody)) {
				texts = append(texts, r)
			}
		}
	}
	if err := l.st.LoadTexts(ctx, texts); err != nil {
		return nil, err
	}
	out := make([]Hit, len(rs))
	for i, r := range rs {
		out[i] = l.hit(r, rd, q, spots[r.ID])
	}
	return out, nil
}

// mailItem is a hit as an email shows it.
func mailItem(h Hit, why string) catalog.MailItem {
	r := h.Resource
	it := catalog.MailItem{ID: r.ID, Path: "/resources/" + r.ID, Title: r.Title, Publisher: r.Publisher,
		Type: r.Type, Published: r.Published, Why: why, Access: r.Access, MembersOnly: h.Teaser}
	if h.Teaser {
		return it // never a word of the summary or text
	}
	it.Summary = cutWords(r.Summary, MailSummaryLen)
	if s := h.Highlights["body"]; len(s) > 0 {
		it.SnippetHTML = s[0]
		switch {
		case h.Page > 0:
			it.Where = "p. " + strconv.Itoa(h.Page)
		case h.Slide > 0:
			it.Where = "slide " + strconv.Itoa(h.Slide)
		}
	} else if s := h.Highlights["summary"]; len(s) > 0 && it.Summary == "" {
		it.SnippetHTML = s[0]
	}
	if it.SnippetHTML != "" {
		it.Snippet = html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(it.SnippetHTML))
	}
	return it
}

// cutWords cuts s to at most n bytes at a space, marking the cut.
func cutWords(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut < n/2 {
		cut = n
		for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
	}
	return strings.TrimRight(s[:cut], " ,;:.") + " …"
}
