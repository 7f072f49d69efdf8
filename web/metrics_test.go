package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// scrape GETs /metrics as who, from addr.
func (e *authEnv) scrape(t *testing.T, who as, addr string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.RemoteAddr = addr
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	who(req)
	return e.do(t, req)
}

func TestMetricsAccess(t *testing.T) {
	e := newAuthEnv(t)
	staff, admin := e.token(t, staffEmail), e.token(t, adminEmail)
	for _, tc := range []struct {
		name string
		who  as
		addr string
		hdr  []string
		want int
	}{
		{"loopback v4", anonymous, "127.0.0.1:40000", nil, 200},
		{"loopback v6", anonymous, "[::1]:40000", nil, 200},
		{"remote anonymous", anonymous, "192.0.2.7:40000", nil, 403},
		{"remote staff", withBearer(staff), "192.0.2.7:40000", nil, 403},
		{"remote admin", withBearer(admin), "192.0.2.7:40000", nil, 200},
		// A reverse proxy on this host connects from loopback for
		// everyone; its forwarding header gives it away.
		{"through a local proxy", anonymous, "127.0.0.1:40000", []string{"X-Forwarded-For", "203.0.113.9"}, 403},
		{"through a local proxy (Forwarded)", anonymous, "127.0.0.1:40000", []string{"Forwarded", "for=203.0.113.9"}, 403},
		{"admin through a local proxy", withBearer(admin), "127.0.0.1:40000", []string{"X-Forwarded-For", "203.0.113.9"}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.scrape(t, tc.who, tc.addr, tc.hdr...)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
			if tc.want == 200 && !strings.Contains(w.Body.String(), "go_goroutines") {
				t.Fatalf("no Prometheus text: %.300s", w.Body)
			}
		})
	}
}

func TestMetricsCount(t *testing.T) {
	e := newAuthEnv(t)
	for _, q := range []string{"neglect", "exploitation", "sport"} {
		if w := e.get(t, "/api/v1/search?q="+q); w.Code != 200 {
			t.Fatalf("search %s: %d", q, w.Code)
		}
	}
	e.get(t, "/resources/"+xssID)
	e.get(t, "/no/such/page")
	tok, ck := e.loginForm(t)
	for i := 0; i < 2; i++ {
		w := e.postForm(t, anonymous, "/login", url.Values{"email": {memberEmail}, "password": {"wrong password!"}, "csrf_token": {tok}}, ck)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("bad sign-in: %d", w.Code)
		}
	}

	w := e.scrape(t, anonymous, "127.0.0.1:40000")
	if w.Code != 200 {
		t.Fatalf("/metrics: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		// By route template, never by raw path or id.
		`safelib_http_requests_total{code="2xx",method="GET",route="/api/v1/search"} 3`,
		`safelib_http_requests_total{code="2xx",method="GET",route="/resources/:id"} 1`,
		`safelib_http_requests_total{code="4xx",method="GET",route="unmatched"} 1`,
		`safelib_http_request_duration_seconds_count{route="/api/v1/search"} 3`,
		`safelib_search_duration_seconds_count 3`,
		`safelib_login_failures_total{reason="bad_credentials"} 2`,
		`safelib_login_failures_total{reason="throttled"} 0`,
		`safelib_index_size_bytes `,
		`process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in /metrics", want)
		}
	}
	if strings.Contains(body, xssID) || strings.Contains(body, "neglect") {
		t.Error("/metrics names a raw path or query")
	}
}
