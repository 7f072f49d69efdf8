package extract

import (
	"net/http"
	"slices"
	"strings"
)

// RobotAgents are the crawlers whose robots directives safelib obeys
// besides those for every robot: itself, and googlebot (sites often
// address only Google).
var RobotAgents = []string{"safelib", "googlebot"}

// RobotsHeader returns the X-Robots-Tag directives (lower case) aimed at
// every robot or at one of RobotAgents ("googlebot: noindex, nofollow": an
// agent prefix applies until the next one). Directives for other crawlers
// are left out.
func RobotsHeader(h http.Header) []string {
	var out []string
	for _, v := range h.Values("X-Robots-Tag") {
		agent := ""
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(strings.ToLower(part))
			if name, rest, ok := strings.Cut(part, ":"); ok && !strings.Contains(name, " ") && name != "unavailable_after" {
				agent, part = strings.TrimSpace(name), strings.TrimSpace(rest)
			}
			if agent == "" || slices.Contains(RobotAgents, agent) {
				out = append(out, part)
			}
		}
	}
	return out
}

// HeaderNoIndex reports whether X-Robots-Tag headers forbid indexing
// ("noindex", "none") for every robot or for one of RobotAgents.
func HeaderNoIndex(h http.Header) bool {
	return slices.ContainsFunc(RobotsHeader(h), robotsNoIndex)
}
