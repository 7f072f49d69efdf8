package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"safelib/internal/testkit"
)

// TestUploadStatusesAgree: the staff form answers a refused document with
// the API's status (400 unreadable or encrypted, 413, 415), and 422 only
// for a form without its file or a field typed wrong; both follow the
// library's upload limit (serve's --max-upload), naming it.
func TestUploadStatusesAgree(t *testing.T) {
	e := newAuthEnv(t)
	e.lib.SetFilesDir(t.TempDir())
	e.lib.SetMaxUpload(1 << 20)
	sess := e.session(t, staffEmail)
	staff := withSession(sess)
	bearer := withBearer(e.token(t, staffEmail))
	tok := [][2]string{{"csrf_token", csrfToken(sess)}}
	docx, doc, pdf := docFixture(t, "policy.docx"), docFixture(t, "policy.doc"), docFixture(t, "briefing.pdf")
	encrypted := testkit.EncryptedWord(t, doc)
	for _, tc := range []struct {
		name, file string
		body       []byte
		status     int
		msg        string
	}{
		{"unreadable", "broken.docx", testkit.ReplaceZipMember(t, docx, "word/document.xml", "<w:document><w:body>"), http.StatusBadRequest, "can't be read"},
		{"encrypted", "secret.doc", encrypted, http.StatusBadRequest, "password"},
		{"over the lowered limit", "big.pdf", append(bytes.Clone(pdf), make([]byte, 1<<20)...), http.StatusRequestEntityTooLarge, "larger than 1 MB"},
		{"over the lowered request limit", "big.pdf", append(bytes.Clone(pdf), make([]byte, 3<<20)...), http.StatusRequestEntityTooLarge, "larger than"},
		{"not a document", "page.pdf", []byte("MZ\x90\x00" + strings.Repeat("x", 300)), http.StatusUnsupportedMediaType, "executable"},
	} {
		api := e.postMultipart(t, bearer, "/api/v1/resources", nil, tc.file, tc.body)
		form := e.postMultipart(t, staff, "/staff/upload", tok, tc.file, tc.body)
		if api.Code != tc.status || form.Code != tc.status || !strings.Contains(api.Body.String(), tc.msg) ||
			!strings.Contains(strings.ReplaceAll(form.Body.String(), "&#39;", "'"), tc.msg) {
			t.Errorf("%s: API %d %.200s; form %d", tc.name, api.Code, api.Body, form.Code)
		}
	}
	if w := e.postMultipart(t, staff, "/staff/upload", tok, "", nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("form without a file: %d", w.Code)
	}
	w := e.postMultipart(t, staff, "/staff/upload", append(tok, [2]string{"title", "Statuses"}), "s.docx", docx)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %.300s", w.Code, w.Body)
	}
	versions := w.Header().Get("Location") + "/versions"
	for _, tc := range []struct {
		name   string
		fields [][2]string
		file   string
		body   []byte
		status int
	}{
		{"no file", nil, "", nil, http.StatusUnprocessableEntity},
		{"a date that is none", [][2]string{{"published", "soon"}}, "v2.docx", docx, http.StatusUnprocessableEntity},
		{"unreadable", nil, "v2.doc", encrypted, http.StatusBadRequest},
	} {
		if w := e.postMultipart(t, staff, versions, append(tok, tc.fields...), tc.file, tc.body); w.Code != tc.status {
			t.Errorf("version %s: %d %.300s", tc.name, w.Code, w.Body)
		}
	}
}
