package main

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Account, organisation and token commands work while serve runs (they
// open only the database); a command that writes the index is refused and
// says why.
func TestCommandsWhileServing(t *testing.T) {
	bin := safelibBin(t)
	data := t.TempDir()
	srv := startServe(t, bin, data)
	defer srv.kill()
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, append(args, "--data", data, "--log-level", "warn")...)
		cmd.Env = append(os.Environ(), "SAFELIB_PASSWORD=a long enough password")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := run(args...)
		if err != nil {
			t.Fatalf("%s while serving: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	must("org", "add", "Northshire LSCP", "--expires", "2099-12-31")
	must("user", "add", "chair@example.org", "--role", "staff")
	must("user", "add", "ann@example.org", "--role", "member", "--org", "Northshire LSCP")
	must("user", "set", "ann@example.org", "--expires", "2099-01-31")
	lines := strings.Split(strings.TrimSpace(must("token", "create", "chair@example.org")), "\n")
	token := strings.TrimSpace(lines[len(lines)-1])
	if !strings.Contains(must("feed-token", "create", "ann@example.org"), "/feed.atom?token=") {
		t.Fatal("feed-token create printed no address")
	}
	if !strings.Contains(must("user", "list"), "ann@example.org") {
		t.Fatal("user list lacks the new member")
	}
	// The running server sees the token made beside it.
	req, _ := http.NewRequest(http.MethodGet, srv.base+"/staff", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the token made while serving: GET /staff %d", resp.StatusCode)
	}
	// Writing the index needs the lock, and the refusal says so.
	out, err := run("reindex")
	if err == nil || !strings.Contains(out, "in use by PID") || !strings.Contains(out, "search index") {
		t.Fatalf("reindex while serving: %v\n%s", err, out)
	}
}
