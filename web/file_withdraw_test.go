package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestWithdrawFileVersionPaths: staff withdraw a version from the edit
// page (its form needs the CSRF token) or by DELETE; its file answers 410
// with a page naming the current version, to staff too; the resource JSON
// lists it to staff with "withdrawn" and not to anyone else.
func TestWithdrawFileVersionPaths(t *testing.T) {
	e := newAuthEnv(t)
	e.lib.SetFilesDir(t.TempDir())
	sess := e.session(t, staffEmail)
	staff := withSession(sess)
	bearer := withBearer(e.token(t, staffEmail))
	member := withBearer(e.token(t, memberEmail))
	w := e.postMultipart(t, bearer, "/api/v1/resources", [][2]string{{"title", "Versions to withdraw"}}, "v1.pdf", docFixture(t, "briefing.pdf"))
	id := decode[map[string]string](t, w.Body)["id"]
	for _, name := range []string{"policy.docx", "briefing.pptx"} {
		if w := e.postMultipart(t, bearer, "/api/v1/resources/"+id+"/versions", nil, name, docFixture(t, name)); w.Code != http.StatusCreated {
			t.Fatalf("version %s: %d %s", name, w.Code, w.Body)
		}
	}
	edit := e.getAs(t, staff, "/staff/resources/"+id).Body.String()
	for _, n := range []string{"1", "2", "3"} {
		mustContain(t, edit, `action="/staff/resources/`+id+`/files/`+n+`/withdraw"`)
	}
	if w := e.postForm(t, staff, "/staff/resources/"+id+"/files/2/withdraw", url.Values{}); w.Code != http.StatusForbidden {
		t.Fatalf("without a CSRF token: %d", w.Code)
	}
	if w := e.sendJSON(t, member, http.MethodDelete, "/api/v1/resources/"+id+"/versions/2", ""); w.Code != http.StatusForbidden {
		t.Fatalf("a member's DELETE: %d", w.Code)
	}
	w = e.postForm(t, staff, "/staff/resources/"+id+"/files/2/withdraw", url.Values{"csrf_token": {csrfToken(sess)}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/staff/resources/"+id {
		t.Fatalf("withdraw from the page: %d %s", w.Code, w.Body)
	}
	// The current version, by API: version 1 is current again.
	if w := e.sendJSON(t, bearer, http.MethodDelete, "/api/v1/resources/"+id+"/versions/3?reason=wrong+file", ""); w.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", w.Code, w.Body)
	}
	for _, code := range []struct {
		path string
		want int
	}{{"/api/v1/resources/" + id + "/versions/3", http.StatusConflict}, {"/api/v1/resources/" + id + "/versions/1", http.StatusConflict},
		{"/api/v1/resources/" + id + "/versions/9", http.StatusNotFound}} {
		if w := e.sendJSON(t, bearer, http.MethodDelete, code.path, ""); w.Code != code.want {
			t.Errorf("DELETE %s: %d, want %d", code.path, w.Code, code.want)
		}
	}
	for name, who := range map[string]as{"anonymous": func(*http.Request) {}, "member": member, "staff": staff} {
		w := e.getAs(t, who, "/files/"+id+"/3/briefing.pptx")
		if w.Code != http.StatusGone || !strings.Contains(w.Body.String(), "withdrawn") || !strings.Contains(w.Body.String(), "V1 ") ||
			bytes.Contains(w.Body.Bytes(), []byte("PK\x03\x04")) {
			t.Errorf("%s: withdrawn version answers %d", name, w.Code)
		}
		if w := e.getAs(t, who, "/files/"+id+"/1/v1.pdf"); w.Code != http.StatusOK {
			t.Errorf("%s: version 1 answers %d", name, w.Code)
		}
	}
	type version struct {
		Label     string `json:"label"`
		Withdrawn string `json:"withdrawn"`
	}
	type resource struct {
		File     struct{ Name string } `json:"file"`
		Versions []version             `json:"versions"`
		Body     string                `json:"body"`
	}
	s := decode[resource](t, e.getAs(t, bearer, "/api/v1/resources/"+id).Body)
	m := decode[resource](t, e.getAs(t, member, "/api/v1/resources/"+id).Body)
	if s.File.Name != "v1.pdf" || len(s.Versions) != 3 || s.Versions[0].Withdrawn != "" || s.Versions[1].Withdrawn == "" || s.Versions[2].Withdrawn == "" ||
		!strings.Contains(strings.ToLower(s.Body), "zorblatt") {
		t.Fatalf("staff JSON: %+v", s)
	}
	if m.File.Name != "v1.pdf" || len(m.Versions) != 1 || m.Versions[0].Withdrawn != "" {
		t.Fatalf("member JSON: %+v", m)
	}
	edit = e.getAs(t, staff, "/staff/resources/"+id).Body.String()
	mustContain(t, edit, "Withdrawn ")
	mustContain(t, edit, "The only version served")
	mustNotContain(t, edit, `/files/1/withdraw"`)
}

// TestUploadLegacyNote: an .xls upload is kept, and the 201 answer, the
// staff JSON and the staff page say why it has no text; the public JSON
// does not.
func TestUploadLegacyNote(t *testing.T) {
	e := newAuthEnv(t)
	e.lib.SetFilesDir(t.TempDir())
	sess := e.session(t, staffEmail)
	bearer := withBearer(e.token(t, staffEmail))
	w := e.postMultipart(t, bearer, "/api/v1/resources", nil, "figures.xls", docFixture(t, "figures.xls"))
	created := decode[map[string]string](t, w.Body)
	why := "kept without text: an Excel 97-2003 (.xls) workbook"
	if w.Code != http.StatusCreated || !strings.HasPrefix(created["text_note"], why) {
		t.Fatalf("upload: %d %v", w.Code, created)
	}
	id := created["id"]
	if r := decode[map[string]any](t, e.getAs(t, bearer, "/api/v1/resources/"+id).Body); !strings.HasPrefix(r["text_note"].(string), why) {
		t.Fatalf("staff JSON: %v", r)
	}
	if body := e.getAs(t, func(*http.Request) {}, "/api/v1/resources/"+id).Body.String(); strings.Contains(body, "text_note") || strings.Contains(body, "kept without text") {
		t.Fatalf("public JSON: %s", body)
	}
	mustContain(t, e.getAs(t, withSession(sess), "/staff/resources/"+id).Body.String(), `id="text-note"`)
	// The form says so on the way to the page.
	w = e.postMultipart(t, withSession(sess), "/staff/upload", [][2]string{{"csrf_token", csrfToken(sess)}, {"title", "Figures again"}}, "figures2.xls", docFixture(t, "figures.xls"))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("form upload: %d %.300s", w.Code, w.Body)
	}
}
