package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"safelib/internal/catalog"
)

// linkStaff reads the broken links.
var linkStaff = catalog.Reader{UserID: 7, Email: "staff@example.org", Role: "staff", Members: true}

// linkSite answers each path as its name says.
func linkSite(t *testing.T) (*httptest.Server, *sync.Map) {
	var hits sync.Map
	mux := http.NewServeMux()
	count := func(r *http.Request) {
		n, _ := hits.LoadOrStore(r.Method+" "+r.URL.Path, new(int))
		*(n.(*int))++
	}
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { count(r) })
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { count(r); http.NotFound(w, r) })
	mux.HandleFunc("/error", func(w http.ResponseWriter, r *http.Request) { count(r); w.WriteHeader(500) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { count(r); <-r.Context().Done() })
	mux.HandleFunc("/nohead", func(w http.ResponseWriter, r *http.Request) {
		count(r)
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) { count(r); w.WriteHeader(429) })
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { count(r); http.Redirect(w, r, "/ok", 301) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestCheckLinks(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	st := storeOf(l)
	srv, hits := linkSite(t)
	var rs []*catalog.Resource
	for _, p := range []string{"ok", "missing", "error", "slow", "nohead", "busy", "redirect"} {
		rs = append(rs, &catalog.Resource{ID: p, Title: "Link " + p, Type: "report", URL: srv.URL + "/" + p,
			Body: "archived text of " + p})
	}
	if _, err := l.Upsert(ctx, rs); err != nil {
		t.Fatal(err)
	}
	opt := LinkCheckOptions{Client: srv.Client(), Timeout: 300 * time.Millisecond, Delay: -1, Workers: 4}
	if _, err := CheckLinks(ctx, st, catalog.Reader{UserID: 1, Role: "member", Members: true}, opt); !errors.Is(err, catalog.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
	rep, err := CheckLinks(ctx, st, catalog.System, opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Checked != 7 || rep.OK != 3 || rep.Failed != 3 || rep.Inconclusive != 1 || rep.Broken != 0 {
		t.Fatalf("first run: %+v", rep)
	}
	get := func(k string) int {
		if n, ok := hits.Load(k); ok {
			return *(n.(*int))
		}
		return 0
	}
	// HEAD first; GET only when HEAD failed, and never after a timeout.
	if get("HEAD /ok") != 2 /* one via /redirect */ || get("GET /ok") != 0 || get("GET /nohead") != 1 || get("GET /missing") != 1 || get("GET /slow") != 0 {
		hits.Range(func(k, v any) bool { t.Log(k, *(v.(*int))); return true })
		t.Fatal("unexpected requests")
	}
	// Nothing is broken after one failure; after a second it is.
	if b, _, _ := l.BrokenLinks(ctx, linkStaff, 10); len(b) != 0 {
		t.Fatalf("broken after one failure: %v", b)
	}
	rep, err = CheckLinks(ctx, st, catalog.System, opt)
	if err != nil || rep.Broken != 3 || len(rep.NewlyBroken) != 3 {
		t.Fatalf("second run: %+v %v", rep, err)
	}
	broken, n, err := l.BrokenLinks(ctx, linkStaff, 10)
	if err != nil || n != 3 {
		t.Fatalf("broken: %v %d %v", broken, n, err)
	}
	reasons := map[string]string{}
	for _, b := range broken {
		reasons[b.Resource.ID] = b.Check.Reason
		if !b.HasText || !b.Check.LastGood.IsZero() {
			t.Fatalf("broken %s: %+v", b.Resource.ID, b)
		}
	}
	if reasons["missing"] != "HTTP 404 Not Found" || reasons["error"] != "HTTP 500 Internal Server Error" || reasons["slow"] != "timed out" {
		t.Fatalf("reasons: %v", reasons)
	}
	h, err := l.LinkHealthOf(ctx, catalog.Anonymous, "missing")
	if err != nil || h == nil || !h.Broken {
		t.Fatalf("health: %+v %v", h, err)
	}
	if h, _ := l.LinkHealthOf(ctx, catalog.Anonymous, "ok"); h == nil || h.Broken || h.LastGood.IsZero() {
		t.Fatalf("health of a good link: %+v", h)
	}
	// Only URLs not checked since a time are checked.
	opt.CheckedBefore = time.Now().Add(-time.Hour)
	if rep, err := CheckLinks(ctx, st, catalog.System, opt); err != nil || rep.Checked != 0 {
		t.Fatalf("nothing due: %+v %v", rep, err)
	}
}

// TestCheckLinksPolite checks one host sees one request at a time, with
// the delay between them.
func TestCheckLinksPolite(t *testing.T) {
	ctx := context.Background()
	l := newTestLibrary(t)
	st := storeOf(l)
	var mu sync.Mutex
	inFlight, most := 0, 0
	var times []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		times = append(times, time.Now())
		mu.Unlock()
		mu.Lock()
		inFlight--
		mu.Unlock()
	}))
	defer srv.Close()
	var rs []*catalog.Resource
	for i := range 5 {
		rs = append(rs, &catalog.Resource{ID: fmt.Sprintf("p%d", i), Title: "P", Type: "report", URL: fmt.Sprintf("%s/p%d", srv.URL, i)})
	}
	if _, err := l.Upsert(ctx, rs); err != nil {
		t.Fatal(err)
	}
	// Seed URLs point at real sites: check only ours.
	opt := LinkCheckOptions{Client: srv.Client(), Delay: 50 * time.Millisecond, Workers: 8,
		Timeout: time.Second}
	targets, _ := st.LinkTargets(ctx, time.Now().Add(time.Hour), 0)
	for _, u := range targets {
		if !strings.HasPrefix(u, srv.URL) {
			st.RecordLinkCheck(ctx, catalog.LinkResult{URL: u, OK: true, At: time.Now()})
		}
	}
	opt.CheckedBefore = time.Now().Add(-time.Minute)
	rep, err := CheckLinks(ctx, st, catalog.System, opt)
	if err != nil || rep.Checked != 5 || rep.OK != 5 {
		t.Fatalf("run: %+v %v", rep, err)
	}
	if most != 1 {
		t.Fatalf("%d requests at once to one host", most)
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 45*time.Millisecond {
			t.Fatalf("gap %v between requests", gap)
		}
	}
}

func TestLinkCheckerRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	l := newTestLibrary(t)
	st := storeOf(l)
	checked := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case checked <- struct{}{}:
		default:
		}
	}))
	defer srv.Close()
	if _, err := l.Upsert(ctx, []*catalog.Resource{{ID: "a", Title: "A", Type: "report", URL: srv.URL + "/a"}}); err != nil {
		t.Fatal(err)
	}
	lc := NewLinkChecker(st, LinkCheckOptions{Client: srv.Client(), Delay: -1}, 100*time.Millisecond)
	done := make(chan error)
	go func() { done <- lc.Run(ctx) }()
	<-checked
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	runs, err := st.LinkRuns(context.Background(), 5)
	if err != nil || len(runs) == 0 {
		t.Fatalf("runs: %v %v", runs, err)
	}
}
