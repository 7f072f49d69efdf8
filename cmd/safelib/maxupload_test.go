package main

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMaxUploadFlag: serve's --max-upload (or SAFELIB_MAX_UPLOAD) is the
// upload limit in force, shown in --help; a value past what the extractor
// reads is refused at start, naming the flag.
func TestMaxUploadFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	help, err := exec.Command(bin, "serve", "--help").Output()
	if err != nil || !strings.Contains(string(help), "--max-upload size") || !strings.Contains(string(help), "(default 32 MB)") {
		t.Fatalf("serve --help: %v\n%s", err, help)
	}
	data := t.TempDir()
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", freeAddr(t))
	cmd.Env = append(os.Environ(), "SAFELIB_MAX_UPLOAD=64MB")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "--max-upload: from 64 KB to 32 MB") {
		t.Fatalf("SAFELIB_MAX_UPLOAD=64MB: %v\n%s", err, out)
	}
	token := staffToken(t, bin, data)
	srv := startServe(t, bin, data, "--max-upload", "100KB")
	defer srv.kill()
	post := func(body []byte) (int, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "policy.docx")
		fw.Write(body)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/resources", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp.StatusCode, b.String()
	}
	doc := fixture(t, "policy.docx")
	if code, body := post(append(bytes.Clone(doc), make([]byte, 100<<10)...)); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "larger than 100 KB") {
		t.Fatalf("over --max-upload: %d %s", code, body)
	}
	if code, body := post(doc); code != http.StatusCreated {
		t.Fatalf("under --max-upload: %d %s", code, body)
	}
}
