package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSystemdUnitVerifies runs systemd-analyze verify on deploy/safelib.service
// (with ExecStart pointing at an executable that exists here).
func TestSystemdUnitVerifies(t *testing.T) {
	tool, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	unit, err := os.ReadFile("../../deploy/safelib.service")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(unit, []byte("ExecStart=/usr/local/bin/safelib serve")) {
		t.Fatal("the unit's ExecStart moved; update this test")
	}
	unit = bytes.ReplaceAll(unit, []byte("/usr/local/bin/safelib"), []byte(self))
	path := filepath.Join(t.TempDir(), "safelib.service")
	if err := os.WriteFile(path, unit, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "verify", path).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// publicHost is the host name the example configurations use.
const publicHost = "library.example.org"

// TestBehindNginx starts Debian's nginx with deploy/nginx.conf (addresses,
// ports and certificate paths changed to the test's) in front of serve,
// configured as safelib.env.example says, and reaches it over https from
// several loopback addresses: client addresses, lockouts, public links, and
// an import and a document upload of the allowed sizes (the upload read back
// whole through nginx).
func TestBehindNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx, err = exec.LookPath("/usr/sbin/nginx") // not on a user's PATH
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("nginx is missing: .ci/run installs it")
		}
		t.Skip("nginx is not installed")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	runCmd := func(env []string, args ...string) string {
		cmd := exec.Command(bin, append(args, "--data", data, "--log-level", "warn")...)
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	const adminPw = "a long admin password"
	runCmd([]string{"SAFELIB_PASSWORD=" + adminPw}, "user", "add", "chair@example.org", "--role", "admin")
	runCmd([]string{"SAFELIB_PASSWORD=" + adminPw}, "user", "add", "ann@example.org", "--role", "member", "--expires", "2099-12-31")

	serveAddr := freeAddr(t)
	srv := startServeAt(t, bin, data, serveAddr, "--trusted-proxies", "127.0.0.1,::1", "--base-url", "https://"+publicHost)
	defer srv.kill()

	// nginx: the example site, on loopback ports, with a fresh certificate.
	dir := t.TempDir()
	pool := writeCert(t, dir)
	site, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	httpsAddr, httpAddr := freeAddr(t), freeAddr(t)
	conf := string(site)
	for _, r := range [][2]string{
		{"server 127.0.0.1:8080;", "server " + serveAddr + ";"},
		{"listen 443 ssl http2;", "listen " + httpsAddr + " ssl http2;"},
		{"listen [::]:443 ssl http2;", ""},
		{"listen 80;", "listen " + httpAddr + ";"},
		{"listen [::]:80;", ""},
		{"/etc/letsencrypt/live/" + publicHost + "/", dir + "/"},
		{"root /var/www/html;", "root " + dir + ";"},
	} {
		if !strings.Contains(conf, r[0]) {
			t.Fatalf("deploy/nginx.conf no longer has %q; update this test", r[0])
		}
		conf = strings.ReplaceAll(conf, r[0], r[1])
	}
	if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	// nginx's workers (nobody, when the test runs as root) spool large
	// answers to its temp paths: they must be able to reach them, which a
	// test's private directory does not let them.
	spool, err := os.MkdirTemp("", "safelib-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(spool) })
	if err := os.Chmod(spool, 0o777); err != nil {
		t.Fatal(err)
	}
	main := fmt.Sprintf(`pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
worker_processes 1;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[2]s/body;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
    include %[1]s/site.conf;
}
`, dir, spool)
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	ng := exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
	var ngOut bytes.Buffer
	ng.Stdout, ng.Stderr = &ngOut, &ngOut
	if err := ng.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		ng.Process.Signal(os.Interrupt)
		ng.Wait()
	}()

	// A browser at a given loopback address, reaching https://library.example.org
	// through nginx.
	client := func(from string) *http.Client {
		jar, _ := cookiejar.New(nil)
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		return &http.Client{
			Jar:     jar,
			Timeout: 60 * time.Second,
			Transport: &http.Transport{
				DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					return d.DialContext(ctx, network, httpsAddr)
				},
				TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: publicHost},
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	base := "https://" + publicHost
	get := func(c *http.Client, path string) (*http.Response, string) {
		t.Helper()
		var resp *http.Response
		var err error
		for i := 0; i < 100; i++ { // nginx may still be starting
			if resp, err = c.Get(base + path); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, ngOut.String())
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	csrfRe := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	csrf := func(body string) string {
		m := csrfRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no CSRF token in the page")
		}
		return m[1]
	}
	login := func(c *http.Client, email, pw string) int {
		t.Helper()
		_, page := get(c, "/login")
		resp, err := c.PostForm(base+"/login", url.Values{"email": {email}, "password": {pw}, "csrf_token": {csrf(page)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// HSTS over https, and absolute links with the public https address.
	resp, _ := get(client("127.0.0.9"), "/search")
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("GET /search through nginx: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	if _, desc := get(client("127.0.0.9"), "/opensearch.xml"); !strings.Contains(desc, base+"/search") {
		t.Fatalf("OpenSearch description has no %s link:\n%s", base, desc)
	}
	if _, feed := get(client("127.0.0.9"), "/feed.atom"); !strings.Contains(feed, base+"/") || strings.Contains(feed, serveAddr) {
		t.Fatalf("feed links do not use the public address:\n%.600s", feed)
	}

	// One address fails sign-ins until it is locked out...
	guesser := client("127.0.0.2")
	locked := false
	for i := 0; i < 25 && !locked; i++ {
		switch st := login(guesser, fmt.Sprintf("guess%d@example.org", i), "wrong password!"); st {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests:
			locked = true
		default:
			t.Fatalf("failed sign-in %d: %d", i, st)
		}
	}
	if !locked || login(guesser, "ann@example.org", adminPw) != http.StatusTooManyRequests {
		t.Fatal("the guessing address was not locked out")
	}
	// ...and another address still signs in.
	admin := client("127.0.0.3")
	if st := login(admin, "chair@example.org", adminPw); st != http.StatusSeeOther {
		t.Fatalf("another address's sign-in: %d (one address's lockout locked out everyone?)", st)
	}
	// The audit log has each client's own address, not nginx's.
	_, audit := get(admin, "/admin/audit")
	for _, want := range []string{"127.0.0.2", "127.0.0.3"} {
		if !strings.Contains(audit, want) {
			t.Fatalf("audit log lacks client address %s:\n%.2000s", want, audit)
		}
	}
	if strings.Contains(audit, "Setup problem") {
		t.Fatal("a correctly configured proxy is reported as a setup problem")
	}

	// An import upload several times nginx's default 1 MB body limit passes
	// through (the example raises it to the import page's limit).
	_, page := get(admin, "/staff/import")
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("csrf_token", csrf(page))
	fw, _ := mw.CreateFormFile("file", "big.jsonl")
	body := strings.Repeat("Neglect and early help across the partnership. ", 60_000) // ~2.9 MB
	fmt.Fprintf(fw, `{"id":"nginx-big","title":"A long report through nginx","type":"report","url":"https://example.org/nginx-big","body":%q,"themes":["neglect"]}`+"\n", body)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/staff/import", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err = admin.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import of %d bytes through nginx: %d\n%.1000s", form.Len(), resp.StatusCode, out)
	}
	if r, _ := get(admin, "/resources/nginx-big"); r.StatusCode != http.StatusOK {
		t.Fatalf("imported resource: %d", r.StatusCode)
	}

	// A document upload near the library's upload limit passes through too,
	// and the held file comes back whole over https.
	doc := largeDOCX(t, fixture(t, "policy.docx"), 24<<20)
	_, page = get(admin, "/staff/upload")
	form.Reset()
	mw = multipart.NewWriter(&form)
	mw.WriteField("csrf_token", csrf(page))
	mw.WriteField("title", "A large policy through nginx")
	fw, _ = mw.CreateFormFile("file", "large-policy.docx")
	fw.Write(doc)
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, base+"/staff/upload", &form)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	noRedirect := *admin
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/staff/resources/") {
		t.Fatalf("upload of %d bytes through nginx: %d %q\n%.1000s", len(doc), resp.StatusCode, loc, out)
	}
	id := strings.TrimPrefix(loc, "/staff/resources/")
	_, js := get(admin, "/api/v1/resources/"+id)
	var res struct {
		File struct {
			URL    string `json:"url"`
			SHA256 string `json:"sha256"`
			Size   int64  `json:"size"`
		} `json:"file"`
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil || !strings.HasPrefix(res.File.URL, base+"/files/") || res.File.Size != int64(len(doc)) {
		t.Fatalf("uploaded resource's file through nginx (%v): %.600s", err, js)
	}
	resp, err = admin.Get(res.File.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if sum := sha256.Sum256(got); resp.StatusCode != http.StatusOK || hex.EncodeToString(sum[:]) != res.File.SHA256 || !bytes.Equal(got, doc) {
		elog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("download through nginx: %d, %d bytes, sha256 %x (want %s)\nnginx: %s", resp.StatusCode, len(got), sum, res.File.SHA256, elog)
	}
}

// largeDOCX is the document docx with a stored (uncompressed) picture of
// random bytes added, so the file is about size bytes: large, yet no zip
// bomb.
func largeDOCX(t *testing.T, docx []byte, size int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "word/media/image1.png", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	pic := make([]byte, size-len(docx))
	rand.Read(pic)
	w.Write(pic)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// startServeAt is startServe on a chosen address.
func startServeAt(t *testing.T, bin, data, addr string, extra ...string) *running {
	t.Helper()
	args := append([]string{"serve", "--data", data, "--addr", addr, "--log-level", "warn",
		"--link-check-every", "0", "--no-seed"}, extra...)
	r := &running{cmd: exec.Command(bin, args...), base: "http://" + addr, out: &bytes.Buffer{}}
	r.cmd.Stderr = r.out
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(r.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return r
			}
		}
		if time.Now().After(deadline) {
			r.kill()
			t.Fatalf("serve did not come up in 30 s:\n%s", r.out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeCert writes a self-signed certificate for publicHost as
// fullchain.pem and privkey.pem in dir and returns a pool trusting it.
func writeCert(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: publicHost},
		DNSNames:     []string{publicHost},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "fullchain.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(dir, "privkey.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}
