package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"safelib/internal/catalog"
)

// SourceCrawled marks resources the crawler created; SourceCurated those a
// person typed or corrected.
const (
	SourceCrawled = "crawled"
	SourceCurated = "curated"
)

// pageFields are the fields a crawl refreshes from the page on a crawled
// resource. When staff change one, the resource becomes curated, so later
// crawls refresh only its text and keep what they decided (mergeCrawled),
// including a machine theme they rejected.
var pageFields = []string{"title", "publisher", "published", "summary", "themes", "machine_themes"}

// correctsPage reports whether diffs change a field the crawler would
// overwrite.
func correctsPage(diffs []FieldDiff) bool {
	for _, d := range diffs {
		if slices.Contains(pageFields, d.Field) {
			return true
		}
	}
	return false
}

// CrawlOutcome says what SaveCrawled did with one resource.
type CrawlOutcome struct {
	// ID is the resource's id (kept from the stored resource when its URL
	// was known).
	ID string
	// New is set when the resource was added, Changed when a stored one
	// was rewritten; neither means nothing a reader sees had changed, so
	// nothing was written or re-indexed.
	New, Changed bool
	// Err is set when this resource was invalid; the others are saved.
	Err error
}

// SaveCrawled saves documents the crawler fetched, matched to stored
// resources by URL. What a person typed wins over what was extracted:
// for a resource that was curated, seeded or imported only the text (body
// and pages) is refreshed, and for one the crawler made earlier its
// access, type, area and confirmed themes stay as staff left them while
// title, summary, date and machine themes follow the page. A withdrawn
// resource stays withdrawn; a gone one that answers again is active.
// New resources get an id from their title, made unique with a hash of
// the URL when another resource has it.
func (l *Library) SaveCrawled(ctx context.Context, rs []*catalog.Resource) ([]CrawlOutcome, error) {
	out := make([]CrawlOutcome, len(rs))
	// The lock spans the read, merge and write, so a staff edit can't slip
	// in between and be overwritten.
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	var inserts, updates []*catalog.Resource
	batchIDs := map[string]bool{}
	batchURLs := map[string]int{}
	for i, r := range rs {
		if r.Source == "" {
			r.Source = SourceCrawled
		}
		r.ID = ""
		r.Normalize()
		if r.URL == "" {
			out[i].Err = catalog.Errorf(catalog.Invalid, "a crawled resource needs a URL")
			continue
		}
		if j, ok := batchURLs[r.URL]; ok {
			out[i] = CrawlOutcome{ID: out[j].ID, Err: catalog.Errorf(catalog.Invalid, "%s appears twice in one batch", r.URL)}
			continue
		}
		batchURLs[r.URL] = i
		old, err := l.storedByURL(ctx, r.URL)
		switch {
		case err == nil:
			mergeCrawled(old, r)
		case errors.Is(err, catalog.ErrNotFound):
			old = nil
			id, err := l.crawledID(ctx, r, batchIDs)
			if err != nil {
				return out, err
			}
			r.ID = id
		default:
			return out, fmt.Errorf("save crawled %s: %w", r.URL, err)
		}
		r.MachineThemes = crawlWithout(r.MachineThemes, r.Themes)
		if err := r.Validate(l.tax.Valid); err != nil {
			out[i] = CrawlOutcome{ID: r.ID, Err: catalog.Errorf(catalog.Invalid, "%s: %w", r.URL, err)}
			continue
		}
		out[i].ID = r.ID
		switch {
		case old == nil:
			batchIDs[r.ID] = true
			out[i].New = true
			inserts = append(inserts, r)
		case old.Hash != r.ContentHash() || old.Status != r.Status:
			// (Status is not part of the hash: a gone page that is back
			// with the same content is a change too.)
			out[i].Changed = true
			r.Version = old.Version
			updates = append(updates, r)
		}
	}
	if err := l.st.WriteCrawled(ctx, inserts, updates); err != nil {
		return out, fmt.Errorf("save %d crawled resources: %w", len(inserts)+len(updates), err)
	}
	if len(inserts)+len(updates) > 0 {
		if _, err := l.drainPending(ctx, nil); err != nil {
			return out, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
		}
	}
	return out, nil
}

// storedByURL loads the resource with this URL, or catalog.ErrNotFound.
func (l *Library) storedByURL(ctx context.Context, u string) (*catalog.Resource, error) {
	id, err := l.st.ResourceIDByURL(ctx, u)
	if err != nil {
		return nil, err
	}
	return l.st.GetResource(ctx, id)
}

// mergeCrawled keeps in r (freshly extracted) what people decided about
// old (the stored resource with the same URL).
func mergeCrawled(old, r *catalog.Resource) {
	r.ID = old.ID
	r.Access = old.Access
	r.Area, r.Region = old.Area, old.Region
	r.Sport, r.Phone, r.Email = old.Sport, old.Phone, old.Email
	r.LastVerified, r.LastReviewed = old.LastVerified, old.LastReviewed
	r.Type = old.Type
	r.Status = catalog.StatusActive
	if old.Status == catalog.StatusWithdrawn {
		r.Status = catalog.StatusWithdrawn
	}
	if old.Source != SourceCrawled {
		// A person typed this one: only its text comes from the page.
		r.Source = old.Source
		r.Title = old.Title
		if old.Summary != "" {
			r.Summary = old.Summary
		}
		if old.Publisher != "" {
			r.Publisher = old.Publisher
		}
		if old.Published != "" {
			r.Published = old.Published
		}
		r.Themes = append([]string(nil), old.Themes...)
		r.MachineThemes = append([]string(nil), old.MachineThemes...)
		return
	}
	// Themes staff confirmed stay; the tagger's suggestions are refreshed.
	confirmed := map[string]bool{}
	themes := append([]string(nil), old.Themes...)
	for _, t := range old.Themes {
		confirmed[t] = true
	}
	for _, t := range r.Themes {
		if !confirmed[t] {
			confirmed[t] = true
			themes = append(themes, t)
		}
	}
	machine := make([]string, 0, len(r.MachineThemes))
	for _, t := range r.MachineThemes {
		if !confirmed[t] {
			machine = append(machine, t)
		}
	}
	r.Themes, r.MachineThemes = themes, machine
}

// crawlWithout returns the themes of list not in drop: a theme is either
// confirmed or suggested, never both (the store keeps one row per theme).
func crawlWithout(list, drop []string) []string {
	out := make([]string, 0, len(list))
	for _, t := range list {
		if !slices.Contains(drop, t) {
			out = append(out, t)
		}
	}
	return out
}

// crawledID picks an id for a new crawled resource: the slug of its title
// and year, or, when that is taken, the slug plus a hash of the URL.
func (l *Library) crawledID(ctx context.Context, r *catalog.Resource, batch map[string]bool) (string, error) {
	base := catalog.Slug(r.Title, r.Published)
	sum := sha256.Sum256([]byte(r.URL))
	candidates := []string{base, strings.TrimRight(truncate(base, 110), "-") + "-" + hex.EncodeToString(sum[:4]),
		strings.TrimRight(truncate(base, 100), "-") + "-" + hex.EncodeToString(sum[:8])}
	for _, id := range candidates {
		if batch[id] {
			continue
		}
		taken, err := l.st.ResourceIDTaken(ctx, id)
		if err != nil {
			return "", err
		}
		if !taken {
			return id, nil
		}
	}
	return "", catalog.Errorf(catalog.Conflict, "no free id for %s", r.URL)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// MarkGone marks the resource with this URL as gone (its publisher
// withdrew it: 404 or 410 twice in a row). It is kept, not deleted, and
// leaves the index. It reports whether anything changed: a resource that
// is already gone or was withdrawn by staff is left alone.
func (l *Library) MarkGone(ctx context.Context, url string) (bool, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	r, err := l.storedByURL(ctx, url)
	if err != nil {
		return false, err
	}
	if r.Status != catalog.StatusActive {
		return false, nil
	}
	r.Status = catalog.StatusGone
	r.Version = 0
	if err := l.st.UpdateResource(ctx, r); err != nil {
		return false, fmt.Errorf("mark %s gone: %w", url, err)
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return true, fmt.Errorf("marked gone, but indexing failed (will retry at next start): %w", err)
	}
	return true, nil
}
