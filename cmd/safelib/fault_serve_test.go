package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// kill -9 of serve (and of a crawl) while it writes, 20 times each: every
// restart must come up, `safelib verify` must find the store intact and
// the index agreeing with it after the automatic heal, and every write
// the server acknowledged (a 2xx answer) must still be there.

const faultKills = 20

// running is a `safelib serve` the test started.
type running struct {
	cmd  *exec.Cmd
	base string
	out  *bytes.Buffer
}

// startServe starts serve on a free loopback port and waits until it
// answers. Scheduled link checks are off: nothing leaves 127.0.0.1.
func startServe(t *testing.T, bin, data string, extra ...string) *running {
	t.Helper()
	return startServeAt(t, bin, data, freeAddr(t), extra...)
}

func (r *running) kill() {
	r.cmd.Process.Signal(syscall.SIGKILL)
	r.cmd.Wait()
}

// staffToken adds a staff account and returns an API token for it (before
// serve starts: the data directory has one owner at a time).
func staffToken(t *testing.T, bin, data string) string {
	t.Helper()
	run := func(args ...string) string {
		out, err := exec.Command(bin, append(args, "--data", data, "--log-level", "warn")...).Output()
		if err != nil {
			t.Fatalf("%s: %v", strings.Join(args, " "), err)
		}
		return string(out)
	}
	run("user", "add", "fault-staff@example.org", "--role", "staff", "--no-password")
	lines := strings.Split(strings.TrimSpace(run("token", "create", "fault-staff@example.org")), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// exported returns id -> title of every active resource, read with
// `safelib export` (the data directory must be free).
func exported(t *testing.T, bin, data string) map[string]string {
	t.Helper()
	out, err := exec.Command(bin, "export", "--data", data, "--format", "jsonl", "--log-level", "error").Output()
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	got := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var r struct{ ID, Title, Status string }
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("export output: %v", err)
		}
		if r.Status == "" || r.Status == "active" {
			got[r.ID] = r.Title
		}
	}
	return got
}

// TestKillServeDuringBulkImport uploads batches to POST /staff/import and
// kills serve at a random moment of each. A batch is one transaction: it
// is there whole or not at all, and whole when it was acknowledged.
func TestKillServeDuringBulkImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	token := staffToken(t, bin, data)
	const rows = 400
	body := strings.Repeat("Thresholds for early help and statutory assessment. ", 40)
	rng := rand.New(rand.NewSource(11))
	acked := map[int]bool{}
	for i := 0; i < faultKills; i++ {
		srv := startServe(t, bin, data)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "batch.jsonl")
		for r := 0; r < rows; r++ {
			fmt.Fprintf(fw, `{"id":"srv-%02d-%03d","title":"Bulk %d row %d","type":"report","body":%q}`+"\n", i, r, i, r, body)
		}
		mw.Close()
		done := make(chan int, 1)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, srv.base+"/staff/import", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			done <- resp.StatusCode
		}()
		time.Sleep(time.Duration(20+rng.Intn(400)) * time.Millisecond)
		srv.kill()
		if <-done == http.StatusOK {
			acked[i] = true
		}
		verify(t, bin, data)
		have := exported(t, bin, data)
		for b := 0; b <= i; b++ {
			n := 0
			for r := 0; r < rows; r++ {
				if _, ok := have[fmt.Sprintf("srv-%02d-%03d", b, r)]; ok {
					n++
				}
			}
			if n != 0 && n != rows || acked[b] && n != rows {
				t.Fatalf("kill %d: batch %d has %d of %d rows (acknowledged: %v)", i, b, n, rows, acked[b])
			}
		}
	}
	t.Logf("%d of %d batches were acknowledged before the kill", len(acked), faultKills)
}

// TestKillServeDuringStaffEdits PATCHes resources through the API as fast
// as answers come and kills serve at a random moment. After each restart
// every acknowledged edit is there: a resource's title carries the number
// of its last edit, which may be newer (saved but not yet answered) but
// never older than the last acknowledged one.
func TestKillServeDuringStaffEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	ids := make([]string, 6)
	var seed bytes.Buffer
	for k := range ids {
		ids[k] = fmt.Sprintf("edit-%d", k)
		fmt.Fprintf(&seed, `{"id":%q,"title":"Edit 0","type":"guidance","body":"Start."}`+"\n", ids[k])
	}
	file := filepath.Join(t.TempDir(), "seed.jsonl")
	if err := os.WriteFile(file, seed.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "import", "--data", data, "--log-level", "error", file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	token := staffToken(t, bin, data)
	rng := rand.New(rand.NewSource(13))
	lastAcked := map[string]int{}
	seq := 0
	total := 0
	for i := 0; i < faultKills; i++ {
		srv := startServe(t, bin, data)
		client := &http.Client{Timeout: 5 * time.Second}
		call := func(method, id string, body []byte) (int, map[string]any) {
			req, _ := http.NewRequest(method, srv.base+"/api/v1/resources/"+id, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/merge-patch+json")
			resp, err := client.Do(req)
			if err != nil {
				return 0, nil
			}
			defer resp.Body.Close()
			var m map[string]any
			json.NewDecoder(resp.Body).Decode(&m)
			return resp.StatusCode, m
		}
		version := map[string]int64{}
		for _, id := range ids {
			code, m := call(http.MethodGet, id, nil)
			if code != 200 {
				t.Fatalf("restart %d: GET %s: %d", i, id, code)
			}
			version[id] = int64(m["version"].(float64))
		}
		stop := make(chan struct{})
		var mu sync.Mutex
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				id := ids[k%len(ids)]
				mu.Lock()
				seq++
				n := seq
				mu.Unlock()
				patch, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("Edit %d", n), "version": version[id]})
				code, m := call(http.MethodPatch, id, patch)
				if code == 0 {
					return // the server is gone
				}
				if code != 200 {
					t.Errorf("PATCH %s: %d %v", id, code, m)
					return
				}
				mu.Lock()
				lastAcked[id] = n
				total++
				mu.Unlock()
				version[id] = int64(m["version"].(float64))
			}
		}()
		time.Sleep(time.Duration(50+rng.Intn(500)) * time.Millisecond)
		srv.kill()
		close(stop)
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		verify(t, bin, data)
		have := exported(t, bin, data)
		for _, id := range ids {
			n, err := strconv.Atoi(strings.TrimPrefix(have[id], "Edit "))
			if err != nil || n < lastAcked[id] {
				t.Fatalf("kill %d: %s has title %q, but edit %d was acknowledged", i, id, have[id], lastAcked[id])
			}
		}
	}
	if total == 0 {
		t.Fatal("no edit was acknowledged")
	}
	t.Logf("%d edits acknowledged across %d kills", total, faultKills)
}
