package crawl

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"safelib/internal/catalog"
	"safelib/internal/extract"
	"safelib/internal/library"
)

// What a run does with each answer: a page fetched, unchanged, gone or
// failed, the resource it becomes, the links it follows, and the counts.

// fetched handles a 200 response.
func (r *run) fetched(it item, prev *catalog.URLState, j *fetchJob) {
	r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
	final, err := Canonicalize(j.finalURL)
	if err != nil {
		final = it.url
	}
	// A redirect target was claimed by checkRedirect, so it is not
	// fetched again.
	if !j.noFollow && it.depth < r.src.MaxDepth && !it.known {
		r.follow(j.links, it.depth+1)
	}
	if !(r.src.IsDocument(it.url) || r.src.IsDocument(final) || it.known) {
		return // a page read only for its links
	}
	if j.noIndex {
		r.skipReason(it.url, "noindex (X-Robots-Tag)")
		return
	}
	sum := sha256.Sum256(j.body)
	hash := hex.EncodeToString(sum[:])
	r.mu.Lock()
	if final != it.url {
		prev = r.states[final]
	}
	owner := r.hashes[hash]
	r.mu.Unlock()
	state := &catalog.URLState{
		URL: final, Source: r.src.Name, ETag: j.header.Get("ETag"), LastModified: j.header.Get("Last-Modified"),
		BodyHash: hash, LastStatus: http.StatusOK, LastFetched: time.Now(),
	}
	states := []*catalog.URLState{state}
	if final != it.url {
		alias := *state
		alias.URL = it.url
		states = append(states, &alias)
	}
	switch {
	case prev != nil && prev.BodyHash == hash && prev.ResourceURL != "" && prev.LastStatus == http.StatusOK:
		// Same bytes as last time: nothing to parse or re-index.
		r.same(states, prev.ResourceURL)
		return
	case owner != "" && owner != final:
		// The same bytes as another URL's resource: one document, one
		// resource, however many URLs lead to it.
		r.same(states, owner)
		return
	}
	page, err := extract.Document(r.ctx, j.body, j.contentType, final)
	if err != nil {
		if errors.Is(err, extract.ErrUnsupported) {
			r.skipReason(it.url, extractReason(err))
			return
		}
		r.failReason(it.url, extractReason(err))
		return
	}
	j.body = nil
	if page.NoIndex {
		r.skipReason(it.url, "noindex (meta robots)")
		return
	}
	resURL := final
	if page.Canonical != "" {
		if cu, err := Canonicalize(page.Canonical); err == nil && cu != final && r.src.Allowed(hostOf(cu)) {
			resURL = cu
			r.frontier.markSeen(cu)
		}
	}
	if !r.claimResource(resURL) {
		// Another URL of this run already became this resource.
		r.skipReason(it.url, "the same resource as "+resURL+", already read in this crawl")
		return
	}
	for _, s := range states {
		s.ResourceURL = resURL
	}
	if resURL != final {
		canon := *state
		canon.URL = resURL
		states = append(states, &canon)
	}
	r.mu.Lock()
	r.hashes[hash] = resURL
	r.mu.Unlock()
	r.writer.send(op{res: r.resource(page, resURL), states: states, url: it.url})
	if page.NoText != "" {
		r.keptWithoutText(it.url, page.NoText)
	}
}

// same records URLs whose content is that of resURL, unchanged. The first
// URL of a run to confirm a resource counts it unchanged; the others are
// duplicates.
func (r *run) same(states []*catalog.URLState, resURL string) {
	for _, st := range states {
		st.ResourceURL = resURL
	}
	if r.claimResource(resURL) {
		r.count(func(rec *catalog.CrawlRun) { rec.Unchanged++ }, "")
	} else if len(states) > 0 {
		r.skipReason(states[0].URL, "the same content as "+resURL+", already read in this crawl")
	}
	r.writer.send(op{states: states})
}

// claimResource reports whether resURL had not yet been produced in this
// run, and marks it produced.
func (r *run) claimResource(resURL string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.resources[resURL] {
		return false
	}
	r.resources[resURL] = true
	return true
}

func extractReason(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "extract: ")
	if errors.Is(err, extract.ErrPDF) && !strings.Contains(msg, "PDF") {
		msg = "unreadable PDF: " + msg
	}
	return msg
}

// resource builds the library resource for an extracted page.
func (r *run) resource(p *extract.Page, resURL string) *catalog.Resource {
	title := strings.Join(strings.Fields(p.Title), " ")
	if title == "" {
		title = titleFromURL(resURL)
	}
	body := p.Text
	if body == "" && len(p.Pages) > 0 {
		body = strings.Join(p.Pages, "\n\n")
	}
	published, err := catalog.ParseDate(p.Published)
	if err != nil {
		published = ""
	}
	res := &catalog.Resource{
		URL:       resURL,
		Title:     clip(title, catalog.MaxTitle),
		Publisher: r.src.Publisher,
		Type:      r.src.Type,
		Themes:    append([]string(nil), r.src.Themes...),
		Published: published,
		Summary:   clip(p.Summary, catalog.MaxSummary),
		Body:      clip(body, catalog.MaxBody),
		Access:    r.src.Access,
		Source:    library.SourceCrawled,
	}
	if p.ContentType == extract.TypePDF || p.Slides {
		res.Pages, res.Slides = p.Pages, p.Slides
	}
	confirmed := map[string]bool{}
	for _, t := range res.Themes {
		confirmed[t] = true
	}
	tax := r.c.lib.Taxonomy()
	for _, t := range tax.Tag(res.Title, res.Summary, res.Body) {
		if t.Score >= r.c.opt.TagThreshold && !confirmed[t.Slug] && tax.Valid(t.Slug) {
			res.MachineThemes = append(res.MachineThemes, t.Slug)
		}
	}
	return res
}

// titleFromURL makes a title from a URL's last path segment, for documents
// (often PDFs) that carry none.
func titleFromURL(u string) string {
	p, err := parseURL(u)
	if err != nil {
		return u
	}
	base := path.Base(strings.TrimSuffix(p.Path, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.NewReplacer("-", " ", "_", " ", "+", " ").Replace(base)
	if strings.TrimSpace(base) == "" || base == "." {
		return p.Host
	}
	return base
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// skipExt are extensions of files that are neither pages nor documents the
// library reads (PDF, Word, PowerPoint, OpenDocument, RTF, Excel .xlsx),
// not fetched unless a documents pattern asks for them.
var skipExt = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".svg": true, ".webp": true, ".ico": true,
	".css": true, ".js": true, ".zip": true, ".gz": true, ".mp3": true, ".mp4": true, ".mov": true,
	".avi": true, ".xls": true, ".csv": true, ".woff": true, ".woff2": true, ".ttf": true, ".exe": true, ".dmg": true,
}

// follow queues the links of a page that stay within the source.
func (r *run) follow(links []string, depth int) {
	for _, l := range links {
		u, err := Canonicalize(l)
		if err != nil {
			continue
		}
		p, err := parseURL(u)
		if err != nil || !r.src.Allowed(p.Hostname()) {
			continue
		}
		if skipExt[strings.ToLower(path.Ext(p.Path))] && !r.src.IsDocument(u) {
			continue
		}
		r.frontier.add(item{url: u, depth: depth})
	}
}

// notModified handles a 304: the stored resource stands.
func (r *run) notModified(it item, prev *catalog.URLState, j *fetchJob) {
	r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
	if prev == nil {
		r.count(func(rec *catalog.CrawlRun) { rec.Unchanged++ }, "")
		return
	}
	s := *prev
	s.LastStatus = http.StatusOK
	s.LastFetched, s.GoneCount, s.Source = time.Now(), 0, r.src.Name
	if e := j.header.Get("ETag"); e != "" {
		s.ETag = e
	}
	if lm := j.header.Get("Last-Modified"); lm != "" {
		s.LastModified = lm
	}
	r.same([]*catalog.URLState{&s}, s.ResourceURL)
}

// notFound handles a 404 or 410. A document that answers so twice in a
// row is marked gone; any other URL is a broken link.
func (r *run) notFound(it item, prev *catalog.URLState, reason string) {
	r.count(func(rec *catalog.CrawlRun) { rec.Fetched++ }, "")
	if prev == nil || prev.ResourceURL == "" {
		r.failReason(it.url, reason)
		return
	}
	s := *prev
	s.GoneCount++
	s.LastStatus = 404
	if strings.HasPrefix(reason, "HTTP 410") {
		s.LastStatus = 410
	}
	s.LastFetched, s.Source = time.Now(), r.src.Name
	if s.GoneCount >= 2 {
		r.writer.send(op{states: []*catalog.URLState{&s}, gone: s.ResourceURL})
		return
	}
	r.writer.send(op{states: []*catalog.URLState{&s}})
	r.failReason(it.url, reason+" (marked gone if it answers so again)")
}

// fail records a failure from an error.
func (r *run) fail(u string, err error) {
	r.failReason(u, describe(err))
}

// failReason counts a failure and queues it for crawl history.
func (r *run) failReason(u, reason string) {
	keep := false
	r.count(func(rec *catalog.CrawlRun) {
		rec.Failed++
		keep = rec.Failed <= maxFailuresKept
	}, reason)
	r.c.log.Debug("crawl failure", "url", u, "reason", reason)
	if keep {
		r.writer.send(op{failure: &catalog.CrawlFailure{RunID: r.rec.ID, URL: u, Reason: reason, At: time.Now()}})
	}
}

// skipReason counts a URL skipped and, when there is a reason, records it
// in the run's history beside the failures ("skipped: ..."), so that
// every URL the crawl fetched and left out says why.
func (r *run) skipReason(u, reason string) {
	keep := false
	r.count(func(rec *catalog.CrawlRun) {
		rec.Skipped++
		keep = reason != "" && rec.Skipped <= maxFailuresKept
	}, reason)
	r.c.log.Debug("skipped", "url", u, "reason", reason)
	if keep {
		r.writer.send(op{failure: &catalog.CrawlFailure{RunID: r.rec.ID, URL: u, Reason: "skipped: " + reason, At: time.Now()}})
	}
}

// keptWithoutText records in the run's history that the document at u was
// kept with its metadata but no text, and why ("kept without text: ..."):
// a legacy format is never a silent gap in the library.
func (r *run) keptWithoutText(u, reason string) {
	r.mu.Lock()
	r.noText++
	keep := r.noText <= maxFailuresKept
	r.mu.Unlock()
	r.c.log.Info("kept without text", "url", u, "reason", reason)
	if keep {
		r.writer.send(op{failure: &catalog.CrawlFailure{RunID: r.rec.ID, URL: u, Reason: "kept without text: " + reason, At: time.Now()}})
	}
}

// count changes the run's counters under the lock, remembering the first
// reason something went wrong (for a run that fetched nothing).
func (r *run) count(fn func(*catalog.CrawlRun), reason string) {
	r.mu.Lock()
	fn(r.rec)
	if reason != "" && r.firstErr == "" {
		r.firstErr = reason
	}
	r.mu.Unlock()
}

func (r *run) progress() {
	r.mu.Lock()
	r.done++
	p := Progress{Source: r.src.Name, Done: r.done, Fetched: r.rec.Fetched, Failed: r.rec.Failed}
	r.mu.Unlock()
	if r.c.opt.Progress != nil {
		p.Queued = r.frontier.queued()
		r.c.opt.Progress(p)
	}
}
