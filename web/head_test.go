package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHeadAnswersLikeGet(t *testing.T) {
	srv := newTestEnv(t).srv
	for _, path := range []string{"/", "/themes", "/api/v1/search?q=neglect", "/no-such-page"} {
		get := httptest.NewRecorder()
		srv.ServeHTTP(get, httptest.NewRequest(http.MethodGet, path, nil))
		head := httptest.NewRecorder()
		srv.ServeHTTP(head, httptest.NewRequest(http.MethodHead, path, nil))
		if head.Code != get.Code || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") {
			t.Errorf("HEAD %s = %d %q, GET = %d %q", path, head.Code, head.Header().Get("Content-Type"),
				get.Code, get.Header().Get("Content-Type"))
		}
		if head.Body.Len() != 0 {
			t.Errorf("HEAD %s has a body of %d bytes", path, head.Body.Len())
		}
	}
}
