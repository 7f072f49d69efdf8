package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// hostSite is a partnership's website on another loopback port: its pages
// carry the embed snippets under a strict Content-Security-Policy that
// allows only the library's origin for scripts, requests and frames.
func hostSite(t *testing.T, lib string) *httptest.Server {
	t.Helper()
	page := func(body string) string {
		return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Exampleshire Safeguarding Children Partnership</title>
<link rel="stylesheet" href="/host.css"></head><body><main><h1>Exampleshire Safeguarding Children Partnership</h1>` + body + `</main></body></html>`
	}
	snippets := `<div id="sport" data-safelib="sport" data-theme="dark"><a id="fallback" href="` + lib + `/search?theme=sport&amp;type=listing">Sport safeguarding contacts</a></div>
<div id="search" data-safelib="search" data-search="theme=neglect" data-n="3" data-compact data-title="Reading on neglect"><a href="` + lib + `/search?theme=neglect">Reading on neglect</a></div>`
	mux := http.NewServeMux()
	mux.HandleFunc("/host.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `body{font-family:Georgia,"Times New Roman",serif;color:#222;background:#fafafa;margin:1rem}`)
	})
	serve := func(path, body, extraCSP string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src "+lib+
				"; connect-src "+lib+"; frame-src "+lib+extraCSP)
			fmt.Fprint(w, page(body))
		})
	}
	serve("/{$}", snippets+`<script src="`+lib+`/embed.js" async></script>`, "")
	serve("/bare", snippets, "")
	serve("/frame", `<iframe id="frame" src="`+lib+`/embed/sport?scheme=light" title="Sport safeguarding contacts" width="640" height="700"></iframe>
<p><a href="`+lib+`/search?theme=sport&amp;type=listing">Sport safeguarding contacts in the Safeguarding resource library</a></p>`, "")
	// The library down: the script loads (from this host, which answers
	// every request for data with 503), or doesn't load at all.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	mux.HandleFunc("/down/embed.js", func(w http.ResponseWriter, r *http.Request) {
		res, err := http.Get(lib + "/embed.js")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer res.Body.Close()
		w.Header().Set("Content-Type", "text/javascript")
		var b strings.Builder
		if _, err := fmt.Fprint(&b, readAll(t, res)); err != nil {
			t.Error(err)
		}
		fmt.Fprint(w, b.String())
	})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page(snippets+`<script src="/down/embed.js" async></script>`))
	})
	serve("/dead", snippets+`<script src="`+deadURL+`/embed.js" async></script>`, " "+deadURL)
	host := httptest.NewServer(mux)
	t.Cleanup(host.Close)
	return host
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// TestBrowserEmbedScript loads a partnership page on another port with the
// script snippet and sees the sport contacts and a saved search drawn in
// it: styled despite the host's strict CSP, in the host's fonts, keyboard
// reachable, accessible, leaking no globals, and degrading to the plain
// link when the library can't be reached.
func TestBrowserEmbedScript(t *testing.T) {
	b := newBrowser(t, 60*time.Second)
	host := hostSite(t, b.base)
	at := func(path string) {
		t.Helper()
		if err := chromedp.Do(b.ctx, chromedp.Navigate(host.URL+path)); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}

	at("/bare")
	bare := eval[[]string](b, `Object.getOwnPropertyNames(window)`)

	at("/")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](
		`document.querySelector('#sport[data-safelib-state="done"]') && document.querySelector('#search[data-safelib-state="done"]') ? true : false`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the embeds did not render: %v (sport %q, search %q)", err,
			eval[string](b, `document.querySelector('#sport').getAttribute('data-safelib-state') || ''`),
			eval[string](b, `document.querySelector('#search').getAttribute('data-safelib-state') || ''`))
	}
	if n := eval[int](b, `document.querySelectorAll('#sport .slb-item').length`); n != 10 {
		t.Errorf("%d sport contacts, want 10", n)
	}
	text := b.text("#sport")
	for _, want := range []string{"Sport safeguarding contacts", "0800 023 2642", "NSPCC Child Protection in Sport Unit",
		"Football", "Rugby union", "Swimming", "Tennis", "Safeguarding resource library"} {
		if !strings.Contains(text, want) {
			t.Errorf("sport listing lacks %q", want)
		}
	}
	if eval[int](b, `document.querySelectorAll('#sport a[href="tel:08000232642"]').length`) != 1 {
		t.Error("no tel: link for the football helpline")
	}
	if eval[bool](b, `!!document.querySelector('#fallback')`) {
		t.Error("the fallback link is still there after rendering")
	}
	// Styled under the host's CSP (style-src 'self' only), dark as asked,
	// in the host's fonts.
	if bg := eval[string](b, `getComputedStyle(document.querySelector('#sport .slb')).backgroundColor`); bg != "rgb(28, 31, 35)" {
		t.Errorf("dark background %q: the stylesheet was not applied", bg)
	}
	if f, host := eval[string](b, `getComputedStyle(document.querySelector('#sport .slb-name')).fontFamily`),
		eval[string](b, `getComputedStyle(document.body).fontFamily`); f != host {
		t.Errorf("listing font %q, host font %q", f, host)
	}
	// The saved search: three items, compact (no summaries shown).
	if n := eval[int](b, `document.querySelectorAll('#search .slb-item').length`); n != 3 {
		t.Errorf("%d search items, want 3", n)
	}
	if !eval[bool](b, `document.querySelector('#search .slb').classList.contains('slb-compact')`) {
		t.Error("search embed is not compact")
	}
	if shown := eval[int](b, `[...document.querySelectorAll('#search .slb-summary')].filter(e => getComputedStyle(e).display !== 'none').length`); shown != 0 {
		t.Errorf("%d summaries shown in compact mode", shown)
	}
	if h := b.text("#search .slb-title"); h != "Reading on neglect" {
		t.Errorf("search heading %q", h)
	}
	// Headings nest under the host's h1: h2 for the list, h3 per item.
	if eval[string](b, `document.querySelector('#sport .slb-title').tagName + document.querySelector('#sport .slb-name').tagName`) != "H2H3" {
		t.Error("headings are not h2 and h3")
	}
	// The section is a region named by its heading.
	if eval[string](b, `(() => { const s = document.querySelector('#sport section'); return document.getElementById(s.getAttribute('aria-labelledby')).textContent })()`) != "Sport safeguarding contacts" {
		t.Error("the section is not labelled by its heading")
	}

	// No globals: the page has the same window properties as without it.
	with := eval[[]string](b, `Object.getOwnPropertyNames(window)`)
	seen := map[string]bool{}
	for _, k := range bare {
		seen[k] = true
	}
	for _, k := range with {
		if !seen[k] {
			t.Errorf("embed.js leaked the global %q", k)
		}
	}

	// Keyboard: the first Tab reaches the first contact's link, which shows
	// its focus.
	if err := chromedp.Do(b.ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](b, `!!document.activeElement.closest('#sport .slb-name')`) {
		t.Errorf("Tab went to %q", eval[string](b, `document.activeElement.outerHTML.slice(0, 80)`))
	}
	if eval[string](b, `getComputedStyle(document.activeElement).outlineStyle`) == "none" {
		t.Error("the focused link shows no outline")
	}
	b.axe("host page with the script embeds")

	// The library's data can't be fetched: the plain links stay.
	at("/down")
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`document.querySelector('#sport[data-safelib-state="error"]') ? true : false`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("no error state when the data is unreachable: %v", err)
	}
	if got := b.text("#sport"); got != "Sport safeguarding contacts" || !eval[bool](b, `!!document.querySelector('#fallback[href]')`) {
		t.Errorf("fallback after a failed fetch: %q", got)
	}
	// The script itself can't be loaded: nothing changes.
	at("/dead")
	if got := b.text("#sport"); got != "Sport safeguarding contacts" || eval[bool](b, `!!document.querySelector('.slb')`) {
		t.Errorf("fallback with the library down: %q", got)
	}
}

// TestBrowserEmbedFrame loads a partnership page on another port that
// frames /embed/sport and sees the contacts inside the frame.
func TestBrowserEmbedFrame(t *testing.T) {
	b := newBrowser(t, 45*time.Second)
	host := hostSite(t, b.base)
	if err := chromedp.Do(b.ctx, chromedp.Navigate(host.URL+"/frame")); err != nil {
		t.Fatal(err)
	}
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS("#frame")))
	if err != nil || len(nodes) != 1 {
		t.Fatalf("frame element: %v", err)
	}
	items, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSSAll(".slb-item"), chromedp.FromNode(nodes[0])))
	if err != nil {
		t.Fatalf("contacts inside the frame: %v", err)
	}
	if len(items) != 10 {
		t.Errorf("%d contacts in the frame, want 10", len(items))
	}
	text, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(".slb"), chromedp.FromNode(nodes[0])))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Sport safeguarding contacts", "0800 023 2642", "England Netball"} {
		if !strings.Contains(text, want) {
			t.Errorf("frame lacks %q", want)
		}
	}
	// The frame's own stylesheet applied (its CSP allows it by hash).
	style, err := chromedp.Run(b.ctx, chromedp.ComputedStyle(chromedp.CSS(".slb"), chromedp.FromNode(nodes[0])))
	if err != nil {
		t.Fatal(err)
	}
	bg := ""
	for _, p := range style {
		if p.Name == "background-color" {
			bg = p.Value
		}
	}
	if bg != "rgb(255, 255, 255)" {
		t.Errorf("frame background %q: its stylesheet was not applied", bg)
	}

	// The Embed page itself: accessible, and usable on a phone.
	b.open("/share?listing=search&theme=neglect&n=3")
	b.axe("embed page")
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 740)); err != nil {
		t.Fatal(err)
	}
	b.open("/share")
	if overflow := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); overflow {
		t.Errorf("the Embed page scrolls sideways at 375px: %v", eval[[]string](b, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))`))
	}
}
