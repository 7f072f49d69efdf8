package crawl

import (
	"context"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

var staffReader = catalog.Reader{UserID: 1, Email: "staff@example.org", Role: "staff", Members: true}

func TestAddLinkThroughFetcher(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/report", reportPage("Exploitation in county lines", "2025-02-03",
		"County lines exploitation of children by criminal gangs is a growing concern for partnerships."))
	s.set("/deck.pdf", &page{contentType: "application/pdf", body: makePDF("Safeguarding update V3 17/11/2016",
		[]string{"Slide one on missing children", "Slide two on exploitation"})})

	// Without --allow-private the fetch is refused, and says why.
	l := newTestLibrary(t)
	opt := testOptions()
	opt.AllowPrivate = false
	l.SetFetcher(NewFetcher(opt).ForLibrary())
	_, err := l.AddLink(ctx, staffReader, s.URL+"/report")
	msg := library.FieldErrors(err)["url"]
	if !strings.Contains(msg, "private, loopback or link-local") {
		t.Fatalf("refusal: %v", err)
	}

	l.SetFetcher(NewFetcher(testOptions()).ForLibrary())
	d, err := l.AddLink(ctx, staffReader, s.URL+"/report?utm_source=mail#top")
	if err != nil {
		t.Fatal(err)
	}
	if d.Draft.URL != s.URL+"/report" || !strings.HasPrefix(d.Draft.Title, "Exploitation in county lines") ||
		d.Draft.Published != "2025-02-03" || d.Draft.Summary == "" || len(d.Draft.MachineThemes) == 0 {
		t.Fatalf("draft: %+v", d.Draft)
	}
	saved, err := l.SaveLink(ctx, staffReader, d.Token, d.Draft)
	if err != nil {
		t.Fatal(err)
	}
	// The same page again, under another spelling, opens the saved item.
	d, err = l.AddLink(ctx, staffReader, strings.Replace(s.URL, "http:", "HTTP:", 1)+"/report#x")
	if err != nil || d.Existing == nil || d.Existing.ID != saved.ID {
		t.Fatalf("existing: %+v %v", d, err)
	}
	// PDFs keep their pages.
	r, err := l.CreateFromURL(ctx, staffReader, &catalog.Resource{URL: s.URL + "/deck.pdf", Type: "presentation"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pages) != 2 || !strings.Contains(r.Title, "V3") {
		t.Fatalf("pdf: %q %d pages", r.Title, len(r.Pages))
	}
	if _, err := l.AddLink(ctx, staffReader, s.URL+"/missing"); !strings.Contains(library.FieldErrors(err)["url"], "404") {
		t.Fatalf("missing: %v", err)
	}
}

func TestLinkClientRefusesPrivate(t *testing.T) {
	ctx := context.Background()
	s := newSite(t)
	s.html("/ok", "<html><title>ok</title></html>")
	l := newTestLibrary(t)
	if _, err := l.Upsert(ctx, []*catalog.Resource{{ID: "ok", Title: "ok", Type: "report", URL: s.URL + "/ok"}}); err != nil {
		t.Fatal(err)
	}
	opt := testOptions()
	opt.AllowPrivate = false
	rep, err := CheckLinks(ctx, storeOf(l), catalog.System, LinkCheckOptions{Client: LinkClient(opt), Describe: Describe,
		Delay: -1, Timeout: time.Second})
	if err != nil || rep.Failed != 1 {
		t.Fatalf("check: %+v %v", rep, err)
	}
	rep, err = CheckLinks(ctx, storeOf(l), catalog.System, LinkCheckOptions{Client: LinkClient(opt), Describe: Describe,
		Delay: -1, Timeout: time.Second})
	if err != nil || rep.Broken != 1 {
		t.Fatalf("second check: %+v %v", rep, err)
	}
	b, _, _ := l.BrokenLinks(ctx, catalog.System, 5)
	if len(b) != 1 || !strings.Contains(b[0].Check.Reason, "private, loopback") {
		t.Fatalf("reason: %+v", b)
	}
	rep, err = CheckLinks(ctx, storeOf(l), catalog.System, LinkCheckOptions{Client: LinkClient(testOptions()),
		Describe: Describe, Delay: -1})
	if err != nil || rep.OK != 1 || rep.Broken != 0 {
		t.Fatalf("allowed: %+v %v", rep, err)
	}
}
