package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/crawl"
	"safelib/internal/library"
)

// fixturePage is a publisher's page on loopback, for add-a-link.
const fixturePage = `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Child exploitation practice guide</title>
<meta name="description" content="How partners spot and respond to child criminal exploitation and county lines.">
<meta property="article:published_time" content="2025-06-12">
</head><body><main><article><h1>Child exploitation practice guide</h1>
<p>County lines and child criminal exploitation put children at risk of serious harm. This guide sets out how
partners share information, assess risk and plan together, with examples from three local partnerships.</p>
<p>The quokkaflorin method described here helps practitioners record contextual safeguarding concerns.</p>
</article></main></body></html>`

// publisherSite serves fixturePage at /guide, a 404 at /gone, and
// answers HEAD and GET at /ok.
func publisherSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/guide", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, fixturePage)
	})
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// fetcherOptions are crawl options for loopback fixtures.
func fetcherOptions(allowPrivate bool) crawl.Options {
	return crawl.Options{UserAgent: crawl.UserAgent("http://safelib.test"), AllowPrivate: allowPrivate, Timeout: 5 * time.Second}
}

// staffSession signs staff in and returns how to present the session and
// its CSRF token.
func (e *authEnv) staffSession(t *testing.T, email string) (as, string) {
	t.Helper()
	tok := e.session(t, email)
	return withSession(tok), csrfToken(tok)
}

func location(w *httptest.ResponseRecorder) string { return w.Header().Get("Location") }

func TestStaffAreaByRole(t *testing.T) {
	e := newAuthEnv(t)
	if w := e.getAs(t, anonymous, "/staff"); w.Code != http.StatusSeeOther || !strings.HasPrefix(location(w), "/login") {
		t.Fatalf("anonymous: %d %s", w.Code, location(w))
	}
	if w := e.getAs(t, withSession(e.session(t, memberEmail)), "/staff"); w.Code != http.StatusForbidden {
		t.Fatalf("member: %d", w.Code)
	}
	for _, email := range []string{staffEmail, adminEmail} {
		w := e.getAs(t, withSession(e.session(t, email)), "/staff")
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, "Active resources by source") ||
			!strings.Contains(body, "Themes awaiting confirmation") || !strings.Contains(body, "Broken links") ||
			!strings.Contains(body, "Crawl history") || !strings.Contains(body, "Recent changes") {
			t.Fatalf("%s: %d\n%s", email, w.Code, body)
		}
	}
	// A form without the CSRF token is refused.
	w := e.postForm(t, withSession(e.session(t, staffEmail)), "/staff/add", url.Values{"url": {"https://example.org/x"}})
	if w.Code != http.StatusForbidden {
		t.Fatalf("no csrf: %d", w.Code)
	}
}

func TestStaffAddLink(t *testing.T) {
	e := newAuthEnv(t)
	site := publisherSite(t)
	who, csrf := e.staffSession(t, staffEmail)

	// Without --allow-private the fetch is refused, saying why, beside
	// the field.
	e.lib.SetFetcher(crawl.NewFetcher(fetcherOptions(false)).ForLibrary())
	w := e.postForm(t, who, "/staff/add", url.Values{"csrf_token": {csrf}, "url": {site.URL + "/guide"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="error-url"`) ||
		!strings.Contains(w.Body.String(), "private, loopback or link-local") {
		t.Fatalf("refused fetch: %d\n%s", w.Code, w.Body.String())
	}

	e.lib.SetFetcher(crawl.NewFetcher(fetcherOptions(true)).ForLibrary())
	w = e.postForm(t, who, "/staff/add", url.Values{"csrf_token": {csrf}, "url": {site.URL + "/guide?utm_source=email"}})
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, `value="Child exploitation practice guide`) ||
		!strings.Contains(body, `value="2025-06-12"`) || !strings.Contains(body, "suggested</span>") {
		t.Fatalf("draft: %d\n%s", w.Code, body)
	}
	token := regexpFind(t, body, `name="token" value="([^"]+)"`)
	// Not in the library until saved.
	if res := e.searchAPI(t, "quokkaflorin"); res.Total != 0 {
		t.Fatalf("draft searchable: %d", res.Total)
	}
	form := url.Values{"csrf_token": {csrf}, "token": {token}, "url": {site.URL + "/guide"},
		"title": {"Child exploitation: a practice guide"}, "type": {"guidance"}, "publisher": {"Fixture Partnership"},
		"published": {"2025-06-12"}, "access": {"public"}, "themes": {"criminal-exploitation"},
		"area": {"Exampleshire"}, "region": {"North West"}}
	// A mistake is shown beside its field and the draft is kept.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("published", "12/06/2025")
	w = e.postForm(t, who, "/staff/add/save", bad)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="error-published"`) {
		t.Fatalf("bad date: %d\n%s", w.Code, w.Body.String())
	}
	w = e.postForm(t, who, "/staff/add/save", form)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(location(w), "/staff/resources/") {
		t.Fatalf("save: %d %s\n%s", w.Code, location(w), w.Body.String())
	}
	id := strings.TrimPrefix(location(w), "/staff/resources/")
	// Searchable at once, with the page's text.
	if res := e.searchAPI(t, "quokkaflorin"); res.Total != 1 || res.Hits[0]["id"] != id {
		t.Fatalf("after save: %+v", res)
	}
	res, err := e.lib.Search(context.Background(), catalog.Anonymous, library.SearchParams{
		Filters: library.Selections{"area": {"Exampleshire"}, "region": {"North West"}}})
	if err != nil || res.Total == 0 {
		t.Fatalf("area filter: %v %v", res, err)
	}
	// The same link again opens the existing item.
	w = e.postForm(t, who, "/staff/add", url.Values{"csrf_token": {csrf}, "url": {site.URL + "/guide#top"}})
	if w.Code != http.StatusSeeOther || location(w) != "/staff/resources/"+id {
		t.Fatalf("again: %d %s", w.Code, location(w))
	}
	// Scripts: POST /api/v1/resources with only a url.
	tok := e.token(t, staffEmail)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/resources", strings.NewReader(`{"url":"`+site.URL+`/guide"}`))
	req.Header.Set("Content-Type", "application/json")
	withBearer(tok)(req)
	w = e.do(t, req)
	if w.Code != http.StatusSeeOther || location(w) != "/api/v1/resources/"+id {
		t.Fatalf("api url-only existing: %d %s %s", w.Code, location(w), w.Body.String())
	}
}

func regexpFind(t *testing.T, body, re string) string {
	t.Helper()
	m := mustRegexp(re).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s", re)
	}
	return html.UnescapeString(m[1])
}

func (e *authEnv) searchAPI(t *testing.T, q string) searchJSON {
	t.Helper()
	w := e.getAs(t, anonymous, "/api/v1/search?q="+url.QueryEscape(q))
	var res searchJSON
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestStaffEditConflict(t *testing.T) {
	e := newAuthEnv(t)
	a, csrfA := e.staffSession(t, staffEmail)
	b, csrfB := e.staffSession(t, adminEmail)
	page := e.getAs(t, a, "/staff/resources/"+pdfID)
	if page.Code != http.StatusOK {
		t.Fatalf("edit page: %d", page.Code)
	}
	version := regexpFind(t, page.Body.String(), `name="version" value="(\d+)"`)
	cur, _ := e.lib.ForEdit(context.Background(), catalog.System, pdfID)
	form := func(csrf, title, region string) url.Values {
		v := url.Values{"csrf_token": {csrf}, "version": {version}, "title": {title}, "url": {cur.URL},
			"publisher": {cur.Publisher}, "type": {cur.Type}, "published": {string(cur.Published)},
			"summary": {cur.Summary}, "access": {string(cur.Access)}, "area": {cur.Area}, "region": {region}}
		for _, th := range cur.Themes {
			v.Add("themes", th)
		}
		return v
	}
	// Both opened the same version; the first save wins...
	w := e.postForm(t, a, "/staff/resources/"+pdfID, form(csrfA, "Neglect review, first edit", cur.Region))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", w.Code, w.Body.String())
	}
	// ... the second is told, shown the difference, and keeps what it typed.
	w = e.postForm(t, b, "/staff/resources/"+pdfID, form(csrfB, "Neglect review, second edit", "Yorkshire and the Humber"))
	body := w.Body.String()
	if w.Code != http.StatusConflict || !strings.Contains(body, `id="conflict-diff"`) ||
		!strings.Contains(body, "<del>Neglect review, first edit</del>") ||
		!strings.Contains(body, "<ins>Neglect review, second edit</ins>") ||
		!strings.Contains(body, `value="Neglect review, second edit"`) || !strings.Contains(body, staffEmail) {
		t.Fatalf("conflict: %d\n%s", w.Code, body)
	}
	if got, _ := e.lib.ForEdit(context.Background(), catalog.System, pdfID); got.Title != "Neglect review, first edit" {
		t.Fatalf("the second edit was written: %q", got.Title)
	}
	// Saving again from the conflict page (which carries the new version).
	version = regexpFind(t, body, `name="version" value="(\d+)"`)
	w = e.postForm(t, b, "/staff/resources/"+pdfID, form(csrfB, "Neglect review, second edit", "Yorkshire and the Humber"))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save again: %d\n%s", w.Code, w.Body.String())
	}
	// Validation messages beside the fields.
	version = regexpFind(t, e.getAs(t, a, "/staff/resources/"+pdfID).Body.String(), `name="version" value="(\d+)"`)
	bad := form(csrfA, "", cur.Region)
	bad.Set("published", "2022-13")
	w = e.postForm(t, a, "/staff/resources/"+pdfID, bad)
	body = w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="error-title"`) ||
		!strings.Contains(body, `id="error-published"`) || !strings.Contains(body, `aria-invalid="true"`) {
		t.Fatalf("invalid: %d\n%s", w.Code, body)
	}
	// The history shows who changed what, before and after.
	body = e.getAs(t, a, "/staff/resources/"+pdfID).Body.String()
	if !strings.Contains(body, `id="history"`) || !strings.Contains(body, adminEmail) ||
		!strings.Contains(body, "“Neglect review, first edit” → “Neglect review, second edit”") {
		t.Fatalf("history:\n%s", body)
	}
}

func TestStaffWithdrawRestore(t *testing.T) {
	e := newAuthEnv(t)
	who, csrf := e.staffSession(t, staffEmail)
	cur, _ := e.lib.ForEdit(context.Background(), catalog.System, xssID)
	v := fmt.Sprint(cur.Version)
	w := e.postForm(t, who, "/staff/resources/"+xssID+"/withdraw", url.Values{"csrf_token": {csrf}, "version": {v},
		"reason": {"duplicate"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("withdraw: %d\n%s", w.Code, w.Body.String())
	}
	if w := e.getAs(t, anonymous, "/resources/"+xssID); w.Code != http.StatusNotFound {
		t.Fatalf("withdrawn page for anonymous: %d", w.Code)
	}
	if res := e.searchAPI(t, "escapade"); res.Total != 0 {
		t.Fatalf("withdrawn still found: %d", res.Total)
	}
	body := e.getAs(t, who, "/staff/resources/"+xssID).Body.String()
	if !strings.Contains(body, "badge-withdrawn") || !strings.Contains(body, `id="restore-form"`) || !strings.Contains(body, "duplicate") {
		t.Fatalf("edit page of a withdrawn item:\n%s", body)
	}
	if !strings.Contains(e.getAs(t, who, "/staff").Body.String(), "/staff/resources/"+xssID) {
		t.Fatal("withdrawn item not listed on the dashboard")
	}
	w = e.postForm(t, who, "/staff/resources/"+xssID+"/restore", url.Values{"csrf_token": {csrf},
		"version": {fmt.Sprint(cur.Version + 1)}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("restore: %d\n%s", w.Code, w.Body.String())
	}
	if res := e.searchAPI(t, "escapade"); res.Total != 1 {
		t.Fatalf("restored not found: %d", res.Total)
	}
}

func TestStaffConfirmThemes(t *testing.T) {
	e := newAuthEnv(t)
	ctx := context.Background()
	if _, err := e.lib.SaveCrawled(ctx, []*catalog.Resource{{URL: "https://example.org/tagged", Title: "Tagged",
		Type: "report", MachineThemes: []string{"neglect", "early-help"}}}); err != nil {
		t.Fatal(err)
	}
	r, err := e.lib.FindLink(ctx, catalog.System, "https://example.org/tagged")
	if err != nil || r == nil {
		t.Fatal(err)
	}
	who, csrf := e.staffSession(t, staffEmail)
	if body := e.getAs(t, who, "/staff").Body.String(); !strings.Contains(body, "/staff/resources/"+r.ID+"#suggested") {
		t.Fatal("not listed as awaiting confirmation")
	}
	w := e.postForm(t, who, "/staff/resources/"+r.ID+"/themes", url.Values{"csrf_token": {csrf},
		"version": {fmt.Sprint(r.Version)}, "theme-neglect": {"confirm"}, "theme-early-help": {"reject"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", w.Code, w.Body.String())
	}
	got, _ := e.lib.ForEdit(ctx, catalog.System, r.ID)
	if strings.Join(got.Themes, ",") != "neglect" || len(got.MachineThemes) != 0 {
		t.Fatalf("themes %v machine %v", got.Themes, got.MachineThemes)
	}
}

// TestStaffDashboardStaleListings: a listing nobody verified for a year
// is flagged on the dashboard with its date and a link to edit it; one
// verified today is not.
func TestStaffDashboardStaleListings(t *testing.T) {
	e := newAuthEnv(t)
	ctx := context.Background()
	listing := func(id, title, verified string) *catalog.Resource {
		return &catalog.Resource{ID: id, Title: title, Publisher: title + " Association", Type: library.ListingType,
			URL: "https://example.org/" + id, Themes: []string{library.SportTheme}, Sport: "archery",
			LastVerified: catalog.Date(verified), Access: catalog.Public, Source: "curated"}
	}
	if _, err := e.lib.Upsert(ctx, []*catalog.Resource{
		listing("stale-archery-contact", "Stale archery contact", "2020-01"),
		listing("fresh-archery-contact", "Fresh archery contact", time.Now().Format("2006-01-02")),
	}); err != nil {
		t.Fatal(err)
	}
	stale, err := e.lib.StaleListings(ctx, catalog.Reader{UserID: 1, Role: "staff", Members: true}, library.StaleAfter)
	if err != nil {
		t.Fatal(err)
	}
	who, _ := e.staffSession(t, staffEmail)
	body := e.getAs(t, who, "/staff").Body.String()
	start := strings.Index(body, `<h2 id="stale-heading">`)
	if start < 0 {
		t.Fatalf("no stale contacts section\n%s", body)
	}
	section := body[start:]
	section = section[:strings.Index(section, "</section>")]
	mustContain(t, section, fmt.Sprintf("Contacts not verified for a year (%d)", len(stale)))
	mustContain(t, section, `<td>Stale archery contact Association</td><td><a href="/staff/resources/stale-archery-contact">Stale archery contact</a></td><td><time datetime="2020-01">January 2020</time></td>`)
	// The seed listings were never verified.
	mustContain(t, section, `<a href="/staff/resources/lta-tennis-safeguarding">`)
	mustContain(t, section, "<td>never</td>")
	mustNotContain(t, section, "Fresh archery contact")
	if n := strings.Count(section, "<tr>") - 1; n != len(stale) { // less the header row
		t.Errorf("%d rows, want %d", n, len(stale))
	}
}

// multipartForm builds a multipart body with fields and one file.
func multipartForm(t *testing.T, fields map[string]string, name string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestStaffImportUpload(t *testing.T) {
	e := newAuthEnv(t)
	tok := e.session(t, staffEmail)
	upload := func(content []byte, dry bool) *httptest.ResponseRecorder {
		fields := map[string]string{"csrf_token": csrfToken(tok)}
		if dry {
			fields["dry_run"] = "1"
		}
		body, ct := multipartForm(t, fields, "policies.jsonl", content)
		req := httptest.NewRequest(http.MethodPost, "/staff/import", body)
		req.Header.Set("Content-Type", ct)
		withSession(tok)(req)
		return e.do(t, req)
	}
	// Larger than a normal form, to pass the form size limit.
	long := strings.Repeat("Local arrangements for neglect. ", 4000)
	in := `{"title":"Northshire neglect policy","type":"local-policy","url":"https://example.org/ns/neglect","area":"Northshire","region":"North East","themes":["neglect"],"last_reviewed":"2025-01","body":"` + long + `"}
{"title":"","type":"local-policy"}
not json
{"title":"Southshire neglect policy","type":"local-policy","url":"https://example.org/ss/neglect","area":"Southshire","region":"South East","themes":["gardening"]}
{"title":"Westshire neglect policy","type":"local-policy","url":"https://example.org/ws/neglect","area":"Westshire","region":"South West"}
`
	w := upload([]byte(in), true)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "nothing was written") || !strings.Contains(body, "<td>2</td>") ||
		!strings.Contains(body, "<td>3</td>") || !strings.Contains(body, "<td>4</td>") {
		t.Fatalf("dry run: %d\n%s", w.Code, body)
	}
	if res := e.searchAPI(t, "Westshire"); res.Total != 0 {
		t.Fatal("dry run wrote")
	}
	w = upload([]byte(in), false)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "2 new, 0 updated, 0 unchanged, 3 rejected") {
		t.Fatalf("import: %d\n%s", w.Code, w.Body.String())
	}
	if res := e.searchAPI(t, "Westshire"); res.Total != 1 {
		t.Fatalf("imported not searchable: %d", res.Total)
	}
	w = upload([]byte(in), false)
	if !strings.Contains(w.Body.String(), "0 new, 0 updated, 2 unchanged, 3 rejected") {
		t.Fatalf("re-import:\n%s", w.Body.String())
	}
	// Export, as a download.
	w = e.getAs(t, withSession(tok), "/staff/export?format=csv")
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Disposition"), "attachment") ||
		!strings.Contains(w.Body.String(), "Westshire neglect policy") {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	if w := e.getAs(t, withSession(e.session(t, memberEmail)), "/staff/export?format=csv"); w.Code != http.StatusForbidden {
		t.Fatalf("member export: %d", w.Code)
	}
}

func TestCurationAPI(t *testing.T) {
	e := newAuthEnv(t)
	staffTok := e.token(t, staffEmail)
	memberTok := e.token(t, memberEmail)
	send := func(method, target, body string, who as, hdr map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, target, r)
		if body != "" {
			req.Header.Set("Content-Type", "application/merge-patch+json")
		}
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		who(req)
		return e.do(t, req)
	}
	target := "/api/v1/resources/" + pdfID
	w := send(http.MethodGet, target, "", withBearer(staffTok), nil)
	var got map[string]any
	json.Unmarshal(w.Body.Bytes(), &got)
	ver, _ := got["version"].(float64)
	if w.Code != 200 || ver < 1 || got["status"] != "active" {
		t.Fatalf("staff GET: %d %v", w.Code, got)
	}
	etagV := fmt.Sprintf(`"%d"`, int(ver))
	if w := send(http.MethodPatch, target, `{"title":"x"}`, anonymous, nil); w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", w.Code)
	}
	if w := send(http.MethodPatch, target, `{"title":"x"}`, withBearer(memberTok), nil); w.Code != http.StatusForbidden {
		t.Fatalf("member: %d", w.Code)
	}
	if w := send(http.MethodPatch, target, `{"title":"x"}`, withBearer(staffTok), nil); w.Code != http.StatusPreconditionRequired {
		t.Fatalf("no version: %d", w.Code)
	}
	if w := send(http.MethodPatch, target, `{"titel":"x","version":1}`, withBearer(staffTok), nil); w.Code != 400 ||
		!strings.Contains(w.Body.String(), "titel") {
		t.Fatalf("unknown field: %d %s", w.Code, w.Body.String())
	}
	for _, m := range []string{http.MethodPatch, http.MethodDelete, http.MethodPost} {
		path := target
		if m == http.MethodPost {
			path += "/restore"
		}
		if w := send(m, path, `{"title":"x"}`, withBearer(staffTok), map[string]string{"If-Match": `"three"`}); w.Code != 400 ||
			!strings.Contains(w.Body.String(), "If-Match must carry") {
			t.Fatalf("%s with an unreadable If-Match: %d %s", m, w.Code, w.Body.String())
		}
	}
	w = send(http.MethodPatch, target, `{"published":"2022-13","area":null}`, withBearer(staffTok), map[string]string{"If-Match": etagV})
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"published"`) {
		t.Fatalf("invalid: %d %s", w.Code, w.Body.String())
	}
	w = send(http.MethodPatch, target, `{"title":"Patched title","themes":["neglect","early-help"],"area":null}`,
		withBearer(staffTok), map[string]string{"If-Match": etagV})
	if w.Code != 200 {
		t.Fatalf("patch: %d %s", w.Code, w.Body.String())
	}
	json.Unmarshal(w.Body.Bytes(), &got)
	if got["title"] != "Patched title" || got["area"] != "" || got["version"].(float64) != ver+1 {
		t.Fatalf("patched: %v", got)
	}
	// The same stale version again: 409 with the differences.
	w = send(http.MethodPatch, target, `{"title":"Stale title"}`, withBearer(staffTok), map[string]string{"If-Match": etagV})
	var prob struct {
		Status         int                 `json:"status"`
		CurrentVersion int64               `json:"current_version"`
		Differences    []library.FieldDiff `json:"differences"`
	}
	json.Unmarshal(w.Body.Bytes(), &prob)
	if w.Code != http.StatusConflict || w.Header().Get("Content-Type") != "application/problem+json" ||
		len(prob.Differences) != 1 || prob.Differences[0].Before != "Patched title" || prob.Differences[0].After != "Stale title" {
		t.Fatalf("conflict: %d %s", w.Code, w.Body.String())
	}
	// Withdraw (204), hidden; restore.
	if w := send(http.MethodDelete, target+"?reason=superseded", "", withBearer(staffTok), nil); w.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", w.Code, w.Body.String())
	}
	if w := send(http.MethodGet, target, "", anonymous, nil); w.Code != http.StatusNotFound {
		t.Fatalf("withdrawn GET: %d", w.Code)
	}
	if w := send(http.MethodDelete, target, "", withBearer(memberTok), nil); w.Code != http.StatusForbidden {
		t.Fatalf("member delete: %d", w.Code)
	}
	if w := send(http.MethodPost, target+"/restore", "", withBearer(staffTok), nil); w.Code != 200 {
		t.Fatalf("restore: %d %s", w.Code, w.Body.String())
	}
	if w := send(http.MethodGet, target, "", anonymous, nil); w.Code != 200 {
		t.Fatalf("restored GET: %d", w.Code)
	}
	hist, _ := e.lib.History(context.Background(), catalog.System, pdfID, 10)
	if len(hist) != 3 || hist[1].Details["reason"] != "superseded" || hist[2].Details["title.after"] != "Patched title" {
		t.Fatalf("audit: %+v", hist)
	}
}

func TestResourcePageCuration(t *testing.T) {
	e := newAuthEnv(t)
	ctx := context.Background()
	site := publisherSite(t)
	// A document re-published under the same link, now broken.
	first := &catalog.Resource{URL: site.URL + "/gone", Title: "Safeguarding update V2 01/03/2016", Type: "presentation",
		Published: "2016-03-01", Body: "Version two slides about neglect."}
	if _, err := e.lib.SaveCrawled(ctx, []*catalog.Resource{first}); err != nil {
		t.Fatal(err)
	}
	second := &catalog.Resource{URL: site.URL + "/gone", Title: "Safeguarding update V3 17/11/2016", Type: "presentation",
		Published: "2016-11-17", Body: "Version three slides about neglect and exploitation, revised."}
	out, err := e.lib.SaveCrawled(ctx, []*catalog.Resource{second})
	if err != nil {
		t.Fatal(err)
	}
	id := out[0].ID
	opt := crawl.LinkCheckOptions{Client: crawl.LinkClient(fetcherOptions(true)), Describe: crawl.Describe, Delay: -1,
		Timeout: 2 * time.Second}
	for range 2 {
		if _, err := crawl.CheckLinks(ctx, e.st, catalog.System, opt); err != nil {
			t.Fatal(err)
		}
	}
	body := e.getAs(t, anonymous, "/resources/"+id).Body.String()
	if !strings.Contains(body, `id="link-broken"`) || !strings.Contains(body, "HTTP 404") ||
		!strings.Contains(body, `id="versions-heading"`) || !strings.Contains(body, "Safeguarding update V2 01/03/2016") ||
		!strings.Contains(body, "1 March 2016") || strings.Contains(body, "Edit this item") {
		t.Fatalf("resource page:\n%s", body)
	}
	vlink := regexpFind(t, body, `href="(/resources/[^"]+/versions/\d+)"`)
	w := e.getAs(t, anonymous, vlink)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Version two slides") {
		t.Fatalf("version page: %d\n%s", w.Code, w.Body.String())
	}
	if !strings.Contains(e.getAs(t, withSession(e.session(t, staffEmail)), "/resources/"+id).Body.String(), "Edit this item") {
		t.Fatal("no edit link for staff")
	}
	// Broken links are listed for staff with the last good date.
	body = e.getAs(t, withSession(e.session(t, staffEmail)), "/staff/broken").Body.String()
	if !strings.Contains(body, site.URL+"/gone") || !strings.Contains(body, "never seen working") {
		t.Fatalf("broken list:\n%s", body)
	}
	// Members-only items show no versions' links to readers who can't read them.
	if w := e.getAs(t, anonymous, "/resources/"+membersID+"/versions/1"); w.Code != http.StatusNotFound {
		t.Fatalf("members-only version: %d", w.Code)
	}
}

func mustRegexp(re string) *regexp.Regexp { return regexp.MustCompile(re) }
