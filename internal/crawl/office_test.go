package crawl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

func officeFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "extract", "testdata", "office", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Office documents are fetched, sniffed by content whatever the URL and
// Content-Type say, and kept with their text (slides per slide); those
// that cannot be read are failures with their reasons.
func TestCrawlOfficeDocuments(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/", `<html><head><title>Partnership</title></head><body>
<a href="/files/policy.docx">Policy (Word)</a>
<a href="/files/policy.doc">Policy (Word 97)</a>
<a href="/files/policy.odt">Policy (OpenDocument)</a>
<a href="/files/policy.rtf">Policy (RTF)</a>
<a href="/download?id=7">Briefing</a>
<a href="/files/figures.xlsx">Figures</a>
<a href="/files/figures.xls">Figures (Excel 97-2003)</a>
<a href="/files/setup.pdf">Not a PDF</a>
<a href="/files/locked.docx">Locked</a>
</body></html>`)
	odt := officeFixture(t, "policy.odt")
	s.set("/files/policy.docx", &page{contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body: officeFixture(t, "policy.docx")})
	s.set("/files/policy.doc", &page{contentType: "application/msword", body: officeFixture(t, "policy.doc")})
	s.set("/files/policy.odt", &page{contentType: "application/octet-stream", body: odt})
	s.set("/files/policy.rtf", &page{contentType: "text/plain", body: officeFixture(t, "policy.rtf")})
	s.set("/download?id=7", &page{contentType: "application/octet-stream", body: officeFixture(t, "briefing.pptx")})
	s.set("/files/figures.xlsx", &page{contentType: "application/vnd.ms-excel", body: officeFixture(t, "figures.xlsx")})
	s.set("/files/figures.xls", &page{contentType: "application/vnd.ms-excel", body: officeFixture(t, "figures.xls")})
	s.set("/files/setup.pdf", &page{contentType: "application/pdf", body: append([]byte("MZ\x90\x00"), make([]byte, 300)...)})
	// A real DOCX cut short: a broken zip container.
	docx := officeFixture(t, "policy.docx")
	s.set("/files/locked.docx", &page{contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body: docx[:len(docx)/2]})

	lib := newTestLibrary(t)
	c := New(lib, storeOf(lib), testOptions())
	src := mustSource(t, `sources:
  - name: office
    publisher: Fixture Publisher
    start_urls: [`+s.URL+`/]
    allowed_domains: [127.0.0.1]
    documents: ['/files/', '/download']
    max_depth: 2
    delay: 0s
    concurrency: 2
    themes: [neglect]
`)
	rec, err := c.Run(ctx, src)
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, s.log())
	}
	byURL := map[string]*catalog.Resource{}
	err = storeOf(lib).ScanResources(ctx, 100, false, func(rs []*catalog.Resource) error {
		for _, r := range rs {
			full, err := storeOf(lib).GetResource(ctx, r.ID)
			if err != nil {
				return err
			}
			byURL[strings.TrimPrefix(r.URL, s.URL)] = full
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/files/policy.docx", "/files/policy.doc", "/files/policy.odt", "/files/policy.rtf"} {
		r := byURL[p]
		if r == nil {
			t.Errorf("%s: no resource (run %+v)\n%s", p, rec, s.log())
			continue
		}
		if r.Title != "Safeguarding Adults Multi-Agency Policy" || !strings.Contains(r.Body, "within one working day") || r.Slides || len(r.Pages) != 0 {
			t.Errorf("%s: title %q, slides %v, %d pages, body %q", p, r.Title, r.Slides, len(r.Pages), r.Body)
		}
	}
	if r := byURL["/files/figures.xlsx"]; r == nil || !strings.Contains(r.Body, "Q2 neglect 388") {
		t.Errorf("xlsx: %+v", r)
	}
	// A legacy workbook whose text is not read is kept with its metadata.
	if r := byURL["/files/figures.xls"]; r == nil || r.Title != "Referrals by quarter" || r.Body != "" || r.Publisher != "Fixture Publisher" {
		t.Errorf("xls: %+v", r)
	}
	brief := byURL["/download?id=7"]
	if brief == nil || !brief.Slides || len(brief.Pages) != 4 || brief.Title != "Members Briefing on Exploitation" || !strings.HasPrefix(brief.Pages[3], "Next steps") {
		t.Fatalf("pptx: %+v", brief)
	}

	// A search cites the slide.
	res, err := lib.Search(ctx, catalog.Reader{}, library.SearchParams{Q: "trafficking referral pathway"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Slide != 4 || res.Hits[0].Page != 0 {
		t.Fatalf("hits %+v", res.Hits)
	}

	fs, err := storeOf(lib).CrawlFailures(ctx, rec.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, f := range fs {
		reasons[strings.TrimPrefix(f.URL, s.URL)] = f.Reason
	}
	for p, want := range map[string]string{
		"/files/setup.pdf":   "executable",
		"/files/locked.docx": "broken zip",
		"/files/figures.xls": "kept without text: an Excel 97-2003 (.xls) workbook",
	} {
		if !strings.Contains(reasons[p], want) {
			t.Errorf("%s: reason %q, want %q (all %v)", p, reasons[p], want, reasons)
		}
	}
}

// Add-a-link takes office documents: the draft is filled from the
// document, the saved item keeps its slides; an unreadable one says why.
func TestAddLinkOfficeDocuments(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.set("/briefing", &page{contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", body: officeFixture(t, "briefing.pptx")})
	s.set("/policy.odt", &page{contentType: "application/vnd.oasis.opendocument.text", body: officeFixture(t, "policy.odt")})
	s.set("/tool.docx", &page{contentType: "application/octet-stream", body: append([]byte("MZ\x90\x00"), make([]byte, 100)...)})
	l := newTestLibrary(t)
	l.SetFetcher(NewFetcher(testOptions()).ForLibrary())

	d, err := l.AddLink(ctx, staffReader, s.URL+"/briefing")
	if err != nil {
		t.Fatal(err)
	}
	if d.Draft.Title != "Members Briefing on Exploitation" || d.Draft.Published != "2016-11-17" || d.Draft.Summary == "" {
		t.Fatalf("draft: %+v", d.Draft)
	}
	saved, err := l.SaveLink(ctx, staffReader, d.Token, d.Draft)
	if err != nil {
		t.Fatal(err)
	}
	got, err := storeOf(l).GetResource(ctx, saved.ID)
	if err != nil || !got.Slides || len(got.Pages) != 4 || !strings.Contains(got.Body, "trafficking referral pathway") {
		t.Fatalf("saved: %+v %v", got, err)
	}

	d, err = l.AddLink(ctx, staffReader, s.URL+"/policy.odt")
	if err != nil || d.Draft.Title != "Safeguarding Adults Multi-Agency Policy" || d.Draft.Published != "2019-03-14" {
		t.Fatalf("odt draft: %+v %v", d, err)
	}

	_, err = l.AddLink(ctx, staffReader, s.URL+"/tool.docx")
	if msg := library.FieldErrors(err)["url"]; !strings.Contains(msg, "not a page or document the library reads") || !strings.Contains(msg, "executable") {
		t.Fatalf("executable: %v", err)
	}
}
