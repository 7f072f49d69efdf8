package library

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"safelib/internal/catalog"
)

// Adding a link: staff paste a URL, the page is fetched at once (HTML or
// PDF) through the crawler's SSRF-safe fetcher and extraction, and a draft
// with title, publisher, date, summary and suggested themes is shown to
// confirm or correct before it is saved. A URL already in the library
// (after canonicalisation) opens the existing item instead.
//
// The fetcher lives in internal/crawl, which imports this package, so it
// is handed in at wiring time (SetFetcher) behind the LinkFetcher
// interface.

// FetchedPage is what fetching and extracting one URL gave.
type FetchedPage struct {
	// URL is the canonical URL the fetch ended at (after redirects).
	URL         string
	Title       string
	Summary     string
	Text        string
	Pages       []string // PDF: text per page; presentation: per slide
	Slides      bool     // Pages are slides
	Published   string   // "YYYY-MM-DD", "YYYY-MM", "YYYY" or ""
	ContentType string   // "html", "pdf" or an office type ("docx", "pptx", ...)
}

// LinkFetcher fetches single URLs for staff (crawl.Fetcher, adapted).
type LinkFetcher interface {
	// Canonicalize returns the form under which the library stores a URL.
	Canonicalize(raw string) (string, error)
	// Fetch gets and extracts one page. A page that can't be fetched or
	// read gives an error whose message says why, for people.
	Fetch(ctx context.Context, raw string) (*FetchedPage, error)
}

// SetFetcher installs the fetcher used by AddLink and CreateFromURL.
// Call it once, at wiring time, before serving.
func (l *Library) SetFetcher(f LinkFetcher) { l.ext().fetcher = f }

// curation is the Library's state for adding links; its zero value is
// ready (the draft cache is made on first use).
type curation struct {
	once    sync.Once
	fetcher LinkFetcher
	drafts  *draftCache
}

func (l *Library) ext() *curation {
	l.cur.once.Do(func() { l.cur.drafts = newDraftCache(maxDrafts, draftTTL) })
	return &l.cur
}

// LinkDraft is what AddLink found.
type LinkDraft struct {
	// Existing is set when the URL is already in the library: open it
	// rather than adding a duplicate. The other fields are then empty.
	Existing *catalog.Resource
	// Draft is the resource to confirm, not yet saved. Its text is held
	// by the library under Token until SaveLink (or for draftTTL).
	Draft *catalog.Resource
	Token string
}

// ErrNoFetcher means the library was wired without a fetcher.
var ErrNoFetcher = errors.New("adding links is not available: no fetcher")

// canonical returns the canonical form of raw, or a field error.
func (l *Library) canonical(raw string) (string, error) {
	f := l.ext().fetcher
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fieldError("url", "is required")
	}
	if f == nil {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fieldError("url", "must be an absolute http or https address")
		}
		return raw, nil
	}
	c, err := f.Canonicalize(raw)
	if err != nil {
		return "", fieldError("url", "must be an absolute http or https address ("+err.Error()+")")
	}
	return c, nil
}

// existing finds a resource whose URL is any of urls, or catalog.ErrNotFound.
func (l *Library) existing(ctx context.Context, urls ...string) (*catalog.Resource, error) {
	for _, u := range urls {
		if u == "" {
			continue
		}
		r, err := l.st.ResourceByURL(ctx, u)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, catalog.ErrNotFound) {
			return nil, err
		}
	}
	return nil, catalog.ErrNotFound
}

// fetch fetches u, turning failures into a message beside the url field.
func (l *Library) fetch(ctx context.Context, u string) (*FetchedPage, error) {
	f := l.ext().fetcher
	if f == nil {
		return nil, ErrNoFetcher
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	p, err := f.Fetch(ctx, u)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, fieldError("url", "could not be fetched: timed out")
		}
		return nil, fieldError("url", "could not be fetched: "+err.Error())
	}
	return p, nil
}

// fetchTimeout bounds one add-a-link fetch, extraction included: within
// serve's 60 s write timeout, so staff always get an answer.
const fetchTimeout = 45 * time.Second

// AddLink fetches rawURL and returns a draft to confirm, or the existing
// resource when the URL (as typed, canonical, or where it redirects) is
// already in the library. Nothing is saved. Staff only.
func (l *Library) AddLink(ctx context.Context, rd catalog.Reader, rawURL string) (*LinkDraft, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may add links")
	}
	u, err := l.canonical(rawURL)
	if err != nil {
		return nil, err
	}
	if old, err := l.existing(ctx, u, strings.TrimSpace(rawURL)); !errors.Is(err, catalog.ErrNotFound) {
		return &LinkDraft{Existing: old}, err
	}
	p, err := l.fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	if old, err := l.existing(ctx, p.URL); !errors.Is(err, catalog.ErrNotFound) {
		return &LinkDraft{Existing: old}, err
	}
	draft, err := l.draftFromPage(ctx, p, &catalog.Resource{})
	if err != nil {
		return nil, err
	}
	token := l.ext().drafts.put(draft)
	view := clone(draft)
	return &LinkDraft{Draft: view, Token: token}, nil
}

// draftFromPage fills the fields of r that are empty from the fetched
// page: what a person typed wins over what was extracted.
func (l *Library) draftFromPage(ctx context.Context, p *FetchedPage, r *catalog.Resource) (*catalog.Resource, error) {
	if r.URL == "" {
		r.URL = p.URL
	}
	if strings.TrimSpace(r.Title) == "" {
		r.Title = clipText(strings.Join(strings.Fields(p.Title), " "), catalog.MaxTitle)
	}
	if strings.TrimSpace(r.Title) == "" {
		r.Title = titleFromURL(p.URL)
	}
	if strings.TrimSpace(r.Summary) == "" {
		r.Summary = clipText(p.Summary, catalog.MaxSummary)
	}
	if r.Published == "" {
		if d, err := catalog.ParseDate(p.Published); err == nil {
			r.Published = d
		}
	}
	if r.Body == "" {
		r.Body = p.Text
		if r.Body == "" && len(p.Pages) > 0 {
			r.Body = strings.Join(p.Pages, "\n\n")
		}
		if len(r.Body) > catalog.MaxBody {
			r.Body = clipText(r.Body, catalog.MaxBody-len("…"))
		}
		if p.ContentType == "pdf" || p.Slides {
			r.Pages, r.Slides = p.Pages, p.Slides
		}
	}
	if strings.TrimSpace(r.Publisher) == "" {
		if u, err := url.Parse(r.URL); err == nil {
			pub, err := l.st.PublisherOfHost(ctx, u.Hostname())
			if err != nil {
				return nil, err
			}
			r.Publisher = pub
		}
	}
	if r.Type == "" {
		r.Type = "report"
		if strings.Contains(strings.ToLower(r.Title), "policy") || strings.Contains(strings.ToLower(r.Title), "procedure") {
			r.Type = "local-policy"
		}
	}
	if r.Access == "" {
		r.Access = catalog.Public
	}
	if r.Source == "" {
		r.Source = SourceCurated
	}
	if len(r.Themes) == 0 && len(r.MachineThemes) == 0 {
		for _, t := range l.tax.Tag(r.Title, r.Summary, r.Body) {
			if l.tax.Valid(t.Slug) {
				r.MachineThemes = append(r.MachineThemes, t.Slug)
			}
		}
	}
	return r, nil
}

// titleFromURL makes a title from the last part of a URL's path.
func titleFromURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	p := strings.TrimSuffix(u.Path, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		p = p[:i]
	}
	p = strings.NewReplacer("-", " ", "_", " ", "+", " ").Replace(p)
	if s, err := url.PathUnescape(p); err == nil {
		p = s
	}
	if strings.TrimSpace(p) == "" {
		return u.Hostname()
	}
	return strings.TrimSpace(p)
}

// ExistsError says a resource with this URL is already in the library.
type ExistsError struct{ Resource *catalog.Resource }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s is already in the library as %q", e.Resource.URL, e.Resource.ID)
}

// Unwrap makes an ExistsError a conflict, its text the message for people.
func (e *ExistsError) Unwrap() error {
	return &catalog.Error{Code: catalog.Conflict, Message: e.Error()}
}

// SaveLink saves a draft made by AddLink with the fields staff confirmed
// or corrected (r: URL, title, publisher, type, date, area, region,
// summary, themes, access, last reviewed, ...). The text comes from the
// draft held under token, which is dropped once saved (a form sent back
// with mistakes keeps it); when it has expired (or the server restarted)
// the page is fetched again. Staff only.
func (l *Library) SaveLink(ctx context.Context, rd catalog.Reader, token string, r *catalog.Resource) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may add links")
	}
	u, err := l.canonical(r.URL)
	if err != nil {
		return nil, err
	}
	r = clone(r)
	r.URL = u
	r.ID, r.Body, r.Pages, r.Slides, r.Status, r.Source = "", "", nil, false, catalog.StatusActive, SourceCurated
	if d := l.ext().drafts.get(token); d != nil && d.URL == u {
		r.Body, r.Pages, r.Slides = d.Body, d.Pages, d.Slides
	} else if l.ext().fetcher != nil {
		p, err := l.fetch(ctx, u)
		if err != nil {
			return nil, err
		}
		r.Body = p.Text
		if p.ContentType == "pdf" || p.Slides {
			r.Pages, r.Slides = p.Pages, p.Slides
		}
	}
	saved, err := l.create(ctx, rd, r)
	if err == nil {
		l.ext().drafts.drop(token)
	}
	return saved, err
}

// CreateFromURL adds a resource from its URL, for scripts
// (POST /api/v1/resources with little more than a url): the page is
// fetched and fills every field the caller left empty. When the URL is
// already in the library nothing is written and the error is an
// *ExistsError naming the resource. Staff only.
func (l *Library) CreateFromURL(ctx context.Context, rd catalog.Reader, r *catalog.Resource) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may add resources")
	}
	r = clone(r)
	raw := r.URL
	u, err := l.canonical(raw)
	if err != nil {
		return nil, err
	}
	if old, err := l.existing(ctx, u, strings.TrimSpace(raw)); err == nil {
		return nil, &ExistsError{Resource: old}
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	p, err := l.fetch(ctx, u)
	if err != nil {
		return nil, err
	}
	if old, err := l.existing(ctx, p.URL); err == nil {
		return nil, &ExistsError{Resource: old}
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	r.URL = ""
	if _, err := l.draftFromPage(ctx, p, r); err != nil {
		return nil, err
	}
	r.ID, r.Status, r.Source = "", catalog.StatusActive, SourceCurated
	return l.create(ctx, rd, r)
}

// create saves a new resource with a fresh id, audited, and indexes it.
func (l *Library) create(ctx context.Context, rd catalog.Reader, r *catalog.Resource) (*catalog.Resource, error) {
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	if old, err := l.existing(ctx, r.URL); err == nil {
		return nil, &ExistsError{Resource: old}
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	r.ID = ""
	if err := l.assignID(ctx, r, nil); err != nil {
		return nil, err
	}
	if err := l.prepare(r); err != nil {
		return nil, err
	}
	r.MachineThemes = without(r.MachineThemes, r.Themes)
	blank := &catalog.Resource{}
	audit := auditEntry(rd, ActionCreate, r.ID, Diff(blank, r), map[string]string{"version": "1"})
	if err := l.st.InsertResourceAudited(ctx, r, audit); err != nil {
		return nil, err
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return r, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return r, nil
}

// Drafts are kept in memory: a few, for a while, within a byte budget
// (a PDF's text can be 20 MB). A lost draft only costs a second fetch.
const (
	maxDrafts      = 64
	maxDraftsBytes = 64 << 20
	draftTTL       = 2 * time.Hour
)

type draftCache struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	bytes int
	items map[string]draftItem
}

type draftItem struct {
	r     *catalog.Resource
	made  time.Time
	bytes int
}

func newDraftCache(max int, ttl time.Duration) *draftCache {
	return &draftCache{max: max, ttl: ttl, items: map[string]draftItem{}}
}

func draftSize(r *catalog.Resource) int {
	n := len(r.Body) + len(r.Summary) + len(r.Title)
	for _, p := range r.Pages {
		n += len(p)
	}
	return n
}

// put keeps r and returns its token. Expired drafts go first, then the
// oldest, until the new one fits; one larger than the whole budget is not
// kept (saving it fetches the page again).
func (c *draftCache) put(r *catalog.Resource) string {
	var b [16]byte
	rand.Read(b[:])
	token := hex.EncodeToString(b[:])
	size := draftSize(r)
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	for k, it := range c.items {
		if now.Sub(it.made) > c.ttl {
			c.remove(k)
		}
	}
	if size > maxDraftsBytes {
		return token
	}
	for len(c.items) > 0 && (len(c.items) >= c.max || c.bytes+size > maxDraftsBytes) {
		oldest, oldestAt := "", now.Add(time.Hour)
		for k, it := range c.items {
			if it.made.Before(oldestAt) {
				oldest, oldestAt = k, it.made
			}
		}
		c.remove(oldest)
	}
	c.items[token] = draftItem{r: r, made: now, bytes: size}
	c.bytes += size
	return token
}

func (c *draftCache) remove(token string) {
	if it, ok := c.items[token]; ok {
		c.bytes -= it.bytes
		delete(c.items, token)
	}
}

func (c *draftCache) get(token string) *catalog.Resource {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[token]
	if !ok || time.Since(it.made) > c.ttl {
		return nil
	}
	return it.r
}

func (c *draftCache) drop(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(token)
}

// FindLink returns the resource whose link is raw (as typed or in its
// canonical form), or catalog.ErrNotFound when none has it. Staff only.
func (l *Library) FindLink(ctx context.Context, rd catalog.Reader, raw string) (*catalog.Resource, error) {
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may look up links")
	}
	u, err := l.canonical(raw)
	if err != nil {
		return nil, err
	}
	return l.existing(ctx, u, strings.TrimSpace(raw))
}
