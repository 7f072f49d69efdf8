package web

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"safelib/internal/config"
)

// slowReader hands out its bytes in two halves with a pause between,
// like a large upload on a slow line.
type slowReader struct {
	r     *bytes.Reader
	pause time.Duration
	half  int
	done  bool
}

func (s *slowReader) Read(p []byte) (int, error) {
	if !s.done && int(s.r.Size())-s.r.Len() >= s.half {
		s.done = true
		time.Sleep(s.pause)
	}
	if n := s.half - (int(s.r.Size()) - s.r.Len()); !s.done && n > 0 && len(p) > n {
		p = p[:n]
	}
	return s.r.Read(p)
}

// uploadSlowly posts an import through a real server whose read and
// write timeouts are 1 s, taking 2 s to send the file.
func uploadSlowly(t *testing.T, importTimeout time.Duration) (int, string, error) {
	t.Helper()
	e := newAuthEnv(t, func(c *config.Config) { c.ImportTimeout = importTimeout })
	tok := e.session(t, staffEmail)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: e.srv, ReadTimeout: time.Second, WriteTimeout: time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	var rows strings.Builder
	for i := range 200 {
		rows.WriteString(`{"title":"Slow upload policy ` + strings.Repeat("x", i%7) + `","type":"local-policy","url":"https://example.org/slow/` +
			string(rune('a'+i%26)) + "/" + strings.Repeat("p", 1+i/26) + `","area":"Northshire"}` + "\n")
	}
	body, ct := multipartForm(t, map[string]string{"csrf_token": csrfToken(tok)}, "slow.jsonl", []byte(rows.String()))
	sr := &slowReader{r: bytes.NewReader(body.Bytes()), pause: 2 * time.Second, half: body.Len() / 2}
	req, err := http.NewRequest(http.MethodPost, "http://"+ln.Addr().String()+"/staff/import", sr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(body.Len())
	req.Header.Set("Content-Type", ct)
	withSession(tok)(req)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, string(b), err
}

// A staff import that takes longer than the server's read and write
// timeouts still completes: the route gets --import-timeout instead.
func TestImportOutlastsServerTimeouts(t *testing.T) {
	status, body, err := uploadSlowly(t, time.Minute)
	if err != nil {
		t.Fatalf("the slow import was cut off: %v", err)
	}
	if status != http.StatusOK || !strings.Contains(body, "200 rows") && !strings.Contains(body, "<td>200</td>") {
		t.Fatalf("slow import: %d\n%.2000s", status, body)
	}
}

// Without the longer deadline the same upload is cut off: the test above
// can fail.
func TestImportCutOffWithoutImportTimeout(t *testing.T) {
	status, body, err := uploadSlowly(t, 0)
	if err == nil && status == http.StatusOK {
		t.Fatalf("a 2 s upload passed a 1 s read timeout: %d %.300s", status, body)
	}
}
