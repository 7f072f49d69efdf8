package crawl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"safelib/internal/catalog"
)

// ErrBadURL is wrapped by Canonicalize's errors.
var ErrBadURL = errors.New("bad URL")

// trackingParams are query parameters that only say where a click came
// from; utm_* is matched by prefix.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "igshid": true,
	"yclid": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true,
}

// Canonicalize returns the form of an absolute http(s) URL under which
// the library stores it: scheme and host in lower case, default port,
// user info and fragment dropped, dot segments resolved, an empty path
// made "/", tracking parameters (utm_*, fbclid, gclid, ...) dropped and
// the remaining parameters sorted by name (stable, so repeated names keep
// their order). Trailing slashes and the case of the path are kept: they
// can name different documents.
func Canonicalize(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fmt.Errorf("%w: empty", ErrBadURL)
	}
	if len(raw) > catalog.MaxURL {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrBadURL, catalog.MaxURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%w: want an absolute http or https URL", ErrBadURL)
	}
	if !utf8.ValidString(u.Hostname()) {
		return "", fmt.Errorf("%w: host is not valid UTF-8", ErrBadURL)
	}
	host := strings.TrimRight(strings.ToLower(u.Hostname()), ".")
	if host == "" || strings.HasPrefix(host, ".") || strings.Contains(host, "..") {
		return "", fmt.Errorf("%w: no host", ErrBadURL)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	switch {
	case port != "":
		u.Host = net.JoinHostPort(host, port)
	case strings.Contains(host, ":"):
		u.Host = "[" + host + "]"
	default:
		u.Host = host
	}
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	u.Opaque = ""
	// Resolving against an empty base removes "." and ".." segments.
	u = (&url.URL{}).ResolveReference(u)
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.RawQuery = cleanQuery(u.RawQuery)
	u.ForceQuery = false
	out := u.String()
	if len(out) > catalog.MaxURL {
		// Escaping can lengthen a URL that was just under the limit.
		return "", fmt.Errorf("%w: longer than %d bytes once escaped", ErrBadURL, catalog.MaxURL)
	}
	return out, nil
}

// escapeControls percent-encodes the spaces, control and non-ASCII bytes
// that url.Parse lets through in a query (as it does in the path), so the
// result has nothing a later TrimSpace could remove (a trailing space or
// U+00A0 made Canonicalize not idempotent).
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// cleanQuery drops tracking and empty parameters and sorts the rest by
// name, keeping each parameter's original encoding.
func cleanQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type param struct{ key, raw string }
	var kept []param
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		// The key is read from the parameter as it will be written, so a
		// second pass sorts it the same way.
		p = escapeControls(p)
		k, _, _ := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		lk := strings.ToLower(key)
		if trackingParams[lk] || strings.HasPrefix(lk, "utm_") {
			continue
		}
		kept = append(kept, param{key, p})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].key < kept[j].key })
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}
