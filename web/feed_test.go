package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// Atom as a reader parses it: its own structs, so the test doesn't just
// read back what the server's structs wrote.
type testFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	NS       string      `xml:"xmlns,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	Updated  string      `xml:"updated"`
	Links    []testLink  `xml:"link"`
	Author   string      `xml:"author>name"`
	Entries  []testEntry `xml:"entry"`
}

type testLink struct {
	Rel  string `xml:"rel,attr"`
	Href string `xml:"href,attr"`
}

type testEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Links     []testLink `xml:"link"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published"`
	Summary   string     `xml:"summary"`
	Author    string     `xml:"author>name"`
	Terms     []struct {
		Term string `xml:"term,attr"`
	} `xml:"category"`
}

// parseFeed parses and checks what Atom 1.0 (RFC 4287) requires: the
// namespace; feed id, title, updated and an author; each entry's id,
// title, updated and alternate link; absolute IRIs; RFC 3339 dates.
func parseFeed(t *testing.T, body string) testFeed {
	t.Helper()
	if !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %.60q", body)
	}
	var f testFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if f.XMLName.Space != atomNS {
		t.Errorf("root element in %q, want the Atom namespace", f.XMLName.Space)
	}
	absolute := func(what, u string) {
		t.Helper()
		p, err := url.Parse(u)
		if err != nil || !p.IsAbs() || p.Host == "" {
			t.Errorf("%s %q is not an absolute IRI", what, u)
		}
	}
	rfc3339 := func(what, s string) {
		t.Helper()
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			t.Errorf("%s %q is not RFC 3339", what, s)
		}
	}
	absolute("feed id", f.ID)
	rfc3339("feed updated", f.Updated)
	if f.Title == "" || f.Author == "" {
		t.Errorf("feed title %q, author %q", f.Title, f.Author)
	}
	var self bool
	for _, l := range f.Links {
		absolute("feed link", l.Href)
		self = self || l.Rel == "self"
	}
	if !self {
		t.Error("no rel=self link")
	}
	ids := map[string]bool{}
	for _, e := range f.Entries {
		absolute("entry id", e.ID)
		if ids[e.ID] {
			t.Errorf("entry id %s twice", e.ID)
		}
		ids[e.ID] = true
		rfc3339("entry updated", e.Updated)
		if e.Published != "" {
			rfc3339("entry published", e.Published)
		}
		if e.Title == "" {
			t.Errorf("entry %s has no title", e.ID)
		}
		alt := false
		for _, l := range e.Links {
			absolute("entry link", l.Href)
			alt = alt || l.Rel == "alternate"
		}
		if !alt {
			t.Errorf("entry %s has no alternate link", e.ID)
		}
	}
	return f
}

func entryIDs(f testFeed) []string {
	var out []string
	for _, e := range f.Entries {
		out = append(out, strings.TrimPrefix(e.ID, "http://example.com/resources/"))
	}
	return out
}

func TestFeedAnonymous(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/feed.atom")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("status %d, %s", w.Code, w.Header().Get("Content-Type"))
	}
	f := parseFeed(t, w.Body.String())
	if f.ID != "http://example.com/feed.atom" || f.Title != "Safeguarding resource library: everything, newest first" {
		t.Errorf("id %q, title %q", f.ID, f.Title)
	}
	public := e.count(func(r *catalog.Resource) bool { return r.Access == catalog.Public })
	if want := min(public, feedItems); len(f.Entries) != want {
		t.Errorf("%d entries, want %d", len(f.Entries), want)
	}
	ids := entryIDs(f)
	if contains(ids, membersID) {
		t.Error("the anonymous feed has the members-only item")
	}
	mustNotContain(t, w.Body.String(), "Confidential")
	mustNotContain(t, w.Body.String(), "<script>alert") // escaped as text

	// Filters are named in the title; newest first; sort and page ignored.
	w = e.get(t, "/feed.atom?theme=neglect&-type=report&sort=title&page=3")
	f = parseFeed(t, w.Body.String())
	if f.Title != "Safeguarding resource library: Theme: Neglect · not Type: Report" {
		t.Errorf("title %q", f.Title)
	}
	if f.ID != "http://example.com/feed.atom?-type=report&theme=neglect" {
		t.Errorf("id %q", f.ID)
	}
	if len(f.Entries) == 0 || !contains(entryIDs(f), pdfID) {
		t.Fatalf("neglect feed: %v", entryIDs(f))
	}
	var last string
	for i, en := range f.Entries {
		r, err := e.lib.Resource(context.Background(), catalog.Anonymous, strings.TrimPrefix(en.ID, "http://example.com/resources/"))
		if err != nil {
			t.Fatal(err)
		}
		if r.Resource.Type == "report" {
			t.Errorf("excluded type in the feed: %s", en.ID)
		}
		if k := r.Resource.Published.SortKey(); i > 0 && k > last {
			t.Errorf("not newest first at %s", en.ID)
		} else {
			last = k
		}
	}
	pdf := f.Entries[indexOf(entryIDs(f), pdfID)]
	if pdf.Author != "Example Safeguarding Partnership" || !strings.Contains(pdf.Summary, "thematic review of neglect") ||
		len(pdf.Terms) == 0 || pdf.Terms[0].Term != "neglect" {
		t.Errorf("entry %+v", pdf)
	}
	if w := e.get(t, "/feed.atom?q="+strings.Repeat("x", 1001)); w.Code != http.StatusBadRequest {
		t.Errorf("bad query: %d", w.Code)
	}
	if w := e.get(t, "/feed.atom?colour=red"); w.Code != http.StatusBadRequest {
		t.Errorf("unknown parameter: %d", w.Code)
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// TestFeedPrivate: a member's private feed has members-only items, is
// never public or cross-origin, reads a lapsed membership as public only,
// and stops when revoked.
func TestFeedPrivate(t *testing.T) {
	e := newAuthEnv(t)
	ctx := context.Background()
	raw, _, err := e.auth.CreateFeedToken(ctx, auth.System, memberEmail)
	if err != nil {
		t.Fatal(err)
	}
	target := "/feed.atom?theme=partnership-arrangements&token=" + raw
	w := e.get(t, target)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	f := parseFeed(t, w.Body.String())
	if !contains(entryIDs(f), membersID) {
		t.Errorf("private feed lacks the members-only item: %v", entryIDs(f))
	}
	mustContain(t, w.Body.String(), membersSummary)
	h := w.Header()
	if h.Get("Cache-Control") != "private, no-store" || h.Get("Access-Control-Allow-Origin") != "" ||
		h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cross-Origin-Resource-Policy") != "same-origin" {
		t.Errorf("private feed headers: %v", h)
	}
	if strings.Contains(f.ID, raw) {
		t.Error("the feed id carries the token")
	}
	// A cookie changes nothing: the token is the only credential.
	if w := e.getAs(t, withSession(e.session(t, staffEmail)), "/feed.atom?theme=partnership-arrangements"); strings.Contains(w.Body.String(), membersSummary) {
		t.Error("a staff session made the anonymous feed members-only")
	}

	// Lapsed: public only.
	lapsed, _, err := e.auth.CreateFeedToken(ctx, auth.System, lapsedEmail)
	if err != nil {
		t.Fatal(err)
	}
	w = e.get(t, "/feed.atom?theme=partnership-arrangements&token="+lapsed)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), membersSummary) {
		t.Errorf("lapsed member's feed: %d, members-only shown %v", w.Code, strings.Contains(w.Body.String(), membersSummary))
	}

	// Revoked, replaced or made up: gone.
	if _, err := e.auth.RevokeFeedTokens(ctx, auth.System, memberEmail); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{raw, "slf_madeup", "", "x"} {
		w := e.get(t, "/feed.atom?token="+url.QueryEscape(tok))
		if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), membersSummary) {
			t.Errorf("token %q: status %d", tok, w.Code)
		}
		if w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("token %q: CORS on a private feed", tok)
		}
	}
}

// TestFeedLinks: search and theme pages point to their feeds, every page
// to the OpenSearch description, and the nav to the Embed page.
func TestFeedLinks(t *testing.T) {
	e := newTestEnv(t)
	alt := regexp.MustCompile(`<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="([^"]+)">`)
	for target, want := range map[string]string{
		"/search?theme=neglect":             "/feed.atom?theme=neglect",
		"/search?q=exploitation&sort=title": "/feed.atom?q=exploitation",
		"/themes":                           "/feed.atom",
		"/resources/" + xssID:               "",
	} {
		body := e.get(t, target).Body.String()
		m := alt.FindStringSubmatch(body)
		switch {
		case want == "" && m != nil:
			t.Errorf("%s links a feed %s", target, m[1])
		case want != "" && (m == nil || m[1] != want):
			t.Errorf("%s: feed link %v, want %s", target, m, want)
		}
		mustContain(t, body, `<link rel="search" type="application/opensearchdescription+xml" title="Safeguarding resource library" href="/opensearch.xml">`)
		mustContain(t, body, `<a href="/share">Embed</a>`)
	}
}

func TestOpenSearch(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/opensearch.xml")
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "application/opensearchdescription+xml; charset=utf-8" {
		t.Fatalf("status %d, %s", w.Code, w.Header().Get("Content-Type"))
	}
	var d struct {
		XMLName   xml.Name `xml:"OpenSearchDescription"`
		ShortName string   `xml:"ShortName"`
		Desc      string   `xml:"Description"`
		URLs      []struct {
			Type     string `xml:"type,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Url"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if d.XMLName.Space != "http://a9.com/-/spec/opensearch/1.1/" || d.ShortName == "" || len(d.ShortName) > 16 || len(d.Desc) > 1024 {
		t.Errorf("description %+v", d)
	}
	found := false
	for _, u := range d.URLs {
		if u.Type == "text/html" {
			found = u.Template == "http://example.com/search?q={searchTerms}"
		}
	}
	if !found {
		t.Errorf("no HTML search template: %+v", d.URLs)
	}
}

// TestSharePage: the Embed page's snippets and previews, and a member's
// private feed address made and revoked there.
func TestSharePage(t *testing.T) {
	e := newAuthEnv(t)
	w := e.get(t, "/share")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.String()
	mustContain(t, body, `<a href="/share" aria-current="page">Embed</a>`)
	mustContain(t, body, `&lt;div data-safelib=&#34;sport&#34;&gt;`)
	mustContain(t, body, `&lt;script src=&#34;http://example.com/embed.js&#34; async&gt;&lt;/script&gt;`)
	mustContain(t, body, `&lt;iframe src=&#34;http://example.com/embed/sport&#34;`)
	mustContain(t, body, `<iframe src="/embed/sport" title="Preview: Sport safeguarding contacts"`)
	mustContain(t, body, `href="/login?next=/share"`)
	checkPageHeaders(t, w)

	w = e.get(t, "/share?listing=search&q=exploitation&theme=neglect&type=report&n=3&scheme=dark&compact=1")
	body = w.Body.String()
	mustContain(t, body, `data-safelib=&#34;search&#34; data-q=&#34;exploitation&#34; data-search=&#34;theme=neglect&amp;amp;type=report&#34; data-n=&#34;3&#34;`)
	mustContain(t, body, `data-theme=&#34;dark&#34; data-compact`)
	mustContain(t, body, `/embed/search?compact=1&amp;amp;n=3&amp;amp;q=exploitation&amp;amp;scheme=dark&amp;amp;theme=neglect&amp;amp;type=report`)
	mustContain(t, body, `value="http://example.com/feed.atom?q=exploitation&amp;theme=neglect&amp;type=report"`)
	w = e.get(t, "/share?title=Who+to+call+in+sport&scheme=light")
	body = w.Body.String()
	mustContain(t, body, `&lt;div data-safelib=&#34;sport&#34; data-title=&#34;Who to call in sport&#34; data-theme=&#34;light&#34;&gt;`)
	mustContain(t, body, `<iframe src="/embed/sport?title=Who&#43;to&#43;call&#43;in&#43;sport" title="Preview: Who to call in sport"`)
	for _, bad := range []string{"?listing=other", "?theme=nope", "?type=nope", "?n=99", "?scheme=pink", "?title=" + strings.Repeat("x", 121)} {
		if w := e.get(t, "/share"+bad); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", bad, w.Code)
		}
	}

	// A member makes a private feed address, which works, then revokes it.
	sess := e.session(t, memberEmail)
	page := e.getAs(t, withSession(sess), "/share?listing=search&theme=partnership-arrangements")
	mustContain(t, page.Body.String(), "Make a private feed address")
	form := url.Values{"csrf_token": {csrfToken(sess)}, "listing": {"search"}, "theme": {"partnership-arrangements"}, "n": {"5"}}
	w = e.postForm(t, withSession(sess), "/share/feed-token", form)
	if w.Code != http.StatusOK {
		t.Fatalf("make: status %d: %s", w.Code, w.Body)
	}
	m := regexp.MustCompile(`id="private-feed" class="code" readonly value="http://example.com(/feed\.atom\?theme=partnership-arrangements&amp;token=(slf_[A-Za-z0-9_-]+))"`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatalf("no private feed address in the page")
	}
	if w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the page with the token is cacheable: %q", w.Header().Get("Cache-Control"))
	}
	feedURL := strings.ReplaceAll(m[1], "&amp;", "&")
	if fw := e.get(t, feedURL); fw.Code != http.StatusOK || !strings.Contains(fw.Body.String(), membersSummary) {
		t.Errorf("private feed: %d", fw.Code)
	}
	mustContain(t, e.getAs(t, withSession(sess), "/share").Body.String(), "You have a private feed address")
	if w := e.postForm(t, withSession(sess), "/share/feed-token/revoke", form); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), "revoked") {
		t.Fatalf("revoke: %d", w.Code)
	}
	if fw := e.get(t, feedURL); fw.Code != http.StatusNotFound {
		t.Errorf("revoked private feed: %d", fw.Code)
	}
	// Without a session or without the CSRF token: refused.
	if w := e.postForm(t, anonymous, "/share/feed-token", form); w.Code == http.StatusOK {
		t.Error("anonymous made a private feed address")
	}
	delete(form, "csrf_token")
	if w := e.postForm(t, withSession(sess), "/share/feed-token", form); w.Code != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", w.Code)
	}
}
