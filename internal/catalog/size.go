package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseSize reads a size in bytes written with an optional unit: "32MB",
// "512 KB", "1GiB", "1048576". Units count in 1024s (KB and KiB are the
// same), as the limits the library states do ("32 MB" is 32 << 20).
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	num := strings.TrimRight(t, "KMGIB ")
	unit := strings.TrimSpace(t[len(num):])
	shift := 0
	switch unit {
	case "", "B":
	case "K", "KB", "KIB":
		shift = 10
	case "M", "MB", "MIB":
		shift = 20
	case "G", "GB", "GIB":
		shift = 30
	default:
		return 0, fmt.Errorf("size %q: want a number of bytes with an optional unit (KB, MB, GB), e.g. 32MB", s)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q: want a number of bytes with an optional unit (KB, MB, GB), e.g. 32MB", s)
	}
	return n << shift, nil
}

// SizeText writes a size as ParseSize reads it, in the largest unit that
// divides it: "32 MB", "512 KB", "1000 bytes".
func SizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}
