package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"code.dny.dev/ssrf"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

func fixtureSource(t testing.TB, s *site, extra string) *Source {
	return mustSource(t, fmt.Sprintf(`sources:
  - name: fixture
    publisher: Fixture Publisher
    start_urls: [%s/]
    sitemaps: true
    allowed_domains: [127.0.0.1]
    documents: ['/reports/[^/]+\.html$', '\.pdf$']
    max_depth: 2
    delay: 0s
    concurrency: 4
    themes: [neglect]
%s`, s.URL, extra))
}

// huge is a 30 MB page body.
var huge = sync.OnceValue(func() []byte {
	line := []byte("<p>Safeguarding partnership minutes, item after item, repeated for a very long time.</p>\n")
	return bytes.Repeat(line, 30<<20/len(line)+1)
})

// buildFixtureSite serves a publisher's site with every case the crawler
// must handle.
func buildFixtureSite(t testing.TB) *site {
	s := newSite(t)
	s.set("/robots.txt", &page{contentType: "text/plain", body: []byte(
		"User-agent: *\nDisallow: /private/\n\nSitemap: " + s.URL + "/sitemap-index.xml\n")})
	s.set("/sitemap-index.xml", &page{contentType: "application/xml", body: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>` + s.URL + `/sitemap-reports.xml</loc></sitemap>
</sitemapindex>`)})
	s.set("/sitemap-reports.xml", &page{contentType: "application/xml", body: []byte(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>` + s.URL + `/reports/orphan.html</loc><lastmod>2018-01-01</lastmod></url>
  <url><loc>` + s.URL + `/private/listed.html</loc></url>
</urlset>`)})
	s.html("/", `<html><head><title>Fixture Publisher</title></head><body>
<a href="/reports/a.html">Report A</a>
<a href="/reports/a.html?utm_source=newsletter&amp;utm_medium=email#top">Report A again</a>
<a href="https://127.0.0.1:1/unused">wrong port is another site</a>
<a href="/reports/a.html?fbclid=abc123">Report A from Facebook</a>
<a href="/reports/alias.html">Report A under another name</a>
<a href="/old/report-b">Report B (old address)</a>
<a href="/reports/b.html">Report B</a>
<a href="/reports/1252.html">Caf&eacute; review</a>
<a href="/reports/noindex.html">Draft</a>
<a href="/reports/xrobots.html">Draft 2</a>
<a href="/reports/script.html">Review</a>
<a href="/reports/huge.html">Huge</a>
<a href="/reports/huge-chunked.html">Huge too</a>
<a href="/reports/missing.html">Missing</a>
<a href="/reports/slow.html">Slow</a>
<a href="/reports/flaky.html">Flaky</a>
<a href="/files/report.pdf">PDF</a>
<a href="/files/broken.pdf">Broken PDF</a>
<a href="/private/secret.html">Private</a>
<a href="/images/logo.png">Logo</a>
<a href="/data/stats.json">Data</a>
<a href="https://elsewhere.example/report.html">Elsewhere</a>
<a href="mailto:info@example.org">Mail us</a>
<a href="javascript:void(0)">Menu</a>
<a href="/listing">All reports</a>
</body></html>`)
	s.html("/listing", `<html><body><a href="/reports/deep.html">Deep report</a></body></html>`)
	s.html("/reports/deep.html", reportPage("A report two links deep", "2016-05-01",
		"The deep report looks at neglect of teenagers. It links further down.")+`<a href="/reports/too-deep.html">further</a>`)
	s.html("/reports/too-deep.html", reportPage("Too deep", "2016-05-01", "Never fetched because max_depth is 2."))
	s.html("/reports/a.html", reportPage("Learning from child sexual exploitation in Northgate", "2017-03-21",
		"This review of child sexual exploitation in Northgate found that the zebrafinch protocol helped "+
			"professionals share information about children at risk of sexual exploitation and grooming."))
	s.html("/reports/alias.html", strings.Replace(reportPage("Learning from child sexual exploitation in Northgate (print view)", "2017-03-21",
		"This review of child sexual exploitation in Northgate found that the zebrafinch protocol helped."),
		"</head>", `<link rel="canonical" href="/reports/a.html?utm_campaign=x"></head>`, 1))
	s.set("/old/report-b", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/reports/b.html", http.StatusMovedPermanently)
	}})
	s.html("/reports/b.html", reportPage("Domestic abuse and young people", "2018-06-01",
		"A thematic review of domestic abuse affecting young people, with the wombatgrass pilot."))
	// windows-1252: é is 0xE9, £ is 0xA3.
	s.set("/reports/1252.html", &page{contentType: "text/html; charset=windows-1252", body: []byte(
		"<html><head><title>Caf\xe9 culture and \xa35 grants: a safeguarding review</title></head><body><main>" +
			"<h1>Caf\xe9 culture and \xa35 grants</h1><p>The caf\xe9 owners received \xa35 grants to train staff in " +
			"recognising neglect and exploitation. The review found the training reached most caf\xe9s in the town " +
			"and that staff knew how to raise a concern with the local authority.</p></main></body></html>")})
	s.html("/reports/noindex.html", strings.Replace(reportPage("Draft not for indexing", "2019-01-01",
		"A draft that asks not to be indexed."), "</head>", `<meta name="robots" content="noindex"></head>`, 1))
	s.set("/reports/xrobots.html", &page{header: map[string]string{"X-Robots-Tag": "noindex"},
		body: []byte(reportPage("Header says noindex", "2019-01-01", "A page whose header asks not to be indexed."))})
	s.html("/reports/script.html", `<html><head><title>&lt;script&gt;alert(1)&lt;/script&gt; Serious case review</title></head>
<body><main><h1><script>alert("x")</script>Serious case review</h1><p>A serious case review about a child, with
recommendations for the partnership and for practitioners in schools and health services across the whole area.</p>
<p onclick="alert(2)">More findings about information sharing between agencies and the lessons for future practice.</p></main></body></html>`)
	s.set("/reports/huge.html", &page{body: huge()})
	s.set("/reports/huge-chunked.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		body := huge()
		for i := 0; i < len(body); i += 64 << 10 {
			if _, err := w.Write(body[i:min(i+64<<10, len(body))]); err != nil {
				return
			}
		}
	}})
	s.set("/reports/slow.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}})
	var flaky sync.Mutex
	flakyCalls := 0
	s.set("/reports/flaky.html", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		flaky.Lock()
		flakyCalls++
		n := flakyCalls
		flaky.Unlock()
		if n == 1 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(reportPage("A flaky server's report", "2015-02-03", "Served after one 503 and a retry: early help for families.")))
	}})
	s.set("/files/report.pdf", &page{contentType: "application/pdf", body: makePDF("Annual safeguarding report 2017", []string{
		"Annual safeguarding report 2017\nIntroduction from the independent chair of the partnership.",
		"Young carers\nThe quokka programme supported young carers in every school of the area.",
		"Conclusions\nThe partnership will review its neglect strategy next year.",
	})})
	s.set("/files/broken.pdf", &page{contentType: "application/pdf", body: []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nthis is not really a PDF")})
	s.html("/private/secret.html", reportPage("Secret", "2019-01-01", "Disallowed by robots.txt."))
	s.html("/private/listed.html", reportPage("Secret 2", "2019-01-01", "Disallowed by robots.txt."))
	s.set("/images/logo.png", &page{contentType: "image/png", body: []byte("\x89PNG")})
	s.set("/data/stats.json", &page{contentType: "application/json", body: []byte(`{"a":1}`)})
	s.html("/reports/orphan.html", reportPage("Found only in the sitemap", "2018-01-01",
		"This report on missing children is listed in the sitemap but linked from nowhere."))
	return s
}

func TestCrawlFixtureSite(t *testing.T) {
	ctx := context.Background()
	s := buildFixtureSite(t)
	lib := newTestLibrary(t)
	c := New(lib, storeOf(lib), testOptions())
	src := fixtureSource(t, s, "")

	rec, err := c.Run(ctx, src)
	if err != nil {
		t.Fatalf("Run: %v\nrequests:\n%s", err, s.log())
	}
	t.Logf("run: %+v", rec)

	base := s.URL
	wantResources := []string{"/reports/a.html", "/reports/b.html", "/reports/1252.html", "/reports/script.html",
		"/files/report.pdf", "/reports/orphan.html", "/reports/deep.html", "/reports/flaky.html"}
	var got []string
	err = storeOf(lib).ScanResources(ctx, 100, false, func(rs []*catalog.Resource) error {
		for _, r := range rs {
			got = append(got, strings.TrimPrefix(r.URL, base))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	slices.Sort(wantResources)
	if !slices.Equal(got, wantResources) {
		t.Fatalf("resources:\n got %v\nwant %v\nrequests:\n%s", got, wantResources, s.log())
	}
	if rec.New != len(wantResources) || rec.Changed != 0 || rec.Error != "" {
		t.Errorf("run counts = %+v", rec)
	}

	// Never fetched: robots.txt Disallow (linked and in the sitemap),
	// beyond max_depth, images by extension, other hosts.
	for _, p := range []string{"/private/secret.html", "/private/listed.html", "/reports/too-deep.html", "/images/logo.png"} {
		if n := s.count(p); n != 0 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
	// Tracking-parameter and fragment duplicates, the redirect and the
	// canonical alias lead to one fetch each.
	if n := s.count("/reports/a.html"); n != 1 {
		t.Errorf("/reports/a.html fetched %d times, want 1\n%s", n, s.log())
	}
	if n := s.count("/reports/b.html"); n != 1 {
		t.Errorf("/reports/b.html fetched %d times, want 1", n)
	}
	if n := s.count("/reports/flaky.html"); n != 2 {
		t.Errorf("/reports/flaky.html fetched %d times, want 2 (one retry after 503)", n)
	}

	// Failures recorded with their reasons; the crawl went on.
	fs, err := storeOf(lib).CrawlFailures(ctx, rec.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, f := range fs {
		reasons[strings.TrimPrefix(f.URL, base)] = f.Reason
	}
	for path, want := range map[string]string{
		"/reports/huge.html":         "too large",
		"/reports/huge-chunked.html": "too large",
		"/reports/missing.html":      "HTTP 404",
		"/reports/slow.html":         "timed out",
		"/files/broken.pdf":          "PDF",
	} {
		if !strings.Contains(reasons[path], want) {
			t.Errorf("failure for %s = %q, want it to mention %q", path, reasons[path], want)
		}
	}
	// Skipped URLs say why too, marked "skipped: ".
	// Every skipped or failed URL is in the history with its reason.
	failed, skipped := 0, 0
	for _, f := range fs {
		switch {
		case strings.HasPrefix(f.Reason, "skipped: "):
			skipped++
		case strings.HasPrefix(f.Reason, "kept without text: "):
		default:
			failed++
		}
		if strings.TrimSpace(strings.TrimPrefix(f.Reason, "skipped: ")) == "" {
			t.Errorf("%s: no reason", f.URL)
		}
	}
	if rec.Failed != failed || skipped == 0 || skipped != rec.Skipped {
		t.Errorf("run says %d failed and %d skipped, history has %d and %d: %v", rec.Failed, rec.Skipped, failed, skipped, reasons)
	}
	for path, want := range map[string]string{
		"/private/secret.html":  "skipped: blocked by robots.txt",
		"/reports/noindex.html": "skipped: noindex (meta robots)",
		"/data/stats.json":      "skipped: not HTML, PDF or an office document (application/json)",
	} {
		if reasons[path] != want {
			t.Errorf("%s: %q, want %q", path, reasons[path], want)
		}
	}

	byURL := func(p string) *catalog.Resource {
		t.Helper()
		r, err := storeOf(lib).ResourceByURL(ctx, base+p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return r
	}

	a := byURL("/reports/a.html")
	if !strings.HasPrefix(a.Title, "Learning from child sexual exploitation in Northgate") || a.Published != "2017-03-21" ||
		a.Publisher != "Fixture Publisher" || a.Type != "report" || a.Source != "crawled" || a.Access != catalog.Public {
		t.Errorf("a.html = %+v", a)
	}
	if !slices.Contains(a.Themes, "neglect") {
		t.Errorf("a.html themes %v lack the source's default theme", a.Themes)
	}
	if !slices.Contains(a.MachineThemes, "child-sexual-exploitation") || slices.Contains(a.MachineThemes, "neglect") {
		t.Errorf("a.html machine themes = %v", a.MachineThemes)
	}
	if !strings.Contains(a.Body, "zebrafinch") {
		t.Errorf("a.html body lacks the main text: %q", a.Body)
	}
	for _, boiler := range []string{"Registered charity", "cookies", "Donate today"} {
		if strings.Contains(a.Body, boiler) {
			t.Errorf("a.html body keeps boilerplate %q: %q", boiler, a.Body)
		}
	}

	b := byURL("/reports/b.html")
	if b.Title != "Domestic abuse and young people" && !strings.HasPrefix(b.Title, "Domestic abuse and young people") {
		t.Errorf("b.html title = %q", b.Title)
	}
	if _, err := storeOf(lib).ResourceByURL(ctx, base+"/old/report-b"); err == nil {
		t.Error("the redirecting URL was stored; the final URL should be")
	}

	w := byURL("/reports/1252.html")
	if !strings.Contains(w.Title, "Café culture and £5 grants") || !strings.Contains(w.Body, "café owners received £5") {
		t.Errorf("windows-1252 page decoded wrongly: title %q body %q", w.Title, w.Body)
	}

	// The title is stored as plain text: extract drops the markup an
	// entity-encoded <script> turns into, and nothing is left encoded.
	// Escaping what is stored is the web's job (its tests render such
	// titles and check they come out escaped).
	sc := byURL("/reports/script.html")
	if !strings.Contains(sc.Title, "Serious case review") || strings.Contains(sc.Title, "<script") ||
		strings.Contains(sc.Title, "&lt;") || strings.Contains(sc.Title, "&amp;") {
		t.Errorf("script title = %q, want plain text without the script", sc.Title)
	}
	if strings.Contains(sc.Body, `alert("x")`) {
		t.Errorf("script body keeps the script: %q", sc.Body)
	}

	pdf := byURL("/files/report.pdf")
	if pdf.Title != "Annual safeguarding report 2017" || len(pdf.Pages) != 3 || !strings.Contains(pdf.Pages[1], "quokka") {
		t.Errorf("pdf = title %q, %d pages: %q", pdf.Title, len(pdf.Pages), pdf.Pages)
	}

	// Searchable at once, and a PDF snippet says which page it is on.
	res, err := lib.Search(ctx, catalog.Anonymous, library.SearchParams{Q: "zebrafinch"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Resource.URL != base+"/reports/a.html" {
		t.Errorf("search zebrafinch: total %d", res.Total)
	}
	res, err = lib.Search(ctx, catalog.Anonymous, library.SearchParams{Q: "quokka"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Page != 2 {
		t.Errorf("search quokka: total %d, hits %+v", res.Total, res.Hits)
	}

	// Recrawl state was kept for conditional requests.
	st, err := storeOf(lib).URLState(ctx, base+"/reports/a.html")
	if err != nil {
		t.Fatal(err)
	}
	if st.BodyHash == "" || st.ResourceURL != base+"/reports/a.html" || st.LastStatus != 200 {
		t.Errorf("state of a.html = %+v", st)
	}
	last, err := storeOf(lib).LastCrawlRun(ctx, "fixture")
	if err != nil || last.ID != rec.ID || last.Running() {
		t.Errorf("crawl history: %+v, %v", last, err)
	}
}

// A second crawl fetches only what changed: 304 for pages with ETags, a
// body hash for the others, and neither costs parsing or re-indexing.
func TestRecrawl(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/robots.txt", "")
	s.html("/", `<a href="/reports/etag.html">e</a> <a href="/reports/plain.html">p</a> <a href="/reports/edit.html">x</a>
<a href="/reports/going.html">g</a> <a href="/files/doc.pdf">pdf</a>`)
	s.set("/reports/etag.html", &page{etag: `"v1"`, body: []byte(reportPage("Report with an ETag", "2017-01-01", "Text of the report about neglect."))})
	s.html("/reports/plain.html", reportPage("Report without validators", "2017-02-01", "Text of another report about neglect."))
	s.html("/reports/edit.html", reportPage("Report that will change", "2017-03-01", "First version of the text about neglect."))
	s.html("/reports/going.html", reportPage("Report that will go", "2017-04-01", "A report its publisher will withdraw."))
	s.set("/files/doc.pdf", &page{etag: `"pdf1"`, contentType: "application/pdf", body: makePDF("A PDF", []string{"Page one text", "Page two text"})})
	lib := newTestLibrary(t)
	c := New(lib, storeOf(lib), testOptions())
	src := fixtureSource(t, s, "")

	first, err := c.Run(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if first.New != 5 {
		t.Fatalf("first run: %+v\n%s", first, s.log())
	}
	versions := map[string]int64{}
	for _, p := range []string{"/reports/etag.html", "/reports/plain.html", "/files/doc.pdf"} {
		r, err := storeOf(lib).ResourceByURL(ctx, s.URL+p)
		if err != nil {
			t.Fatal(err)
		}
		versions[p] = r.Version
	}

	s.resetLog()
	s.html("/reports/edit.html", reportPage("Report that will change", "2017-03-01", "Second version of the text about neglect."))
	s.set("/reports/going.html", &page{status: http.StatusGone, body: []byte("gone")})
	second, err := c.Run(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if second.New != 0 || second.Changed != 1 || second.Unchanged != 3 || second.Failed != 1 || second.Gone != 0 {
		t.Errorf("second run: %+v\n%s", second, s.log())
	}
	log := s.log()
	for _, want := range []string{"GET /reports/etag.html -> 304", "GET /files/doc.pdf -> 304", "GET /reports/plain.html -> 200"} {
		if !strings.Contains(log, want) {
			t.Errorf("second run requests lack %q:\n%s", want, log)
		}
	}
	for p, v := range versions {
		r, err := storeOf(lib).ResourceByURL(ctx, s.URL+p)
		if err != nil {
			t.Fatal(err)
		}
		if r.Version != v {
			t.Errorf("%s was rewritten (version %d -> %d) though unchanged", p, v, r.Version)
		}
	}
	edited, _ := storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/edit.html")
	if !strings.Contains(edited.Body, "Second version") {
		t.Errorf("changed page not updated: %q", edited.Body)
	}
	going, _ := storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/going.html")
	if going.Status != catalog.StatusActive {
		t.Errorf("after one 410 the resource is %s, want still active", going.Status)
	}

	// Unlinked now, but remembered: fetched again, and gone after the
	// second 410 in a row.
	s.html("/", `<a href="/reports/etag.html">e</a> <a href="/reports/plain.html">p</a> <a href="/reports/edit.html">x</a> <a href="/files/doc.pdf">pdf</a>`)
	s.resetLog()
	third, err := c.Run(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if third.Gone != 1 || s.count("/reports/going.html") != 1 {
		t.Errorf("third run: %+v\n%s", third, s.log())
	}
	going, _ = storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/going.html")
	if going.Status != catalog.StatusGone {
		t.Errorf("after two 410s the resource is %s, want gone", going.Status)
	}
	res, err := lib.Search(ctx, catalog.Anonymous, library.SearchParams{Q: "withdraw"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Errorf("a gone resource is still found: %d hits", res.Total)
	}

	// It comes back: active again.
	s.html("/reports/going.html", reportPage("Report that will go", "2017-04-01", "A report its publisher will withdraw."))
	if _, err := c.Run(ctx, src); err != nil {
		t.Fatal(err)
	}
	going, _ = storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/going.html")
	if going.Status != catalog.StatusActive {
		t.Errorf("a gone page that answers again is %s, want active", going.Status)
	}
}

// What a person typed wins over what the crawler extracted.
func TestCrawlKeepsStaffEdits(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/robots.txt", "")
	s.html("/", `<a href="/reports/curated.html">c</a> <a href="/reports/crawled.html">x</a>`)
	s.html("/reports/curated.html", reportPage("Title on the page", "2017-01-01", "Extracted text about information sharing and neglect."))
	s.html("/reports/crawled.html", reportPage("A crawled report", "2017-01-01", "Extracted text about domestic abuse."))
	lib := newTestLibrary(t)
	if _, err := lib.Upsert(ctx, []*catalog.Resource{{
		ID: "curated-one", URL: s.URL + "/reports/curated.html", Title: "Title staff typed", Summary: "Summary staff wrote",
		Type: "briefing", Themes: []string{"early-help"}, Access: catalog.Members, Source: "curated", Published: "2016",
	}}); err != nil {
		t.Fatal(err)
	}
	c := New(lib, storeOf(lib), testOptions())
	src := fixtureSource(t, s, "")
	if _, err := c.Run(ctx, src); err != nil {
		t.Fatal(err)
	}
	r, err := storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/curated.html")
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "curated-one" || r.Title != "Title staff typed" || r.Summary != "Summary staff wrote" || r.Type != "briefing" ||
		!slices.Equal(r.Themes, []string{"early-help"}) || r.Access != catalog.Members || r.Source != "curated" || r.Published != "2016" {
		t.Errorf("curated resource overwritten: %+v", r)
	}
	if !strings.Contains(r.Body, "Extracted text about information sharing") {
		t.Errorf("curated resource did not get the page text: %q", r.Body)
	}

	// Staff confirm a machine theme and restrict a crawled resource; a
	// changed page keeps both.
	cr, err := storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/crawled.html")
	if err != nil {
		t.Fatal(err)
	}
	cr.Themes = append(cr.Themes, "sport")
	cr.Access = catalog.Members
	if err := storeOf(lib).UpdateResource(ctx, cr); err != nil {
		t.Fatal(err)
	}
	s.html("/reports/crawled.html", reportPage("A crawled report, revised", "2017-01-01", "Revised text about domestic abuse."))
	if _, err := c.Run(ctx, src); err != nil {
		t.Fatal(err)
	}
	cr, _ = storeOf(lib).ResourceByURL(ctx, s.URL+"/reports/crawled.html")
	if !strings.HasPrefix(cr.Title, "A crawled report, revised") || !slices.Contains(cr.Themes, "sport") || cr.Access != catalog.Members {
		t.Errorf("crawled resource after staff edit and recrawl: %+v", cr)
	}
}

// Without AllowPrivate, loopback is refused with a clear reason and
// nothing is fetched.
func TestCrawlRefusesPrivateAddresses(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/", `<a href="/reports/a.html">a</a>`)
	lib := newTestLibrary(t)
	opt := testOptions()
	opt.AllowPrivate = false
	c := New(lib, storeOf(lib), opt)
	rec, err := c.Run(ctx, fixtureSource(t, s, ""))
	if !errors.Is(err, ErrCouldNotRun) {
		t.Fatalf("Run = %v, want ErrCouldNotRun", err)
	}
	if !strings.Contains(rec.Error, "private, loopback or link-local") {
		t.Errorf("run error = %q", rec.Error)
	}
	fs, err := storeOf(lib).CrawlFailures(ctx, rec.ID, 0)
	if err != nil || len(fs) == 0 || !strings.Contains(fs[0].Reason, "refused: 127.0.0.1") {
		t.Errorf("failures = %+v, %v", fs, err)
	}
	if n := s.count("/"); n != 0 || s.count("/robots.txt") != 0 {
		t.Errorf("the site was reached: %s", s.log())
	}

	// The single-URL fetcher refuses too, also behind a redirect from an
	// allowed address (here: any address, since the check is at dial).
	f := NewFetcher(opt)
	_, _, err = f.Fetch(ctx, s.URL+"/")
	var fe *FetchError
	if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "private, loopback or link-local") {
		t.Errorf("Fetch = %v", err)
	}
}

// Each refusal names its reason.
func TestRefusalReasons(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"127.0.0.1:80", "private, loopback or link-local"},
		{"169.254.169.254:80", "private, loopback or link-local"},
		{"10.1.2.3:443", "private, loopback or link-local"},
		{"[::1]:443", "private, loopback or link-local"},
		{"[::ffff:127.0.0.1]:443", "private, loopback or link-local"},
		{"93.184.215.14:8080", "only ports 80 and 443"},
	} {
		tr := newTransport(false, 2)
		client := &http.Client{Transport: tr, Timeout: time.Second}
		_, err := client.Get("http://" + tt.addr + "/")
		if err == nil || !strings.Contains(refusal(err), tt.want) {
			t.Errorf("%s: err %v, refusal %q; want %q", tt.addr, err, refusal(err), tt.want)
		}
	}
}

// Redirects are checked again, at dial time: an allowed server that
// redirects to a refused address gets no further. (Here the guard allows
// loopback on the first server's port only, standing in for a public
// server redirecting to an internal one.)
func TestRedirectRechecked(t *testing.T) {
	inside := newSite(t)
	inside.html("/secret", "internal")
	outside := newSite(t)
	outside.set("/go", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inside.URL+"/secret", http.StatusFound)
	}})
	_, port, _ := net.SplitHostPort(outside.Listener.Addr().String())
	p, _ := strconv.Atoi(port)
	g := ssrf.New(ssrf.WithAllowedV4Prefixes(netip.MustParsePrefix("127.0.0.0/8")), ssrf.WithPorts(uint16(p)))
	d := &net.Dialer{Control: safeControl(g)}
	client := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, CheckRedirect: checkRedirect}
	resp, err := client.Get(outside.URL + "/go")
	if err == nil {
		resp.Body.Close()
		t.Fatal("the redirect reached the refused address")
	}
	if !strings.Contains(refusal(err), "refused") || inside.count("/secret") != 0 || outside.count("/go") != 1 {
		t.Fatalf("err %v (refusal %q); inside hit %d times", err, refusal(err), inside.count("/secret"))
	}
}

func TestCrawlDelayFromRobots(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.set("/robots.txt", &page{contentType: "text/plain", body: []byte("User-agent: safelib\nCrawl-delay: 0.3\n")})
	var mu sync.Mutex
	var times []time.Time
	stamp := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(body))
		}
	}
	s.set("/", &page{handler: stamp(`<a href="/reports/1.html">1</a><a href="/reports/2.html">2</a>`)})
	s.set("/reports/1.html", &page{handler: stamp(reportPage("One", "2017-01-01", "First report text about neglect."))})
	s.set("/reports/2.html", &page{handler: stamp(reportPage("Two", "2017-01-01", "Second report text about neglect."))})
	lib := newTestLibrary(t)
	c := New(lib, storeOf(lib), testOptions())
	if _, err := c.Run(ctx, fixtureSource(t, s, "")); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 3 {
		t.Fatalf("%d requests", len(times))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 250*time.Millisecond {
			t.Errorf("requests %d and %d only %v apart; Crawl-delay is 0.3s", i-1, i, gap)
		}
	}
}

func TestCrawlNoFollow(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/robots.txt", "")
	s.html("/", `<a href="/hub-meta">1</a><a href="/hub-header">2</a>`)
	s.html("/hub-meta", `<html><head><meta name="robots" content="noindex, nofollow"></head><body><a href="/reports/x.html">x</a></body></html>`)
	s.set("/hub-header", &page{header: map[string]string{"X-Robots-Tag": "nofollow"}, body: []byte(`<a href="/reports/y.html">y</a>`)})
	s.html("/reports/x.html", reportPage("X", "2017-01-01", "Never reached."))
	s.html("/reports/y.html", reportPage("Y", "2017-01-01", "Never reached."))
	lib := newTestLibrary(t)
	if _, err := New(lib, storeOf(lib), testOptions()).Run(ctx, fixtureSource(t, s, "")); err != nil {
		t.Fatal(err)
	}
	if s.count("/reports/x.html")+s.count("/reports/y.html") != 0 {
		t.Errorf("nofollow ignored:\n%s", s.log())
	}
}

func TestCrawlInterrupted(t *testing.T) {
	s := newSite(t)
	s.html("/robots.txt", "")
	started := make(chan struct{})
	var once sync.Once
	s.set("/", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		<-r.Context().Done()
	}})
	lib := newTestLibrary(t)
	opt := testOptions()
	opt.Timeout = time.Minute
	c := New(lib, storeOf(lib), opt)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	rec, err := c.Run(ctx, fixtureSource(t, s, ""))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	if rec.Running() || rec.Error != "interrupted" {
		t.Errorf("run record = %+v", rec)
	}
}

func TestFetch(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.set("/go", &page{handler: func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/reports/a.html?utm_source=x", http.StatusFound)
	}})
	s.html("/reports/a.html", reportPage("Fetched report", "2018-02-03", "Text of the fetched report on neglect."))
	s.set("/x.pdf", &page{contentType: "application/pdf", body: makePDF("One page", []string{"Hello"})})
	s.set("/noindex", &page{header: map[string]string{"X-Robots-Tag": "noindex"}, body: []byte(reportPage("N", "2018", "Text."))})
	s.set("/img", &page{contentType: "image/png", body: []byte("x")})
	f := NewFetcher(testOptions())
	p, final, err := f.Fetch(ctx, s.URL+"/go#x")
	if err != nil {
		t.Fatal(err)
	}
	if final != s.URL+"/reports/a.html" || !strings.HasPrefix(p.Title, "Fetched report") || p.Published != "2018-02-03" {
		t.Errorf("Fetch = %q, %+v", final, p)
	}
	p, _, err = f.Fetch(ctx, s.URL+"/x.pdf")
	if err != nil || p.PageCount != 1 || p.ContentType != "pdf" {
		t.Errorf("Fetch pdf = %+v, %v", p, err)
	}
	p, _, err = f.Fetch(ctx, s.URL+"/noindex")
	if err != nil || !p.NoIndex {
		t.Errorf("Fetch noindex = %+v, %v", p, err)
	}
	var fe *FetchError
	if _, _, err := f.Fetch(ctx, s.URL+"/missing"); !errors.As(err, &fe) || fe.Status != 404 {
		t.Errorf("Fetch missing = %v", err)
	}
	if _, _, err := f.Fetch(ctx, s.URL+"/img"); !errors.As(err, &fe) || !strings.Contains(fe.Reason, "not HTML, PDF or an office document") {
		t.Errorf("Fetch image = %v", err)
	}
	if _, _, err := f.Fetch(ctx, "ftp://example.org/"); !errors.Is(err, ErrBadURL) {
		t.Errorf("Fetch ftp = %v", err)
	}
}

func TestScheduler(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/robots.txt", "")
	s.html("/", `<a href="/reports/a.html">a</a>`)
	s.html("/reports/a.html", reportPage("Scheduled", "2017-01-01", "Text about neglect."))
	lib := newTestLibrary(t)
	c := New(lib, storeOf(lib), testOptions())
	src := fixtureSource(t, s, "    schedule: 24h\n")
	sched := NewScheduler(c, &Sources{Sources: []*Source{src}}, nil)
	now := time.Now()
	sched.now = func() time.Time { return now }

	sched.RunDue(ctx)
	runs, err := storeOf(lib).CrawlRuns(ctx, "fixture", 10)
	if err != nil || len(runs) != 1 {
		t.Fatalf("after first RunDue: %d runs, %v", len(runs), err)
	}
	sched.RunDue(ctx)
	if runs, _ = storeOf(lib).CrawlRuns(ctx, "fixture", 10); len(runs) != 1 {
		t.Fatalf("not due yet, but ran: %d runs", len(runs))
	}
	now = now.Add(25 * time.Hour)
	sched.RunDue(ctx)
	if runs, _ = storeOf(lib).CrawlRuns(ctx, "fixture", 10); len(runs) != 2 {
		t.Fatalf("due after 25h, but %d runs", len(runs))
	}

	// Run closes stale runs, and returns when its context ends.
	stale, err := storeOf(lib).StartCrawlRun(ctx, "fixture")
	if err != nil {
		t.Fatal(err)
	}
	sched.Initial, sched.Interval = time.Hour, time.Hour
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- sched.Run(rctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got, err := storeOf(lib).CrawlRun(ctx, stale.ID)
	if err != nil || got.Error != "interrupted" {
		t.Errorf("stale run = %+v, %v", got, err)
	}
}

var _ = catalog.ErrNotFound
