package catalog

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"32MB": 32 << 20, "32 mb": 32 << 20, "512KB": 512 << 10, "1GiB": 1 << 30,
		"1048576": 1 << 20, "7b": 7, "2M": 2 << 20} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MB", "32TB", "-1MB", "1.5MB", "32 M B", "99999999999GB"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
	for n, want := range map[int64]string{32 << 20: "32 MB", 512 << 10: "512 KB", 1000: "1000 bytes", 1<<30 + 1<<29: "1536 MB", 3<<20 + 1: "3.0 MB"} {
		if got := SizeText(n); got != want {
			t.Errorf("SizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
