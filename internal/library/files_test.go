package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/testkit"
)

var staffReader = catalog.Reader{UserID: 9, Email: "sam@example.org", Role: "staff", Members: true}

// officeFixture reads one of the LibreOffice-made documents of
// internal/extract/testdata/office (README there), or the upload PDF.
func officeFixture(t testing.TB, name string) []byte {
	t.Helper()
	p := filepath.Join("..", "extract", "testdata", "office", name)
	if name == "briefing.pdf" {
		p = filepath.Join("testdata", "upload", name)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newFilesLibrary is an empty library that holds files in a temp dir.
func newFilesLibrary(t *testing.T) (*Library, string) {
	l := newEmptyLibrary(t)
	dir := filepath.Join(t.TempDir(), "files")
	l.SetFilesDir(dir)
	return l, dir
}

func upload(name string, b []byte) Upload { return Upload{Name: name, Data: bytes.NewReader(b)} }

// Every format the library holds goes in by upload: metadata staff left
// empty comes from the document, the text is searchable, and the file is
// served back byte for byte with its type.
func TestUploadEachFormat(t *testing.T) {
	ctx := context.Background()
	l, _ := newFilesLibrary(t)
	tests := []struct {
		file, ctype, title, word string
		slides                   bool
	}{
		{"policy.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Safeguarding Adults Multi-Agency Policy", "referral", false},
		{"policy.odt", "application/vnd.oasis.opendocument.text", "Safeguarding Adults Multi-Agency Policy", "referral", false},
		{"policy.rtf", "application/rtf", "Safeguarding Adults Multi-Agency Policy", "referral", false},
		{"policy.doc", "application/msword", "Safeguarding Adults Multi-Agency Policy", "referral", false},
		{"briefing.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "Members Briefing on Exploitation", "trafficking", true},
		{"briefing.odp", "application/vnd.oasis.opendocument.presentation", "Members Briefing on Exploitation", "trafficking", true},
		{"briefing.ppt", "application/vnd.ms-powerpoint", "Members Briefing on Exploitation", "trafficking", true},
		{"figures.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Referrals by quarter", "duplicate", false},
		{"briefing.pdf", "application/pdf", "Members briefing on thresholds", "zorblatt", false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := officeFixture(t, tt.file)
			r, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Type: "briefing", Publisher: tt.file}, upload(tt.file, body))
			if err != nil {
				t.Fatal(err)
			}
			if r.Title != tt.title || r.Publisher != tt.file || r.Type != "briefing" {
				t.Fatalf("title %q publisher %q type %q", r.Title, r.Publisher, r.Type)
			}
			v, err := l.Resource(ctx, catalog.Anonymous, r.ID)
			if err != nil || len(v.Files) != 1 {
				t.Fatalf("files %+v %v", v, err)
			}
			f := v.Files[0]
			sum := sha256.Sum256(body)
			if f.Name != tt.file || f.ContentType != tt.ctype || f.Size != int64(len(body)) || f.SHA256 != hex.EncodeToString(sum[:]) || f.Version != 1 || !strings.HasPrefix(f.Label, "V1 ") {
				t.Fatalf("file %+v", f)
			}
			res, err := l.Search(ctx, catalog.Anonymous, SearchParams{Q: tt.word, Filters: Selections{"publisher": {tt.file}}})
			if err != nil || len(res.Hits) != 1 || res.Hits[0].Resource.ID != r.ID {
				t.Fatalf("search %q: %v %v", tt.word, ids(res), err)
			}
			if tt.slides && res.Hits[0].Slide == 0 {
				t.Fatalf("no slide in the hit: %+v", res.Hits[0])
			}
			h, err := l.OpenFile(ctx, catalog.Anonymous, r.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(h.Content)
			h.Content.Close()
			if !bytes.Equal(got, body) || h.Private {
				t.Fatal("served bytes differ")
			}
		})
	}
}

// A members-only upload is never served, matched or counted for anyone
// without a live membership.
func TestUploadMembersOnly(t *testing.T) {
	ctx := context.Background()
	l, _ := newFilesLibrary(t)
	r, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: "Secret briefing", Access: catalog.Members},
		upload("briefing.pdf", officeFixture(t, "briefing.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	lapsed := catalog.Reader{UserID: 2, Role: "member", Lapsed: true}
	for name, rd := range map[string]catalog.Reader{"anonymous": catalog.Anonymous, "lapsed": lapsed} {
		if _, err := l.OpenFile(ctx, rd, r.ID, 0); !errors.Is(err, catalog.ErrForbidden) {
			t.Errorf("%s opens the file: %v", name, err)
		}
		if _, err := l.OpenFile(ctx, rd, r.ID, 1); !errors.Is(err, catalog.ErrForbidden) {
			t.Errorf("%s opens version 1: %v", name, err)
		}
		if v, _ := l.Resource(ctx, rd, r.ID); !v.Teaser || len(v.Files) != 0 {
			t.Errorf("%s sees the files: %+v", name, v)
		}
		if res, _ := l.Search(ctx, rd, SearchParams{Q: "zorblatt"}); res.Total != 0 {
			t.Errorf("%s matches the file's text: %v", name, ids(res))
		}
	}
	h, err := l.OpenFile(ctx, member, r.ID, 0)
	if err != nil || !h.Private {
		t.Fatalf("member: %+v %v", h, err)
	}
	h.Content.Close()
	if res, _ := l.Search(ctx, member, SearchParams{Q: "zorblatt"}); res.Total != 1 {
		t.Fatalf("member does not find it: %v", ids(res))
	}
}

// A new version replaces the search text; every earlier file stays
// listed with its label and downloadable.
func TestFileVersions(t *testing.T) {
	ctx := context.Background()
	l, _ := newFilesLibrary(t)
	l.now = func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC) }
	r, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: "Exploitation briefing", Published: "2016-03-01"},
		upload("briefing.pdf", officeFixture(t, "briefing.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.AddFileVersion(ctx, member, r.ID, upload("b.pptx", officeFixture(t, "briefing.pptx")), "", ""); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member adds a version: %v", err)
	}
	if _, err := l.AddFileVersion(ctx, staffReader, r.ID, upload("b.pptx", officeFixture(t, "briefing.pptx")), "", "17/11/2016"); !errors.Is(err, catalog.ErrInvalid) {
		t.Fatalf("bad date: %v", err)
	}
	if _, err := l.AddFileVersion(ctx, staffReader, "no-such-item", upload("b.pptx", officeFixture(t, "briefing.pptx")), "", ""); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("unknown item: %v", err)
	}
	v2, err := l.AddFileVersion(ctx, staffReader, r.ID, upload("briefing v2.pptx", officeFixture(t, "briefing.pptx")), "", "2016-11-17")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Published != "2016-11-17" || v2.Title != "Exploitation briefing" {
		t.Fatalf("after v2: %+v", v2)
	}
	if _, err := l.AddFileVersion(ctx, staffReader, r.ID, upload("briefing v3.docx", officeFixture(t, "policy.docx")), "V3 final", ""); err != nil {
		t.Fatal(err)
	}
	v, err := l.Resource(ctx, member, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, f := range v.Files {
		labels = append(labels, f.Label+"|"+string(f.Published)+"|"+f.Name)
	}
	want := "V1 01/03/2016|2016-03-01|briefing.pdf V2 17/11/2016|2016-11-17|briefing v2.pptx V3 final|2019-03-14|briefing v3.docx"
	if strings.Join(labels, " ") != want {
		t.Fatalf("versions:\n%s\nwant\n%s", strings.Join(labels, " "), want)
	}
	// The search text is the latest version's only.
	for q, n := range map[string]int{"zorblatt": 0, "trafficking": 0, "referral": 1} {
		if res, _ := l.Search(ctx, member, SearchParams{Q: q}); res.Total != n {
			t.Errorf("%q finds %v, want %d", q, ids(res), n)
		}
	}
	for n, size := range map[int]int{1: len(officeFixture(t, "briefing.pdf")), 2: len(officeFixture(t, "briefing.pptx"))} {
		h, err := l.OpenFile(ctx, catalog.Anonymous, r.ID, n)
		if err != nil || h.Size != int64(size) || h.Version != n {
			t.Fatalf("version %d: %+v %v", n, h, err)
		}
		h.Content.Close()
	}
	if _, err := l.OpenFile(ctx, catalog.Anonymous, r.ID, 4); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("version 4: %v", err)
	}
	hist, _ := l.st.ListAudit(ctx, catalog.AuditFilter{Action: ActionFile})
	if len(hist) != 2 || hist[0].Actor != staffReader.Email {
		t.Fatalf("audit: %+v", hist)
	}
}

// badUploads are the hostile and wrong files an upload must refuse, each
// with the error code and words of its message.
func badUploads(t testing.TB) []struct {
	Name, File string
	Body       []byte
	Code       catalog.Code
	Msg        string
} {
	docx, doc, pdf := officeFixture(t, "policy.docx"), officeFixture(t, "policy.doc"), officeFixture(t, "briefing.pdf")
	encrypted := testkit.EncryptedWord(t, doc)
	bomb := testkit.ReplaceZipMember(t, docx, "word/document.xml", `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>`+strings.Repeat("a", 8<<20)+`</w:t></w:r></w:p></w:body></w:document>`)
	return []struct {
		Name, File string
		Body       []byte
		Code       catalog.Code
		Msg        string
	}{
		{"PDF renamed .docx", "report.docx", pdf, catalog.Unsupported, "but its content is a PDF"},
		{"executable renamed .pdf", "report.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...), catalog.Unsupported, "executable"},
		{"web page", "page.html", []byte("<!doctype html><html><head><title>x</title></head><body><p>Hello there, a page.</p></body></html>"), catalog.Unsupported, "web page"},
		{"zip bomb", "bomb.docx", bomb, catalog.Invalid, "compression ratio"},
		{"encrypted Word file", "secret.doc", encrypted, catalog.Invalid, "password"},
		{"over the size limit", "big.pdf", append(bytes.Clone(pdf), make([]byte, catalog.MaxUpload)...), catalog.TooLarge, "larger than"},
		{"empty", "empty.pdf", nil, catalog.Invalid, "empty"},
		{"wrong extension", "report.exe", pdf, catalog.Unsupported, "name it .pdf"},
	}
}

// Bad input is refused with a clear message, and nothing is kept: no row,
// no file.
func TestUploadBadInput(t *testing.T) {
	ctx := context.Background()
	l, dir := newFilesLibrary(t)
	for _, tt := range badUploads(t) {
		t.Run(tt.Name, func(t *testing.T) {
			_, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: "Bad " + tt.Name}, upload(tt.File, tt.Body))
			if catalog.ErrorCode(err) != tt.Code || !strings.Contains(catalog.ErrorMessage(err), tt.Msg) {
				t.Fatalf("err = %v (code %q); want %q with %q", err, catalog.ErrorCode(err), tt.Code, tt.Msg)
			}
		})
	}
	if n, _ := l.st.ResourceCounts(ctx); len(n) != 0 {
		t.Fatalf("resources written: %v", n)
	}
	if blobs, _ := (&fileStore{dir: dir}).list(); len(blobs) != 0 {
		t.Fatalf("files kept: %v", blobs)
	}
	if _, err := l.UploadResource(ctx, member, &catalog.Resource{}, upload("a.pdf", officeFixture(t, "briefing.pdf"))); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member uploads: %v", err)
	}
}

// Check hashes every held file: a missing or changed one is reported and
// fails the check; an orphan is counted but harmless.
func TestCheckFiles(t *testing.T) {
	ctx := context.Background()
	l, dir := newFilesLibrary(t)
	a, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: "A"}, upload("a.pdf", officeFixture(t, "briefing.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.UploadResource(ctx, staffReader, &catalog.Resource{Title: "B"}, upload("b.docx", officeFixture(t, "policy.docx")))
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.Check(ctx)
	if err != nil || !c.OK() || c.Files != 2 || c.Orphans != 0 {
		t.Fatalf("check: %+v %v", c, err)
	}
	os.MkdirAll(filepath.Join(dir, "ab"), 0o750)
	if err := os.WriteFile(filepath.Join(dir, "ab", strings.Repeat("ab", 32)), []byte("orphan"), 0o640); err != nil {
		t.Fatal(err)
	}
	va, _ := l.Resource(ctx, staffReader, a.ID)
	vb, _ := l.Resource(ctx, staffReader, b.ID)
	os.Remove(l.files.path(va.Files[0].SHA256))
	os.WriteFile(l.files.path(vb.Files[0].SHA256), []byte("changed"), 0o640)
	c, err = l.Check(ctx)
	if err != nil || c.OK() || len(c.FileCheck.Missing) != 1 || len(c.Changed) != 1 || c.Orphans != 1 ||
		!strings.HasPrefix(c.FileCheck.Missing[0], a.ID+" v1 ") || !strings.HasPrefix(c.Changed[0], b.ID+" v1 ") {
		t.Fatalf("check: %+v %v", c, err)
	}
}
