package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// TestBrowserStaffUpload: staff upload a document with the staff area's
// form (a plain multipart form, no script needed), are told clearly when
// the file is wrong, upload a new version from the edit page, and readers
// see every version on the item's page; every page passes axe.
func TestBrowserStaffUpload(t *testing.T) {
	b := newBrowser(t, 120*time.Second)
	ctx := context.Background()
	if _, err := b.env.srv.auth.AddUser(ctx, auth.System, auth.NewUser{Email: staffEmail, Role: catalog.RoleStaff,
		Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	b.env.lib.SetFilesDir(t.TempDir())
	// The browser uploads files from disk: the fixtures, and a PDF renamed.
	dir := t.TempDir()
	put := func(name string, body []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	liar := put("report.docx", docFixture(t, "briefing.pdf"))
	policy := put("Northshire policy.docx", docFixture(t, "policy.docx"))
	deck := put("briefing.pptx", docFixture(t, "briefing.pptx"))

	do := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(b.ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	submit := func(sel string) int64 {
		t.Helper()
		resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("click %s: %v", sel, err)
		}
		return resp.Status
	}

	b.open("/login?next=/staff")
	do(chromedp.SendKeys(chromedp.CSS("#email"), staffEmail), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	submit("#signin-button")
	b.open("/staff/upload")
	b.axe("upload form")

	// A PDF called .docx: refused, said beside the file field, what was
	// typed kept.
	do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{liar}),
		chromedp.SendKeys(chromedp.CSS("#f-area"), "Northshire"))
	if st := submit("#upload-button"); st != http.StatusUnsupportedMediaType {
		t.Fatalf("PDF renamed .docx answered %d", st)
	}
	if got := b.text("#error-file"); !strings.Contains(got, "its content is a PDF") {
		t.Fatalf("file message %q", got)
	}
	if v, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#f-area"))); v != "Northshire" {
		t.Fatalf("area typed was lost: %q", v)
	}
	b.axe("upload form with a refused file")

	// The real document, its title taken from it.
	do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{policy}),
		chromedp.SetValue(chromedp.CSS("#f-type"), "local-policy"))
	if st := submit("#upload-button"); st != http.StatusOK {
		t.Fatalf("upload answered %d", st)
	}
	if got := b.text(".flash"); !strings.Contains(got, "Uploaded") {
		t.Fatalf("flash %q", got)
	}
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	id := strings.TrimPrefix(loc, b.base+"/staff/resources/")
	if v, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#f-title"))); v != "Safeguarding Adults Multi-Agency Policy" {
		t.Fatalf("title %q", v)
	}
	if got := b.text("#staff-file-versions"); !strings.Contains(got, "Northshire policy.docx") {
		t.Fatalf("versions %q", got)
	}
	b.axe("edit page with its file")

	// A new version from the edit page.
	do(chromedp.SetUploadFiles(chromedp.CSS("#v-file"), []string{deck}),
		chromedp.SendKeys(chromedp.CSS("#v-label"), "V2 17/11/2016"))
	submit("#version-button")
	if got := b.text(".flash"); !strings.Contains(got, "New version") {
		t.Fatalf("flash %q", got)
	}

	// Readers see both versions, newest first, each downloadable.
	b.open("/resources/" + id)
	got := b.text("#file-versions")
	if i, j := strings.Index(got, "V2 17/11/2016"), strings.Index(got, "Northshire policy.docx"); i < 0 || j < i {
		t.Fatalf("versions on the page: %q", got)
	}
	b.axe("resource page with versions")
	for _, href := range []string{"/files/" + id + "/1/Northshire%20policy.docx", "/files/" + id + "/2/briefing.pptx"} {
		resp, err := http.Get(b.base + href)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v %v", href, resp, err)
		}
		resp.Body.Close()
	}
}
