package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// The profiler is served on --debug-addr only, never through the site.
func TestServeDebugAddr(t *testing.T) {
	bin := safelibBin(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debug := l.Addr().String()
	l.Close()
	r := startServe(t, bin, t.TempDir(), "--debug-addr", debug)
	defer r.kill()

	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("http://" + debug + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("profiler index: %d %.200s", code, body)
	}
	if code, body := get("http://" + debug + "/debug/pprof/goroutine?debug=1"); code != 200 || !strings.Contains(body, "goroutine profile") {
		t.Errorf("goroutine profile: %d %.200s", code, body)
	}
	if code, _ := get(r.base + "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("site /debug/pprof/: %d, want 404", code)
	}
}
