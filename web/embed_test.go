package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"safelib/internal/catalog"
)

// sharedEndpoints are every public GET other sites may use.
var sharedEndpoints = []string{
	"/api/v1/search?q=neglect",
	"/api/v1/themes",
	"/api/v1/resources/" + xssID,
	"/api/v1/listings/sport",
	"/api/v1/listings/sport?sport=football",
	"/embed/sport",
	"/embed/sport?scheme=dark&compact=1",
	"/embed/search?theme=neglect&n=3",
	"/embed.js",
	"/feed.atom",
	"/feed.atom?theme=neglect&type=report",
	"/opensearch.xml",
}

// TestSharedEndpointsCORSAndCaching: every public endpoint answers any
// origin without credentials, sets no cookie, has a strong ETag and
// public caching, and answers 304 when the client has the current body.
func TestSharedEndpointsCORSAndCaching(t *testing.T) {
	e := newTestEnv(t)
	for _, target := range sharedEndpoints {
		t.Run(target, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("Origin", "https://partnership.example")
			w := e.do(t, req)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			h := w.Header()
			if got := h.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("Access-Control-Allow-Origin %q", got)
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("Access-Control-Allow-Credentials is set")
			}
			if got := h.Get("Cross-Origin-Resource-Policy"); got != "cross-origin" {
				t.Errorf("Cross-Origin-Resource-Policy %q", got)
			}
			if len(w.Result().Cookies()) > 0 {
				t.Errorf("sets cookies: %v", h.Values("Set-Cookie"))
			}
			if got := h.Get("Cache-Control"); got != "public, max-age=300" {
				t.Errorf("Cache-Control %q", got)
			}
			etag := h.Get("ETag")
			if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
				t.Fatalf("ETag %q is not a strong hash", etag)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}

			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				req := httptest.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("If-None-Match", inm)
				w2 := e.do(t, req)
				if w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
					t.Errorf("If-None-Match %s: status %d, %d bytes", inm, w2.Code, w2.Body.Len())
				}
				if w2.Header().Get("ETag") != etag {
					t.Errorf("304 ETag %q, want %q", w2.Header().Get("ETag"), etag)
				}
			}
			req = httptest.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("If-None-Match", `"stale"`)
			if w3 := e.do(t, req); w3.Code != http.StatusOK || w3.Body.String() != w.Body.String() {
				t.Errorf("stale If-None-Match: status %d, same body %v", w3.Code, w3.Body.String() == w.Body.String())
			}

			// Preflight: GET only, never credentials, never Authorization.
			pre := httptest.NewRequest(http.MethodOptions, target, nil)
			pre.Header.Set("Origin", "https://partnership.example")
			pre.Header.Set("Access-Control-Request-Method", "GET")
			pre.Header.Set("Access-Control-Request-Headers", "authorization")
			pw := e.do(t, pre)
			if pw.Code != http.StatusNoContent || pw.Header().Get("Access-Control-Allow-Origin") != "*" ||
				pw.Header().Get("Access-Control-Allow-Methods") != "GET" {
				t.Errorf("preflight: %d %v", pw.Code, pw.Header())
			}
			if strings.Contains(strings.ToLower(pw.Header().Get("Access-Control-Allow-Headers")), "authorization") ||
				pw.Header().Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("preflight allows credentials: %v", pw.Header())
			}
		})
	}
}

// TestNotSharedEndpoints: the rest of the API and the pages get no CORS.
func TestNotSharedEndpoints(t *testing.T) {
	e := newTestEnv(t)
	for _, target := range []string{"/search?q=neglect", "/resources/" + xssID, "/share", "/healthz"} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Origin", "https://partnership.example")
		w := e.do(t, req)
		if w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s answers other origins", target)
		}
	}
	pre := httptest.NewRequest(http.MethodOptions, "/api/v1/resources", nil)
	pre.Header.Set("Origin", "https://partnership.example")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	if w := e.do(t, pre); w.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight of POST /api/v1/resources allowed: %d %v", w.Code, w.Header())
	}
}

// TestCrossOriginIsAnonymous: whatever another site's page sends (a
// session cookie, a bearer token), it reads the anonymous view; our own
// pages still read as the member.
func TestCrossOriginIsAnonymous(t *testing.T) {
	e := newAuthEnv(t)
	sess := e.session(t, memberEmail)
	tok := e.token(t, memberEmail)
	crossSite := func(r *http.Request) {
		r.Header.Set("Origin", "https://partnership.example")
		r.Header.Set("Sec-Fetch-Site", "cross-site")
	}
	originOnly := func(r *http.Request) { r.Header.Set("Origin", "https://partnership.example") }
	nullOrigin := func(r *http.Request) { r.Header.Set("Origin", "null") }
	sameOrigin := func(r *http.Request) {
		r.Header.Set("Origin", "http://example.com")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	get := func(target string, how ...as) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		for _, f := range how {
			f(req)
		}
		return e.do(t, req)
	}

	// Same-origin, the member reads the members-only item in full.
	w := get("/api/v1/resources/"+membersID, withSession(sess), sameOrigin)
	mustContain(t, w.Body.String(), membersSummary)
	if w.Header().Get("Cache-Control") == "public, max-age=300" {
		t.Error("a member's answer is marked public")
	}
	w = get("/api/v1/search?q=funding+briefing", withBearer(tok))
	mustContain(t, w.Body.String(), membersSummary)

	for name, how := range map[string][]as{
		"cookie, cross-site":         {withSession(sess), crossSite},
		"cookie, other Origin":       {withSession(sess), originOnly},
		"cookie, null Origin":        {withSession(sess), nullOrigin},
		"token, other Origin":        {withBearer(tok), originOnly},
		"bad token, cross-site":      {withBearer("slb_nonsense"), crossSite},
		"stale cookie, other Origin": {withSession("nonsense"), originOnly},
	} {
		t.Run(name, func(t *testing.T) {
			for _, target := range []string{"/api/v1/resources/" + membersID, "/api/v1/search?q=funding+briefing"} {
				w := get(target, how...)
				if w.Code != http.StatusOK {
					t.Fatalf("%s: status %d", target, w.Code)
				}
				body := w.Body.String()
				mustNotContain(t, body, membersSummary)
				mustNotContain(t, body, membersURL)
				mustContain(t, body, membersTitle) // as a teaser
				if len(w.Result().Cookies()) > 0 {
					t.Errorf("%s sets cookies", target)
				}
				if w.Header().Get("Access-Control-Allow-Origin") != "*" {
					t.Errorf("%s: no CORS", target)
				}
			}
		})
	}

	// Embeds and listings are anonymous even on our own site.
	if _, err := e.lib.Upsert(context.Background(), []*catalog.Resource{{ID: "members-sport-contact",
		Title: "Members-only sport contact", Publisher: "Secret Sport Body", Type: "listing", Themes: []string{"sport"},
		Sport: "archery", Phone: "0100 000 0000", Access: catalog.Members, Source: "curated"}}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/v1/listings/sport", "/embed/sport", "/feed.atom?theme=sport"} {
		for _, who := range []as{withSession(sess), withBearer(tok)} {
			if body := get(target, who, sameOrigin).Body.String(); strings.Contains(body, "Secret Sport Body") {
				t.Errorf("%s shows a members-only contact to a signed-in member", target)
			}
		}
	}
	w = get("/embed/search?q=funding+briefing", withSession(sess))
	mustNotContain(t, w.Body.String(), membersSummary)
	mustContain(t, w.Body.String(), "Members only")
	if len(w.Result().Cookies()) > 0 {
		t.Error("embed sets cookies")
	}
}

// TestNoCookiesOnShared: a stale session cookie, which identify would
// clear on a page, is not even looked at by shared endpoints.
func TestNoCookiesOnShared(t *testing.T) {
	e := newAuthEnv(t)
	for _, target := range sharedEndpoints {
		if shareKindOf(strings.SplitN(target, "?", 2)[0]) != sharedAnon {
			continue // the API on our own pages reads (and tidies) the session
		}
		w := e.getAs(t, withSession("stale-or-forged"), target)
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d", target, w.Code)
		}
		if c := w.Header().Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("%s sets %v", target, c)
		}
	}
	// A page does clear it: the guard is what makes the difference.
	if w := e.getAs(t, withSession("stale-or-forged"), "/search"); cookie(w, sessionCookie) == nil {
		t.Log("note: /search did not clear a stale session cookie")
	}
}

// TestSportListingsAPI checks the contacts' JSON.
func TestSportListingsAPI(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/api/v1/listings/sport")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, %s", w.Code, w.Header().Get("Content-Type"))
	}
	body := w.Body.String()
	got := decode[apiListings](t, strings.NewReader(body))
	if got.Total != 10 || len(got.Listings) != 10 || got.Title != sportTitle {
		t.Fatalf("%d listings (total %d), title %q", len(got.Listings), got.Total, got.Title)
	}
	if got.LibraryURL != "http://example.com/search?theme=sport&type=listing" {
		t.Errorf("library_url %q", got.LibraryURL)
	}
	sports := map[string]bool{}
	for _, l := range got.Listings {
		sports[l.Sport] = true
		if !strings.HasPrefix(l.URL, "https://") || l.LibraryURL != "http://example.com/resources/"+l.ID || l.Organisation == "" {
			t.Errorf("listing %+v", l)
		}
	}
	for _, s := range []string{"athletics", "cricket", "football", "gymnastics", "netball", "rugby union", "swimming", "tennis", "multi-sport"} {
		if !sports[s] {
			t.Errorf("no %s listing", s)
		}
	}
	mustContain(t, body, `"phone":"0800 023 2642"`)
	mustContain(t, body, "NSPCC Child Protection in Sport Unit")

	fb := decode[apiListings](t, e.get(t, "/api/v1/listings/sport?sport=Football").Body)
	if fb.Total != 2 || fb.Title != sportTitle+": Football" {
		t.Errorf("football: %d, %q", fb.Total, fb.Title)
	}
	for _, bad := range []string{"?sports=x", "?sport=a&sport=b", "?sport=" + strings.Repeat("x", 101), "?%zz"} {
		w := e.get(t, "/api/v1/listings/sport"+bad)
		if w.Code != http.StatusBadRequest || w.Header().Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: status %d %s", bad, w.Code, w.Header().Get("Content-Type"))
		}
	}
}

// TestSharedAnswersFollowTheLibrary: a cached answer is replaced as soon as
// the library changes, and the old ETag no longer matches.
func TestSharedAnswersFollowTheLibrary(t *testing.T) {
	e := newTestEnv(t)
	ctx := context.Background()
	for i, target := range []string{"/api/v1/listings/sport", "/embed/sport", "/feed.atom?theme=sport"} {
		publisher := fmt.Sprintf("Archery GB %d", i)
		first := e.get(t, target)
		etag := first.Header().Get("ETag")
		mustNotContain(t, first.Body.String(), publisher)
		if again := e.get(t, target); again.Header().Get("ETag") != etag || again.Body.String() != first.Body.String() {
			t.Fatalf("%s: second answer differs", target)
		}
		_, err := e.lib.Upsert(ctx, []*catalog.Resource{{ID: fmt.Sprintf("archery-%d", i),
			Title: "Safeguarding in Archery", Publisher: publisher, Type: "listing", Themes: []string{"sport"},
			Sport: "archery", Phone: "01952 677888", URL: "https://archerygb.org/safeguarding" + target, Published: "2026-11-20",
			Access: catalog.Public, Source: "curated"}})
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("If-None-Match", etag)
		after := e.do(t, req)
		if after.Code != http.StatusOK || after.Header().Get("ETag") == etag {
			t.Fatalf("%s after a change: status %d, same ETag %v", target, after.Code, after.Header().Get("ETag") == etag)
		}
		mustContain(t, after.Body.String(), publisher)
	}
}

// TestEmbedFrames checks the frame pages: frameable by anyone, no script,
// one inline stylesheet allowed by its hash, the contacts' links.
func TestEmbedFrames(t *testing.T) {
	e := newTestEnv(t)
	w := e.get(t, "/embed/sport?scheme=dark&compact=1")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	h := w.Header()
	if h.Get("X-Frame-Options") != "" {
		t.Errorf("X-Frame-Options %q on a frame", h.Get("X-Frame-Options"))
	}
	if csp := h.Get("Content-Security-Policy"); csp != frameCSP {
		t.Errorf("CSP %q", csp)
	}
	body := w.Body.String()
	css, err := e.srv.static.url("embed.css")
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, body, `<link rel="stylesheet" href="`+css+`">`)
	if n := strings.Count(body, "<link") + strings.Count(body, " src="); n != 1 {
		t.Errorf("the frame loads %d things, want its stylesheet only", n)
	}
	for _, bad := range []string{"<script", "<style", " style=", "http://example.com/static"} {
		mustNotContain(t, body, bad)
	}
	mustContain(t, body, `class="slb slb-dark slb-compact"`)
	mustContain(t, body, `href="tel:08000232642"`)
	mustContain(t, body, `href="mailto:safeguarding@thefa.com"`)
	mustContain(t, body, `<h1 class="slb-title" id="slb-title">Sport safeguarding contacts</h1>`)
	mustContain(t, body, `target="_top"`)

	w = e.get(t, "/embed/search?theme=neglect&n=2&title=Neglect+reading")
	body = w.Body.String()
	if w.Code != http.StatusOK || strings.Count(body, `class="slb-item"`) != 2 {
		t.Fatalf("search frame: status %d, %d items", w.Code, strings.Count(body, `class="slb-item"`))
	}
	mustContain(t, body, "Neglect reading")
	mustContain(t, body, `class="slb slb-light"`)
	mustContain(t, body, "http://example.com/search?theme=neglect")
	mustNotContain(t, body, "<script>alert")

	for _, bad := range []string{"/embed/sport?scheme=pink", "/embed/sport?n=0", "/embed/sport?bogus=1",
		"/embed/search?n=51", "/embed/search?sort=sideways", "/embed/sport?compact=maybe"} {
		if w := e.get(t, bad); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", bad, w.Code)
		}
	}
}

// TestEmbedScript checks embed.js as served: small, the stylesheet inside,
// none of the things a strict CSP or a careful host page forbids.
func TestEmbedScript(t *testing.T) {
	a, err := loadEmbedAssets()
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t)
	w := e.get(t, "/embed.js")
	js := w.Body.String()
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/javascript; charset=utf-8" || js != string(a.js) {
		t.Fatalf("status %d, %s", w.Code, w.Header().Get("Content-Type"))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(js))
	zw.Close()
	t.Logf("embed.js: %d bytes served, %d gzipped (budget %d)", len(js), gz.Len(), maxEmbedJS)
	if len(js) >= maxEmbedJS {
		t.Errorf("embed.js is %d bytes, over %d", len(js), maxEmbedJS)
	}
	for _, bad := range []string{"eval(", "new Function", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
		"setAttribute(\"style", ".style.", "__SAFELIB_CSS__", "localStorage", "document.cookie", "window."} {
		if strings.Contains(js, bad) {
			t.Errorf("embed.js contains %q", bad)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(js[strings.Index(js, "*/")+2:]), "(() => {") || !strings.HasSuffix(strings.TrimSpace(js), "})();") {
		t.Error("embed.js is not one IIFE")
	}
	mustContain(t, js, `credentials: "omit"`)
	mustContain(t, js, ".slb-dark{")
}
