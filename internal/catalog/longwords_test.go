package catalog

import (
	"strings"
	"testing"
)

func TestCutLongWords(t *testing.T) {
	long := strings.Repeat("a", MaxWord)
	for in, want := range map[string]string{
		"plain words stay":                 "plain words stay",
		long:                               long,
		long + "b":                         long,
		"x " + long + "bcd, then more":     "x " + long + ", then more",
		strings.Repeat("é", MaxWord+5):     strings.Repeat("é", MaxWord),
		"https://example.org/a/b?c=d long": "https://example.org/a/b?c=d long",
		"":                                 "",
	} {
		if got := CutLongWords(in); got != want {
			t.Errorf("CutLongWords(%.40q…) = %.80q, want %.80q", in, got, want)
		}
	}
	r := &Resource{Title: "t", Body: strings.Repeat("z", 10<<20), Pages: []string{"ok", strings.Repeat("y", 100)}}
	r.Normalize()
	if len(r.Body) != MaxWord || r.Pages[0] != "ok" || len(r.Pages[1]) != MaxWord {
		t.Errorf("Normalize kept %d bytes of body, pages %d %d", len(r.Body), len(r.Pages[0]), len(r.Pages[1]))
	}
}
