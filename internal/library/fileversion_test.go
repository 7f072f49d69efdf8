package library

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/testkit"
)

// TestWithdrawFileVersion: a withdrawn version is served to no one (staff
// included) and listed to staff only; withdrawing an earlier version
// leaves the text the current one's, withdrawing the current one makes
// the previous current and search finds its text instead; the last
// version cannot go; the audit log says who did it; and its bytes stay,
// never taken for an orphan.
func TestWithdrawFileVersion(t *testing.T) {
	ctx := context.Background()
	l, _ := newFilesLibrary(t)
	r, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: "Thresholds"}, upload("v1.pdf", officeFixture(t, "briefing.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"policy.docx", "briefing.pptx"} {
		if _, err := l.AddFileVersion(ctx, staffReader, r.ID, upload(name, officeFixture(t, name)), "", ""); err != nil {
			t.Fatal(err)
		}
	}
	finds := func(word string) bool {
		t.Helper()
		res, err := l.Search(ctx, catalog.Anonymous, SearchParams{Q: word})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.Resource.ID == r.ID {
				return true
			}
		}
		return false
	}
	if !finds("trafficking") || finds("zorblatt") {
		t.Fatal("the search text is not version 3's")
	}
	if _, err := l.WithdrawFileVersion(ctx, member, r.ID, 2, ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("a member withdraws: %v", err)
	}
	if _, err := l.WithdrawFileVersion(ctx, staffReader, r.ID, 4, ""); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("version 4: %v", err)
	}

	// An earlier version: gone for everyone, the text unchanged.
	if _, err := l.WithdrawFileVersion(ctx, staffReader, r.ID, 2, "wrong document"); err != nil {
		t.Fatal(err)
	}
	for name, rd := range map[string]catalog.Reader{"anonymous": catalog.Anonymous, "member": member, "staff": staffReader} {
		if h, err := l.OpenFile(ctx, rd, r.ID, 2); !errors.Is(err, catalog.ErrGone) || !strings.Contains(err.Error(), "withdrawn") {
			if h != nil {
				h.Content.Close()
			}
			t.Errorf("%s opens withdrawn version 2: %v", name, err)
		}
	}
	if !finds("trafficking") {
		t.Fatal("withdrawing an earlier version changed the search text")
	}
	if _, err := l.WithdrawFileVersion(ctx, staffReader, r.ID, 2, ""); !errors.Is(err, catalog.ErrConflict) {
		t.Fatalf("withdrawn twice: %v", err)
	}
	pub, _ := l.Resource(ctx, catalog.Anonymous, r.ID)
	staff, _ := l.Resource(ctx, staffReader, r.ID)
	if len(pub.Files) != 2 || pub.Files[0].Version != 1 || pub.Files[1].Version != 3 || len(staff.Files) != 3 || staff.Files[1].Withdrawn.IsZero() {
		t.Fatalf("listed: public %+v, staff %+v", pub.Files, staff.Files)
	}

	// The current version: version 1 becomes current, and its text the item's.
	before := staff.Resource.Version
	got, err := l.WithdrawFileVersion(ctx, staffReader, r.ID, 3, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != before+1 || !strings.Contains(strings.ToLower(got.Body), "zorblatt") {
		t.Fatalf("after withdrawing the current version: version %d, body %.80q", got.Version, got.Body)
	}
	if !finds("zorblatt") || finds("trafficking") {
		t.Fatal("the search text is not version 1's")
	}
	h, err := l.OpenFile(ctx, catalog.Anonymous, r.ID, 0)
	if err != nil || h.Version != 1 {
		t.Fatalf("current file: %+v %v", h, err)
	}
	b, _ := io.ReadAll(h.Content)
	h.Content.Close()
	if !bytes.Equal(b, officeFixture(t, "briefing.pdf")) {
		t.Fatal("the current file is not version 1's bytes")
	}
	if _, err := l.WithdrawFileVersion(ctx, staffReader, r.ID, 1, ""); !errors.Is(err, catalog.ErrConflict) || !strings.Contains(err.Error(), "only version left") {
		t.Fatalf("the last version: %v", err)
	}
	hist, err := l.History(ctx, staffReader, r.ID, 10)
	if err != nil || len(hist) < 2 || hist[0].Action != ActionFileWithdraw || hist[0].Details["file_version"] != "3" ||
		hist[0].Details["current_version"] != "1" || hist[1].Details["reason"] != "wrong document" || hist[0].Actor != staffReader.Email {
		t.Fatalf("history: %+v %v", hist, err)
	}

	// Withdrawn versions' bytes are kept: a row names them.
	l.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if removed, err := l.RemoveOrphans(ctx, 0); err != nil || len(removed) != 0 {
		t.Fatalf("orphans removed: %v %v", removed, err)
	}
	for _, f := range staff.Files {
		if _, err := os.Stat(l.files.path(f.SHA256)); err != nil {
			t.Fatalf("version %d's file: %v", f.Version, err)
		}
	}
}

// TestUploadLegacyKeptWithoutText: a Word 6/95 document and an Excel
// 97-2003 workbook are kept with their properties, no text, and the
// reason, which staff see (the item's and the version's) and nobody else.
func TestUploadLegacyKeptWithoutText(t *testing.T) {
	ctx := context.Background()
	l, _ := newFilesLibrary(t)
	word95 := testkit.Word95(t, officeFixture(t, "policy.doc"))
	for _, tc := range []struct {
		name       string
		body       []byte
		media, why string
	}{
		{"policy.doc", word95, "application/msword", "kept without text: a Word 6/95 document"},
		{"figures.xls", officeFixture(t, "figures.xls"), "application/vnd.ms-excel", "kept without text: an Excel 97-2003 (.xls) workbook"},
	} {
		r, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Publisher: "Legacy"}, upload(tc.name, tc.body))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.Body != "" || r.Title == "" {
			t.Fatalf("%s: title %q body %q", tc.name, r.Title, r.Body)
		}
		v, err := l.Resource(ctx, staffReader, r.ID)
		if err != nil || !strings.HasPrefix(v.TextNote, tc.why) || len(v.Files) != 1 || v.Files[0].TextNote != v.TextNote || v.Files[0].ContentType != tc.media {
			t.Fatalf("%s as staff: note %q files %+v %v", tc.name, v.TextNote, v.Files, err)
		}
		pub, err := l.Resource(ctx, member, r.ID)
		if err != nil || pub.TextNote != "" || len(pub.Files) != 1 || pub.Files[0].TextNote != "" {
			t.Fatalf("%s as a member: %+v %v", tc.name, pub, err)
		}
		// A new version whose text is read: the note goes.
		if _, err := l.AddFileVersion(ctx, staffReader, r.ID, upload("policy.docx", officeFixture(t, "policy.docx")), "", ""); err != nil {
			t.Fatal(err)
		}
		if v, _ := l.Resource(ctx, staffReader, r.ID); v.TextNote != "" || v.Files[0].TextNote == "" {
			t.Fatalf("%s after a readable version: item note %q, v1 note %q", tc.name, v.TextNote, v.Files[0].TextNote)
		}
	}
}

// TestCrawledTextNote: a crawled document kept without text shows staff
// the reason its crawl recorded, for as long as it has no text.
func TestCrawledTextNote(t *testing.T) {
	ctx := context.Background()
	l := newEmptyLibrary(t)
	u := "https://example.org/files/figures.xls"
	id, err := l.Create(ctx, staffReader, &catalog.Resource{Title: "Referrals by quarter", URL: u, Publisher: "P", Type: "research"})
	if err != nil {
		t.Fatal(err)
	}
	run, err := l.st.StartCrawlRun(ctx, "fixture")
	if err != nil {
		t.Fatal(err)
	}
	why := "kept without text: an Excel 97-2003 (.xls) workbook, whose text is not read (save it as .xlsx to index its text)"
	if err := l.st.AddCrawlFailures(ctx, []catalog.CrawlFailure{
		{RunID: run.ID, URL: "https://example.org/other.xls", Reason: "kept without text: another"},
		{RunID: run.ID, URL: u, Reason: why}}); err != nil {
		t.Fatal(err)
	}
	if v, err := l.Resource(ctx, staffReader, id); err != nil || v.TextNote != why {
		t.Fatalf("staff: %q %v", v.TextNote, err)
	}
	if v, err := l.Resource(ctx, catalog.Anonymous, id); err != nil || v.TextNote != "" {
		t.Fatalf("anonymous: %q %v", v.TextNote, err)
	}
}
