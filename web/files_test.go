package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
	"safelib/internal/testkit"
)

// docFixture reads a LibreOffice-made document
// (internal/extract/testdata/office, README there) or the upload PDF.
func docFixture(t testing.TB, name string) []byte {
	t.Helper()
	p := filepath.Join("..", "internal", "extract", "testdata", "office", name)
	if strings.HasSuffix(name, ".pdf") {
		p = filepath.Join("..", "internal", "library", "testdata", "upload", name)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	fileWord  = "zorblatt" // only in the upload PDF's text
	fileTitle = "Held thresholds paper"
)

// addMembersFile uploads the PDF as a members-only item and returns its
// download path.
func addMembersFile(t *testing.T, e *authEnv) (id, path string) {
	t.Helper()
	e.lib.SetFilesDir(t.TempDir())
	staff := catalog.Reader{UserID: 1, Email: staffEmail, Role: catalog.RoleStaff, Members: true}
	r, err := e.lib.UploadResource(context.Background(), staff, &catalog.Resource{Title: fileTitle, Access: catalog.Members,
		Type: "briefing"}, library.Upload{Name: "thresholds.pdf", Data: bytes.NewReader(docFixture(t, "briefing.pdf"))})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID, "/files/" + r.ID + "/1/thresholds.pdf"
}

// addWithdrawnVersion adds policy.docx as version 2 of item id and
// withdraws it, so version 1 is current again; it returns version 2's
// path.
func addWithdrawnVersion(t *testing.T, e *authEnv, id string) string {
	t.Helper()
	staff := catalog.Reader{UserID: 1, Email: staffEmail, Role: catalog.RoleStaff, Members: true}
	ctx := context.Background()
	if _, err := e.lib.AddFileVersion(ctx, staff, id, library.Upload{Name: "policy.docx", Data: bytes.NewReader(docFixture(t, "policy.docx"))}, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.WithdrawFileVersion(ctx, staff, id, 2, "uploaded by mistake"); err != nil {
		t.Fatal(err)
	}
	return "/files/" + id + "/2/policy.docx"
}

// multipartBody builds a multipart form of fields and one file part.
func multipartBody(t testing.TB, fields [][2]string, name string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	if name != "" {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func (e *authEnv) postMultipart(t testing.TB, who as, target string, fields [][2]string, name string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	body, ctype := multipartBody(t, fields, name, content)
	req := httptest.NewRequest(http.MethodPost, target, body)
	req.Header.Set("Content-Type", ctype)
	who(req)
	return e.do(t, req)
}

// TestAPIUpload: staff upload each kind of document with its metadata by
// API; what they left empty comes from the document; the resource JSON
// names the file, which is served with its type, a safe name, nosniff and
// an ETag.
func TestAPIUpload(t *testing.T) {
	e := newAuthEnv(t)
	e.lib.SetFilesDir(t.TempDir())
	staff := withBearer(e.token(t, staffEmail))
	for _, tc := range []struct{ file, ctype, title string }{
		{"policy.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Safeguarding Adults Multi-Agency Policy"},
		{"briefing.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "Members Briefing on Exploitation"},
		{"briefing.pdf", "application/pdf", "Members briefing on thresholds"},
		{"policy.rtf", "application/rtf", "Safeguarding Adults Multi-Agency Policy"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			body := docFixture(t, tc.file)
			name := "Rapport « final » " + tc.file // non-ASCII and quotes: a safe Content-Disposition
			w := e.postMultipart(t, staff, "/api/v1/resources", [][2]string{{"publisher", "Northshire LSCP"},
				{"type", "local-policy"}, {"themes", "neglect;early-help"}, {"themes", "child-sexual-exploitation"}, {"area", "Northshire"}}, name, body)
			if w.Code != http.StatusCreated {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			id := decode[map[string]string](t, w.Body)["id"]
			r := decode[map[string]any](t, e.getAs(t, anonymous, "/api/v1/resources/"+id).Body)
			if r["title"] != tc.title || r["publisher"] != "Northshire LSCP" || r["area"] != "Northshire" ||
				strings.Join(strs(r["themes"]), ",") != "neglect,early-help,child-sexual-exploitation" {
				t.Fatalf("resource %v", r)
			}
			f, _ := r["file"].(map[string]any)
			vs, _ := r["versions"].([]any)
			if f == nil || len(vs) != 1 || f["name"] != name || f["content_type"] != tc.ctype ||
				f["size"] != float64(len(body)) || len(f["sha256"].(string)) != 64 {
				t.Fatalf("file %v versions %v", f, vs)
			}
			if keys := fmt.Sprint(len(f), len(vs[0].(map[string]any))); keys != "5 3" {
				t.Fatalf("file fields %v, version fields %v", f, vs[0])
			}
			u := f["url"].(string)
			path := u[strings.Index(u, "/files/"):]
			dl := e.getAs(t, anonymous, path)
			h := dl.Header()
			if dl.Code != http.StatusOK || !bytes.Equal(dl.Body.Bytes(), body) || h.Get("Content-Type") != tc.ctype ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") != `"`+f["sha256"].(string)+`"` ||
				!strings.HasPrefix(h.Get("Cache-Control"), "public") {
				t.Fatalf("download %d %v", dl.Code, h)
			}
			cd := h.Get("Content-Disposition")
			if !strings.Contains(cd, `filename="Rapport _ final _ `+tc.file+`"`) ||
				!strings.Contains(cd, `filename*=UTF-8''Rapport%20%C2%AB%20final%20%C2%BB%20`+tc.file) {
				t.Fatalf("Content-Disposition %q", cd)
			}
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.Header.Set("If-None-Match", h.Get("ETag"))
			if w := e.do(t, req); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
				t.Fatalf("If-None-Match: %d", w.Code)
			}
		})
	}
}

// TestAPIFileVersions: a new version by API answers 201 with the resource
// listing every version; its text is what search finds; earlier files
// still download.
func TestAPIFileVersions(t *testing.T) {
	e := newAuthEnv(t)
	e.lib.SetFilesDir(t.TempDir())
	staff := withBearer(e.token(t, staffEmail))
	w := e.postMultipart(t, staff, "/api/v1/resources", [][2]string{{"title", "Exploitation briefing"}, {"published", "2016-03"}},
		"briefing.pdf", docFixture(t, "briefing.pdf"))
	if w.Code != http.StatusCreated {
		t.Fatalf("create %d: %s", w.Code, w.Body)
	}
	id := decode[map[string]string](t, w.Body)["id"]
	if w := e.postMultipart(t, withBearer(e.token(t, memberEmail)), "/api/v1/resources/"+id+"/versions", nil, "b.pptx", docFixture(t, "briefing.pptx")); w.Code != http.StatusForbidden {
		t.Fatalf("member: %d", w.Code)
	}
	if w := e.postMultipart(t, anonymous, "/api/v1/resources/"+id+"/versions", nil, "b.pptx", docFixture(t, "briefing.pptx")); w.Code != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", w.Code)
	}
	if w := e.postMultipart(t, staff, "/api/v1/resources/no-such/versions", nil, "b.pptx", docFixture(t, "briefing.pptx")); w.Code != http.StatusNotFound {
		t.Fatalf("unknown: %d", w.Code)
	}
	w = e.postMultipart(t, staff, "/api/v1/resources/"+id+"/versions", [][2]string{{"label", "V3 17/11/2016"}, {"published", "2016-11-17"}},
		"briefing.pptx", docFixture(t, "briefing.pptx"))
	if w.Code != http.StatusCreated {
		t.Fatalf("version %d: %s", w.Code, w.Body)
	}
	r := decode[map[string]any](t, w.Body)
	vs, _ := r["versions"].([]any)
	if len(vs) != 2 || r["published"] != "2016-11-17" || r["file"].(map[string]any)["name"] != "briefing.pptx" {
		t.Fatalf("answer %v", r)
	}
	if v0, v1 := vs[0].(map[string]any), vs[1].(map[string]any); v0["label"] != "V1 03/2016" || v1["label"] != "V3 17/11/2016" || v1["published"] != "2016-11-17" {
		t.Fatalf("versions %v", vs)
	}
	found := false
	for _, h := range decode[searchJSON](t, e.get(t, "/api/v1/search?q=trafficking+referral+pathway").Body).Hits {
		found = found || h["id"] == id && h["slide"] == float64(4)
	}
	if !found {
		t.Fatal("the latest version's text is not found on its slide")
	}
	if s := decode[searchJSON](t, e.get(t, "/api/v1/search?q="+fileWord).Body); s.Total != 0 {
		t.Fatalf("the earlier version's text is still found: %+v", s)
	}
	old := vs[0].(map[string]any)["file"].(map[string]any)["url"].(string)
	if w := e.get(t, old[strings.Index(old, "/files/"):]); w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), docFixture(t, "briefing.pdf")) {
		t.Fatalf("earlier file: %d", w.Code)
	}
	page := e.get(t, "/resources/"+id).Body.String()
	for _, want := range []string{"V3 17/11/2016", "V1 03/2016", `href="/files/` + id + `/1/briefing.pdf"`, `href="/files/` + id + `/2/briefing.pptx"`} {
		mustContain(t, page, want)
	}
}

// TestAPIUploadBadInput: each bad file answers a clear problem+json, and
// nothing is kept.
func TestAPIUploadBadInput(t *testing.T) {
	e := newAuthEnv(t)
	dir := t.TempDir()
	e.lib.SetFilesDir(dir)
	staff := withBearer(e.token(t, staffEmail))
	pdf, doc, docx := docFixture(t, "briefing.pdf"), docFixture(t, "policy.doc"), docFixture(t, "policy.docx")
	encrypted := testkit.EncryptedWord(t, doc)
	total := func() int {
		n, err := e.st.ResourceCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, v := range n {
			sum += v
		}
		return sum
	}
	before := total()
	for _, tc := range []struct {
		name, file string
		body       []byte
		status     int
		msg        string
	}{
		{"PDF renamed .docx", "report.docx", pdf, http.StatusUnsupportedMediaType, "but its content is a PDF"},
		{"executable renamed .pdf", "setup.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 300)...), http.StatusUnsupportedMediaType, "executable"},
		{"zip bomb", "bomb.docx", testkit.ReplaceZipMember(t, docx, "word/document.xml", strings.Repeat("a", 8<<20)), http.StatusBadRequest, "compression ratio"},
		{"encrypted Word file", "secret.doc", encrypted, http.StatusBadRequest, "password"},
		{"over the size limit", "big.pdf", append(bytes.Clone(pdf), make([]byte, catalog.MaxUpload+(2<<20))...), http.StatusRequestEntityTooLarge, "larger than"},
		{"just over the file limit", "big.pdf", append(bytes.Clone(pdf), make([]byte, catalog.MaxUpload)...), http.StatusRequestEntityTooLarge, "larger than"},
		{"a web page", "page.html", []byte("<!doctype html><title>x</title><p>Some words of a web page here.</p>"), http.StatusUnsupportedMediaType, "web page"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.postMultipart(t, staff, "/api/v1/resources", [][2]string{{"title", "Bad " + tc.name}}, tc.file, tc.body)
			p := decode[problem](t, w.Body)
			if w.Code != tc.status || p.Status != tc.status || w.Header().Get("Content-Type") != "application/problem+json" || !strings.Contains(p.Detail, tc.msg) {
				t.Fatalf("status %d (%s): %+v", w.Code, w.Header().Get("Content-Type"), p)
			}
		})
	}
	for name, w := range map[string]*httptest.ResponseRecorder{
		"no file":       e.postMultipart(t, staff, "/api/v1/resources", [][2]string{{"title", "x"}}, "", nil),
		"unknown field": e.postMultipart(t, staff, "/api/v1/resources", [][2]string{{"colour", "red"}}, "a.pdf", pdf),
	} {
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
	if after := total(); after != before {
		t.Fatalf("resources %d -> %d", before, after)
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 0 {
		t.Fatalf("files kept: %v", files)
	}
}

// TestStaffUploadForm: the staff area's upload form needs its CSRF token,
// and refuses bad files with a message on the page (the status says which
// kind), keeping nothing.
func TestStaffUploadForm(t *testing.T) {
	e := newAuthEnv(t)
	e.lib.SetFilesDir(t.TempDir())
	sess := e.session(t, staffEmail)
	staff := withSession(sess)
	if w := e.getAs(t, staff, "/staff/upload"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `enctype="multipart/form-data"`) {
		t.Fatalf("form: %d", w.Code)
	}
	pdf := docFixture(t, "briefing.pdf")
	if w := e.postMultipart(t, staff, "/staff/upload", nil, "a.pdf", pdf); w.Code != http.StatusForbidden {
		t.Fatalf("without a CSRF token: %d", w.Code)
	}
	tok := [][2]string{{"csrf_token", csrfToken(sess)}}
	for _, tc := range []struct {
		name, file string
		body       []byte
		status     int
		msg        string
	}{
		{"executable", "setup.pdf", append([]byte("MZ\x90\x00"), make([]byte, 300)...), http.StatusUnsupportedMediaType, "executable"},
		{"too large", "big.pdf", append(bytes.Clone(pdf), make([]byte, catalog.MaxUpload+(2<<20))...), http.StatusRequestEntityTooLarge, "larger than"},
		{"no file", "", nil, http.StatusUnprocessableEntity, "Choose the document"},
	} {
		w := e.postMultipart(t, staff, "/staff/upload", tok, tc.file, tc.body)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.msg) {
			t.Errorf("%s: %d %.300s", tc.name, w.Code, w.Body)
		}
	}
	w := e.postMultipart(t, staff, "/staff/upload", append(tok, [2]string{"title", "Thresholds"}, [2]string{"access", "members"}), "t.pdf", pdf)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/staff/resources/thresholds") {
		t.Fatalf("upload: %d %s", w.Code, w.Header().Get("Location"))
	}
	id := strings.TrimPrefix(w.Header().Get("Location"), "/staff/resources/")
	if w := e.postMultipart(t, staff, "/staff/resources/"+id+"/versions", tok, "v2.docx", pdf); w.Code != http.StatusUnsupportedMediaType || !strings.Contains(w.Body.String(), "its content is a PDF") {
		t.Fatalf("bad version: %d", w.Code)
	}
	if w := e.postMultipart(t, staff, "/staff/resources/"+id+"/versions", append(tok, [2]string{"label", "V2 final"}), "v2.docx", docFixture(t, "policy.docx")); w.Code != http.StatusSeeOther {
		t.Fatalf("version: %d %s", w.Code, w.Body)
	}
	if body := e.getAs(t, staff, "/staff/resources/"+id).Body.String(); !strings.Contains(body, "V2 final") || !strings.Contains(body, "t.pdf") {
		t.Fatalf("edit page lacks the versions")
	}
}
