package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// serve's scheduled backups: snapshots named by time in --backup-dir,
// pruned to --backup-keep, each a sound database; the latest result in
// /metrics and on the admin page.
func TestScheduledBackups(t *testing.T) {
	bin := safelibBin(t)
	data, dir := t.TempDir(), t.TempDir()
	srv := startServe(t, bin, data, "--backup-every", "1s", "--backup-keep", "2", "--backup-dir", dir)
	defer srv.kill()
	okRe := regexp.MustCompile(`safelib_backups_total\{result="ok"\} (\d+)`)
	metrics := func() string {
		resp, err := http.Get(srv.base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	deadline := time.Now().Add(30 * time.Second)
	var m string
	for {
		m = metrics()
		if g := okRe.FindStringSubmatch(m); g != nil {
			if n, _ := strconv.Atoi(g[1]); n >= 4 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("fewer than 4 backups in 30 s:\n%s\n%s", okRe.FindString(m), srv.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(m, `safelib_backup_last{field="ok"} 1`) || !strings.Contains(m, `safelib_backups_total{result="failed"} 0`) {
		t.Fatalf("backup metrics:\n%s", m)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "safelib-*.db"))
	if len(names) < 2 || len(names) > 3 { // the next one may be being written as we look
		t.Fatalf("kept %d backups, want 2: %v", len(names), names)
	}
	nameRe := regexp.MustCompile(`^safelib-\d{8}T\d{6}Z\.db$`)
	for _, n := range names {
		if !nameRe.MatchString(filepath.Base(n)) {
			t.Fatalf("backup name %s", n)
		}
	}
	// A kept snapshot restores.
	restored := filepath.Join(t.TempDir(), "r")
	if out, err := exec.Command(bin, "restore", names[0], "--data", restored, "--log-level", "warn").CombinedOutput(); err != nil {
		t.Fatalf("restore %s: %v\n%s", names[0], err, out)
	}
	// The admin page shows the latest.
	cmd := exec.Command(bin, "user", "add", "chair@example.org", "--role", "admin", "--data", data)
	cmd.Env = append(os.Environ(), "SAFELIB_PASSWORD=a long admin password")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "token", "create", "chair@example.org", "--data", data).Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	req, _ := http.NewRequest(http.MethodGet, srv.base+"/admin/people", nil)
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(lines[len(lines)-1]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Latest backup:") || !strings.Contains(string(page), "the newest 2 are kept") {
		t.Fatalf("admin page %d lacks the backup status:\n%.3000s", resp.StatusCode, page)
	}
}
