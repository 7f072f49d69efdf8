package crawl

import (
	"net/http"
	"testing"
)

func TestHeaderNoFollow(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"nofollow", true},
		{"NoIndex, NoFollow", true},
		{"none", true},
		{"noindex", false},
		{"safelib: nofollow", true},
		{"googlebot: nofollow", true},
		{"otherbot: nofollow", false},
		{"otherbot: nofollow, safelib: noarchive", false},
	} {
		h := http.Header{}
		h.Add("X-Robots-Tag", tc.value)
		if got := headerNoFollow(h); got != tc.want {
			t.Errorf("headerNoFollow(%q) = %v, want %v", tc.value, got, tc.want)
		}
	}
}
