package crawl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

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
	return u.String(), nil
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
