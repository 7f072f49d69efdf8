package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser tests drive the real server in headless Chromium. Outside CI
// they skip when Chromium is missing; in CI (CI=true) they must run.
// Add a test with newBrowser, then use b.open, b.text, b.axe and chromedp
// actions on b.ctx.

const chromiumPath = "/usr/bin/chromium"

func inCI() bool { return os.Getenv("CI") == "true" }

// browser is one headless Chromium with one tab, pointed at a test server
// over the seeded library.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	env  *testEnv
}

// newBrowser starts the server and the browser; both stop when the test
// ends, and everything the test does in the browser shares timeout.
func newBrowser(t *testing.T, timeout time.Duration) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if inCI() {
			t.Fatalf("CI=true but Chromium is missing at %s: %v", chromiumPath, err)
		}
		t.Skipf("Chromium not installed at %s (apt-get install -y chromium)", chromiumPath)
	}
	env := newTestEnv(t)
	ts := httptest.NewServer(validating(t, env.srv))
	t.Cleanup(ts.Close)

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Headless,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		bcancel()
		acancel()
		cancel()
	})
	return &browser{t: t, ctx: bctx, base: ts.URL, env: env}
}

// open loads a path of the test server and waits for the page.
func (b *browser) open(path string) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+path)); err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
}

// text returns the text content of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %.60q: %v", expr, err)
	}
	return v
}

// axeViolation is the part of an axe-core result the tests report.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core (from SAFELIB_AXE, which scripts/test sets) on the
// current page and fails the test on serious or critical violations.
// Without SAFELIB_AXE it skips the check, except in CI.
func (b *browser) axe(page string) {
	b.t.Helper()
	path := os.Getenv("SAFELIB_AXE")
	if path == "" {
		if inCI() {
			b.t.Fatal("CI=true but SAFELIB_AXE is not set (run scripts/test)")
		}
		b.t.Logf("SAFELIB_AXE not set: accessibility check of %s skipped", page)
		return
	}
	src, err := os.ReadFile(path)
	if err != nil {
		b.t.Fatalf("read axe-core: %v", err)
	}
	// Injected over the DevTools protocol, which the page's CSP does not
	// govern; the page itself still runs under its CSP.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[*json.RawMessage](string(src)+"\n;null")); err != nil {
		b.t.Fatalf("inject axe-core: %v", err)
	}
	raw := eval[string](b, `axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
		resultTypes: ["violations"]
	}).then(r => JSON.stringify(r.violations.map(v => ({
		id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))
	}))))`)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("axe result: %v", err)
	}
	b.t.Logf("%s: axe found %d violations", page, len(vs))
	for _, v := range vs {
		msg := fmt.Sprintf("%s: axe %s (%s): %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		if v.Impact == "serious" || v.Impact == "critical" {
			b.t.Error(msg)
		} else {
			b.t.Log(msg)
		}
	}
}

// leadingNumber reads "1,234 results" as 1234.
func leadingNumber(t *testing.T, s string) int {
	t.Helper()
	f := strings.Fields(s)
	if len(f) == 0 {
		t.Fatalf("no number in %q", s)
	}
	n, err := strconv.Atoi(strings.ReplaceAll(f[0], ",", ""))
	if err != nil {
		t.Fatalf("no number in %q", s)
	}
	return n
}

// TestBrowserSearchFilters ticks a facet checkbox, submits the form (no
// JavaScript of ours involved) and sees the results narrow; then checks
// the search, resource and themes pages with axe-core and a phone-sized
// viewport.
func TestBrowserSearchFilters(t *testing.T) {
	b := newBrowser(t, 45*time.Second)
	b.open("/search")
	all := leadingNumber(t, b.text("#results-heading"))
	if all != b.env.total {
		t.Fatalf("browse shows %d results, want %d", all, b.env.total)
	}

	// Tick the first theme and apply.
	theme, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#f-theme-0")))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS("#f-theme-0"))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#apply-filters"))); err != nil {
		t.Fatalf("submit filters: %v", err)
	}
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "theme="+theme) {
		t.Errorf("location %s does not filter by %s", loc, theme)
	}
	narrowed := leadingNumber(t, b.text("#results-heading"))
	if want := b.env.count(hasTheme(theme)); narrowed != want || narrowed >= all {
		t.Errorf("after ticking %s: %d results, want %d (of %d)", theme, narrowed, want, all)
	}
	if checked := eval[bool](b, `document.querySelector("#f-theme-0").checked`); !checked {
		t.Error("the ticked theme is not ticked after submitting")
	}
	b.axe("search page")

	// Exclude the same theme: the complement.
	b.open("/search?-theme=" + theme)
	if got, want := leadingNumber(t, b.text("#results-heading")), all-narrowed; got != want {
		t.Errorf("excluding %s: %d results, want %d", theme, got, want)
	}

	b.open("/resources/" + pdfID)
	b.axe("resource page")
	b.open("/resources/" + membersID)
	b.axe("teaser page")
	b.open("/themes")
	b.axe("themes page")
	b.open("/search?q=nothingmatchesxyz")
	b.axe("empty results page")

	// Phone-sized: nothing wider than the screen.
	if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 740)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/search?q=neglect", "/resources/" + xssID, "/themes"} {
		b.open(p)
		if overflow := eval[bool](b, `document.documentElement.scrollWidth > window.innerWidth`); overflow {
			t.Errorf("%s scrolls sideways at 375px", p)
		}
	}
}

// TestBrowserRegionFacet narrows local policies to a region by ticking
// its box and submitting the form, then removes it with its chip.
func TestBrowserRegionFacet(t *testing.T) {
	b := newBrowser(t, 45*time.Second)
	const region = "South West"
	want := addLocalPolicies(t, b.env.lib, region)
	b.open("/search?type=local-policy")
	all := leadingNumber(t, b.text("#results-heading"))
	if all != len(localPolicies) {
		t.Fatalf("local policies: %d results, want %d", all, len(localPolicies))
	}
	box := `input[name="region"][value="` + region + `"]`
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(box))); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#apply-filters"))); err != nil {
		t.Fatalf("submit filters: %v", err)
	}
	if got := leadingNumber(t, b.text("#results-heading")); got != want {
		t.Errorf("after ticking %s: %d results, want %d", region, got, want)
	}
	metas := eval[[]string](b, `[...document.querySelectorAll(".hit .meta")].map(m => m.textContent)`)
	for _, m := range metas {
		if !strings.Contains(m, region) || !strings.Contains(m, "Local policy") {
			t.Errorf("a result outside %s: %q", region, strings.Join(strings.Fields(m), " "))
		}
	}
	if checked := eval[bool](b, `document.querySelector('`+box+`').checked`); !checked {
		t.Error("the ticked region is not ticked after submitting")
	}
	b.axe("search by region")

	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.Search(`//a[contains(@class, "chip")][contains(., "Region")]`))); err != nil {
		t.Fatalf("remove the chip: %v", err)
	}
	if got := leadingNumber(t, b.text("#results-heading")); got != all {
		t.Errorf("after removing the region: %d results, want %d", got, all)
	}
}
