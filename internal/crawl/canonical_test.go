package crawl

import (
	"errors"
	"strings"
	"testing"
)

func TestCanonicalize(t *testing.T) {
	tests := []struct {
		in, want string
		bad      bool
	}{
		{in: "https://www.nao.org.uk/report/children-in-need-of-help-or-protection/",
			want: "https://www.nao.org.uk/report/children-in-need-of-help-or-protection/"},
		{in: "HTTPS://Example.ORG/Reports/A.html", want: "https://example.org/Reports/A.html"},
		{in: "https://example.org", want: "https://example.org/"},
		{in: "https://example.org:443/a", want: "https://example.org/a"},
		{in: "http://example.org:80/a", want: "http://example.org/a"},
		{in: "http://example.org:8080/a", want: "http://example.org:8080/a"},
		{in: "https://example.org./a", want: "https://example.org/a"},
		{in: "https://example.org/a#section-2", want: "https://example.org/a"},
		{in: "https://user:pw@example.org/a", want: "https://example.org/a"},
		{in: "https://example.org/a/./b/../c", want: "https://example.org/a/c"},
		{in: "https://example.org/a?utm_source=news&utm_medium=email", want: "https://example.org/a"},
		{in: "https://example.org/a?id=3&fbclid=xyz&gclid=abc&UTM_Campaign=x", want: "https://example.org/a?id=3"},
		{in: "https://example.org/a?b=2&a=1&b=1", want: "https://example.org/a?a=1&b=2&b=1"},
		{in: "https://example.org/a?", want: "https://example.org/a"},
		{in: "https://example.org/a?q=caf%C3%A9&&x", want: "https://example.org/a?q=caf%C3%A9&x"},
		{in: "https://example.org/a%20b", want: "https://example.org/a%20b"},
		{in: "https://example.org/a?q=a b\u00a0 #x", want: "https://example.org/a?q=a%20b%C2%A0%20"},
		{in: "https://example.org/a?q=café", want: "https://example.org/a?q=caf%C3%A9"},
		{in: "https://ex\xfbample.org/a", bad: true},
		{in: "http://[::1]:8080/x", want: "http://[::1]:8080/x"},
		{in: "  https://example.org/a  ", want: "https://example.org/a"},
		{in: "", bad: true},
		{in: "/relative/path", bad: true},
		{in: "mailto:someone@example.org", bad: true},
		{in: "javascript:alert(1)", bad: true},
		{in: "ftp://example.org/file", bad: true},
		{in: "https://", bad: true},
		{in: "http://..", bad: true},
		{in: "http://a..b/", bad: true},
		{in: "https://example.org/" + strings.Repeat("a", 5000), bad: true},
	}
	for _, tt := range tests {
		got, err := Canonicalize(tt.in)
		if tt.bad {
			if err == nil || !errors.Is(err, ErrBadURL) {
				t.Errorf("Canonicalize(%q) = %q, %v; want ErrBadURL", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Canonicalize(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			continue
		}
		// Canonical URLs are fixed points.
		if again, err := Canonicalize(got); err != nil || again != got {
			t.Errorf("Canonicalize(%q) = %q, %v; not idempotent", got, again, err)
		}
	}
}

func FuzzCanonicalize(f *testing.F) {
	for _, s := range []string{"https://example.org/a?utm_source=x#f", "http://[::1]:80/../a", "https://a.b/%zz", "https://x/?&&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Canonicalize(s)
		if err != nil {
			return
		}
		again, err := Canonicalize(got)
		if err != nil || again != got {
			t.Fatalf("Canonicalize(%q) = %q; again = %q, %v", s, got, again, err)
		}
	})
}
