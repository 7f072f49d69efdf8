package main

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// The first admin comes from SAFELIB_ADMIN_EMAIL on the first start of an
// empty library: with SAFELIB_ADMIN_PASSWORD it can sign in; without, a
// one-time link is logged, once. /healthz and both version commands say
// the version.
func TestFirstAdminAndVersion(t *testing.T) {
	bin := safelibBin(t)

	data := t.TempDir()
	t.Setenv("SAFELIB_ADMIN_EMAIL", "chair@example.org")
	t.Setenv("SAFELIB_ADMIN_PASSWORD", "a long admin password")
	srv := startServe(t, bin, data)
	resp, err := http.Get(srv.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var health struct{ Status, Version string }
	json.NewDecoder(resp.Body).Decode(&health)
	resp.Body.Close()
	if health.Status != "ok" || !strings.Contains(health.Version, "(commit ") {
		t.Fatalf("/healthz: %+v", health)
	}
	srv.kill()
	out, err := exec.Command(bin, "user", "list", "--data", data).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "chair@example.org") || !strings.Contains(string(out), "admin") {
		t.Fatalf("user list after the first start: %v\n%s", err, out)
	}

	data = t.TempDir()
	t.Setenv("SAFELIB_ADMIN_PASSWORD", "")
	srv = startServe(t, bin, data, "--log-level", "info")
	srv.kill()
	if !strings.Contains(srv.out.String(), "/reset?token=") {
		t.Fatalf("no one-time link logged:\n%s", srv.out.String())
	}
	srv = startServe(t, bin, data, "--log-level", "info")
	srv.kill()
	if strings.Contains(srv.out.String(), "first admin") {
		t.Fatalf("the second start made another admin or link:\n%s", srv.out)
	}

	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), "safelib ") || !strings.Contains(string(out), "(commit ") {
			t.Fatalf("safelib %s: %v %q", args[0], err, out)
		}
	}
}
