package extract

import (
	"net/http"
	"strings"
)

// HeaderNoIndex reports whether X-Robots-Tag headers forbid indexing, for
// all robots ("noindex", "none") or for googlebot ("googlebot: noindex"),
// the same robots the meta tag is read for. Directives aimed at other
// crawlers are ignored.
func HeaderNoIndex(h http.Header) bool {
	for _, v := range h.Values("X-Robots-Tag") {
		agent := ""
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(strings.ToLower(part))
			// "googlebot: noindex, nofollow": the agent applies until the
			// next agent prefix.
			if name, rest, ok := strings.Cut(part, ":"); ok && !strings.Contains(name, " ") && name != "unavailable_after" {
				agent, part = strings.TrimSpace(name), strings.TrimSpace(rest)
			}
			if agent != "" && agent != "googlebot" {
				continue
			}
			if robotsNoIndex(part) {
				return true
			}
		}
	}
	return false
}
