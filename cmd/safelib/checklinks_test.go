package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"safelib/internal/catalog"
	"safelib/internal/library"
	"safelib/internal/taxonomy"
)

// TestCheckLinksCommand runs "safelib check-links" twice against fixtures
// that answer 200, 404, 500 and time out: after the second run the three
// failing links are broken.
func TestCheckLinksCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	bin := safelibBin(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	data := t.TempDir()
	h, err := library.Open(ctx, data, taxonomy.Default(), nil, library.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rs []*catalog.Resource
	for _, p := range []string{"ok", "missing", "error", "slow"} {
		rs = append(rs, &catalog.Resource{ID: p, Title: "Fixture " + p, Type: "report", URL: srv.URL + "/" + p})
	}
	if _, err := h.Upsert(ctx, rs); err != nil {
		t.Fatal(err)
	}
	h.Close()

	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append([]string{"check-links", "--data", data, "--log-level", "error",
			"--delay", "0", "--timeout", "500ms"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("check-links: %v\n%s", err, out)
		}
		return string(out)
	}
	// Without --allow-private every fixture is refused (and so failing).
	out := run()
	if !strings.Contains(out, "4 links checked") || !strings.Contains(out, "0 good, 4 failed") {
		t.Fatalf("refused run:\n%s", out)
	}
	out = run("--allow-private")
	if !strings.Contains(out, "1 good, 3 failed") || !strings.Contains(out, "3 broken in all") ||
		!strings.Contains(out, "newly broken: "+srv.URL+"/missing") {
		t.Fatalf("second run:\n%s", out)
	}
	out = run("--allow-private", "--older-than", "1h")
	if !strings.Contains(out, "0 links checked") {
		t.Fatalf("nothing due:\n%s", out)
	}
}
