package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A full disk and a read-only data directory must give clear errors, never
// corruption. Both are real here: the data directory is a size-limited
// tmpfs, or a read-only bind mount, in a private mount namespace of the
// child (`unshare -m`), so even root (CI runs as root, and chmod does not
// stop root) gets ENOSPC and EROFS from the kernel, and nothing outside
// the test sees the mounts. Without the privilege to make a mount
// namespace, the read-only case falls back to chmod (which stops a
// non-root user) and the full-disk case is skipped.
//
// A directory does not turn read-only under a running serve: the kernel
// refuses to remount read-only while files are open for writing (EBUSY),
// and serve holds the database open. So the read-only case is at start;
// the full disk is tested at start, during a bulk import and while serving.

// canMount reports whether this process may mount in a private mount
// namespace.
func canMount(t *testing.T) bool {
	t.Helper()
	if _, err := exec.LookPath("unshare"); err != nil {
		return false
	}
	dir := t.TempDir()
	return exec.Command("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs "+dir).Run() == nil
}

// inNamespace runs script with sh in a private mount namespace, with env,
// and returns its combined output.
func inNamespace(t *testing.T, script string, env ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("unshare", "-m", "sh", "-c", script)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// controlled starts script in a private mount namespace in the background;
// the script waits for files the test creates in ctl (see waitFor).
func controlled(t *testing.T, script string, env ...string) (ctl string, wait func() string) {
	t.Helper()
	ctl = t.TempDir()
	cmd := exec.Command("unshare", "-m", "sh", "-c", script)
	cmd.Env = append(os.Environ(), append(env, "CTL="+ctl)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		touch(ctl, "stop")
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
	})
	return ctl, func() string {
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("the namespace script did not finish:\n%s", out.String())
		}
		return out.String()
	}
}

func touch(dir, name string) { os.WriteFile(filepath.Join(dir, name), nil, 0o644) }

// waitFile waits for the script to create name in ctl.
func waitFile(t *testing.T, ctl, name string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(ctl, name)); err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(ctl, "serve.log"))
			t.Fatalf("no %s from the namespace script; serve said:\n%s", name, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serveScript is the namespace side of the running-server tests: it
// mounts the data directory (MOUNT), starts serve, then on the test's
// word applies BREAK and MEND to the mount, and at "stop" kills serve
// with SIGKILL and runs verify with the mount mended.
const serveScript = `
set -u
eval "$MOUNT" || exit 90
"$BIN" serve --data "$D" --addr "$ADDR" --no-seed --link-check-every 0 --log-level warn 2> "$CTL/serve.log" &
pid=$!
w() { while [ ! -e "$CTL/$1" ]; do sleep 0.02; done; }
w break; eval "$BREAK"; touch "$CTL/broken"
w mend; eval "$MEND"; touch "$CTL/mended"
w stop; kill -9 $pid; wait $pid 2>/dev/null
"$BIN" verify --data "$D" --log-level error; echo "VERIFY_RC=$?"
"$BIN" export --data "$D" --format jsonl --log-level error > "$CTL/export.jsonl"
`

// client is a staff API client of a running server.
type client struct {
	t     *testing.T
	base  string
	token string
	hc    *http.Client
	// lastFailure is the first 5xx answer to an edit.
	lastFailure string
}

func (c *client) do(method, path string, body any) (int, map[string]any) {
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/merge-patch+json")
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// edit PATCHes the title of id and returns the status and new version.
func (c *client) edit(id string, version int64, title string) (int, int64) {
	code, m := c.do(http.MethodPatch, "/api/v1/resources/"+id, map[string]any{"title": title, "version": version})
	if v, ok := m["version"].(float64); ok {
		return code, int64(v)
	}
	if code >= 400 && c.lastFailure == "" {
		c.lastFailure = fmt.Sprint(m)
	}
	return code, version
}

// searchOK checks that a search still answers.
func (c *client) searchOK(when string) {
	code, m := c.do(http.MethodGet, "/api/v1/search?q=report", nil)
	if code != 200 || m["total"].(float64) == 0 {
		c.t.Fatalf("%s: search answered %d %v", when, code, m)
	}
}

// breakWhileServing starts serve on a data directory holding a few
// resources, breaks the mount while it serves (BREAK), checks that writes
// fail with a clear answer while searches go on, mends it (MEND), checks
// writes work again without a restart, then kills serve and verifies:
// consistent, and every acknowledged edit kept.
func breakWhileServing(t *testing.T, mount, brk, mend string, wantErr ...string) {
	bin := safelibBin(t)
	data := t.TempDir()
	seed := filepath.Join(t.TempDir(), "seed.jsonl")
	var b strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, `{"id":"disk-%02d","title":"Disk report %d","type":"report","body":%q}`+"\n", i, i, strings.Repeat("Words of a report. ", 50))
	}
	os.WriteFile(seed, []byte(b.String()), 0o644)
	// The library is made on the real disk, then copied into the mount by
	// MOUNT (a tmpfs starts empty).
	if out, err := exec.Command(bin, "import", "--data", data, "--log-level", "error", seed).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	token := staffToken(t, bin, data)
	port := freeAddr(t)
	ctl, wait := controlled(t, serveScript, "BIN="+bin, "D="+data, "ADDR="+port,
		"MOUNT="+mount, "BREAK="+brk, "MEND="+mend)
	c := &client{t: t, base: "http://" + port, token: token, hc: &http.Client{Timeout: 10 * time.Second}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(c.base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(ctl, "serve.log"))
			t.Fatalf("serve did not come up:\n%s", log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.searchOK("before")
	acked := map[string]string{}
	version := map[string]int64{}
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("disk-%02d", i)
		code, m := c.do(http.MethodGet, "/api/v1/resources/"+id, nil)
		if code != 200 {
			t.Fatalf("GET %s: %d", id, code)
		}
		version[id] = int64(m["version"].(float64))
		title := "Before " + id
		if code, v := c.edit(id, version[id], title); code == 200 {
			acked[id], version[id] = title, v
		} else {
			t.Fatalf("edit before breaking: %d", code)
		}
	}

	touch(ctl, "break")
	waitFile(t, ctl, "broken")
	failed := 0
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("disk-%02d", i)
		title := "Broken " + id
		code, v := c.edit(id, version[id], title)
		switch {
		case code == 200:
			// SQLite may still find room (a page freed in its file): then
			// the edit is acknowledged and must survive like any other.
			acked[id], version[id] = title, v
		case code == http.StatusInsufficientStorage:
			failed++
		default:
			t.Fatalf("edit on a full disk answered %d (%s), want 507", code, c.lastFailure)
		}
		c.searchOK("while broken")
	}
	if failed == 0 {
		t.Fatal("every edit succeeded on a full disk")
	}

	touch(ctl, "mend")
	waitFile(t, ctl, "mended")
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("disk-%02d", i)
		title := "Mended " + id
		code, v := c.edit(id, version[id], title)
		if code != 200 {
			// The conflict case: a failed edit may have reached the store
			// before the index failed ("saved, but indexing failed").
			code2, m := c.do(http.MethodGet, "/api/v1/resources/"+id, nil)
			if code2 != 200 {
				t.Fatalf("after mending: GET %s: %d", id, code2)
			}
			version[id] = int64(m["version"].(float64))
			if code, v = c.edit(id, version[id], title); code != 200 {
				t.Fatalf("after mending, an edit answered %d", code)
			}
		}
		acked[id], version[id] = title, v
	}
	c.searchOK("after mending")

	touch(ctl, "stop")
	out := wait()
	log, _ := os.ReadFile(filepath.Join(ctl, "serve.log"))
	if !strings.Contains(out, "VERIFY_RC=0") {
		t.Fatalf("verify after the kill:\n%s\nserve said:\n%s", out, log)
	}
	found := false
	for _, w := range wantErr {
		found = found || strings.Contains(string(log), w)
	}
	if !found {
		t.Errorf("serve's log names none of %q:\n%s", wantErr, log)
	}
	// Every acknowledged edit is in the store verify just checked (read
	// back by the script with the mount mended: a tmpfs ends with it).
	exp, err := os.ReadFile(filepath.Join(ctl, "export.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for id, title := range acked {
		if !strings.Contains(string(exp), fmt.Sprintf(`"id":%q,"title":%q`, id, title)) {
			t.Fatalf("acknowledged edit %s = %q is missing", id, title)
		}
	}
	t.Logf("%d of 5 edits refused while broken (%s), all acknowledged edits kept", failed, c.lastFailure)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestFullDiskWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if !canMount(t) {
		t.Skip("needs a private mount namespace (unshare -m) for a real full disk")
	}
	// A 16 MB tmpfs holding a copy of the library; BREAK fills it to the
	// last byte, MEND deletes the filler.
	mount := `cp -a "$D" "$D.orig" && mount -t tmpfs -o size=16m tmpfs "$D" && cp -a "$D.orig/." "$D/"`
	breakWhileServing(t, mount,
		`dd if=/dev/zero of="$D/filler" bs=64k 2>/dev/null; sync`,
		`rm -f "$D/filler"`,
		"no space left on device", "database or disk is full")
}

// TestFullDiskImport fills a tmpfs during a bulk import: the import fails
// with a clear error, the transaction under way is rolled back whole,
// serve then either says why it can't start or serves what it has, and
// with room again verify finds the store intact and the index healed.
func TestFullDiskImport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if !canMount(t) {
		t.Skip("needs a private mount namespace (unshare -m) for a real full disk")
	}
	bin := safelibBin(t)
	file := filepath.Join(t.TempDir(), "big.jsonl")
	writeJSONL(t, file, 4000) // about 40 MB of text
	for _, size := range []string{"3m", "24m"} {
		t.Run(size, func(t *testing.T) {
			data := t.TempDir()
			out, err := inNamespace(t, `
mount -t tmpfs -o size=$SIZE tmpfs "$D" || exit 90
"$BIN" import --data "$D" --log-level warn "$FILE"; echo "IMPORT_RC=$?"
timeout 3 "$BIN" serve --data "$D" --addr "$ADDR" --no-seed --link-check-every 0 --log-level warn; echo "SERVE_RC=$?"
mount -o remount,size=256m "$D"
"$BIN" verify --data "$D" --log-level error; echo "VERIFY_RC=$?"
`, "BIN="+bin, "D="+data, "FILE="+file, "SIZE="+size, "ADDR="+freeAddr(t))
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if !strings.Contains(out, "IMPORT_RC=1") {
				t.Fatalf("the import did not fail on a full disk:\n%s", out)
			}
			if !strings.Contains(out, "no space left on device") && !strings.Contains(out, "database or disk is full") {
				t.Fatalf("the error does not say the disk is full:\n%s", out)
			}
			if strings.Contains(out, "rows imported: ") && !regexpRowsOK(out) {
				t.Fatalf("the report counts rows a rolled-back transaction held:\n%s", out)
			}
			// serve on the full disk either refuses to start, saying why
			// (it must heal the index first), or serves what it has (124:
			// stopped by timeout).
			switch {
			case strings.Contains(out, "SERVE_RC=124"):
			case strings.Contains(out, "SERVE_RC=1") && strings.Count(out, "no space left on device")+strings.Count(out, "database or disk is full") >= 2:
			default:
				t.Fatalf("serve on a full disk:\n%s", out)
			}
			if !strings.Contains(out, "VERIFY_RC=0") {
				t.Fatalf("not consistent once there is room again:\n%s", out)
			}
			var rep verifyReport
			i := strings.Index(out, "{")
			if err := json.NewDecoder(strings.NewReader(out[i:])).Decode(&rep); err != nil {
				t.Fatalf("verify output: %v\n%s", err, out)
			}
			// Import commits 1,000 rows at a time: never part of one.
			if rep.StoreActive%1000 != 0 || rep.Integrity != "ok" {
				t.Fatalf("after a full disk: %+v\n%s", rep, out)
			}
			t.Logf("disk of %s: %d resources kept; %s; serve: %s", size, rep.StoreActive, firstLine(out, "safelib:"), firstLine(out, "SERVE_RC"))
		})
	}
}

// regexpRowsOK checks the import report counts only whole, committed
// thousands of new rows.
func regexpRowsOK(out string) bool {
	var rows, added int
	for _, line := range strings.Split(out, "\n") {
		if n, _ := fmt.Sscanf(line, "%d rows imported: %d new", &rows, &added); n == 2 {
			return added%1000 == 0
		}
	}
	return false
}

func firstLine(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// TestReadOnlyDataDir starts serve, import and verify on a read-only data
// directory: each fails at once, naming the directory and the cause, and
// the library is unchanged.
func TestReadOnlyDataDir(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := safelibBin(t)
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "rows.jsonl")
	writeJSONL(t, file, 20)
	if out, err := exec.Command(bin, "import", "--data", data, "--log-level", "error", file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	cmds := [][]string{
		{"serve", "--addr", freeAddr(t), "--link-check-every", "0"},
		{"import", file},
		{"verify"},
	}
	var out string
	switch {
	case canMount(t):
		var script strings.Builder
		script.WriteString(`mount --bind "$D" "$D" && mount -o remount,bind,ro "$D" || exit 90` + "\n")
		for _, c := range cmds {
			fmt.Fprintf(&script, `timeout 20 "$BIN" %s --data "$D" --log-level warn; echo "RC=$?"`+"\n", strings.Join(c, " "))
		}
		var err error
		if out, err = inNamespace(t, script.String(), "BIN="+bin, "D="+data); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	case os.Geteuid() != 0:
		// Without a mount namespace, permissions stop a non-root user.
		os.Chmod(data, 0o500)
		t.Cleanup(func() { os.Chmod(data, 0o700) })
		for _, c := range cmds {
			o, err := exec.Command(bin, append(c, "--data", data, "--log-level", "warn")...).CombinedOutput()
			code := 0
			if err != nil {
				code = 1
			}
			out += fmt.Sprintf("%sRC=%d\n", o, code)
		}
	default:
		t.Skip("root without a mount namespace: no way to make the directory read-only")
	}
	if strings.Count(out, "RC=1") != len(cmds) {
		t.Fatalf("every command must fail on a read-only data directory:\n%s", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "RC=") {
			continue
		}
		if !strings.Contains(line, data) || !(strings.Contains(line, "read-only file system") || strings.Contains(line, "permission denied")) {
			t.Fatalf("unclear error (want the directory and the cause): %q\n%s", line, out)
		}
	}
	verify(t, bin, data)
	if got := exported(t, bin, data); len(got) != 20 {
		t.Fatalf("%d resources after the read-only attempts, want 20", len(got))
	}
}
