package web

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// embedAssets is embed.js as served, prepared once from the embedded
// static files: the script with the embeds' stylesheet (minified) inside
// it, so a partnership page loads one file. Frames link the same sheet.
type embedAssets struct {
	js []byte
}

// maxEmbedJS is the budget for embed.js as served.
const maxEmbedJS = 10 << 10

// cssPlaceholder is the string literal in embed.js the stylesheet replaces.
const cssPlaceholder = `"__SAFELIB_CSS__"`

var loadEmbedAssets = sync.OnceValues(func() (*embedAssets, error) {
	rawCSS, err := staticFS.ReadFile("static/embed.css")
	if err != nil {
		return nil, fmt.Errorf("web: embed.css: %w", err)
	}
	rawJS, err := staticFS.ReadFile("static/embed.js")
	if err != nil {
		return nil, fmt.Errorf("web: embed.js: %w", err)
	}
	css := minifyCSS(string(rawCSS))
	lit, err := json.Marshal(css)
	if err != nil {
		return nil, fmt.Errorf("web: embed.css as a string: %w", err)
	}
	js := trimJS(string(rawJS))
	if strings.Count(js, cssPlaceholder) != 1 {
		return nil, fmt.Errorf("web: embed.js must contain %s once", cssPlaceholder)
	}
	js = strings.Replace(js, cssPlaceholder, string(lit), 1)
	if len(js) > maxEmbedJS {
		return nil, fmt.Errorf("web: embed.js is %d bytes, over its %d-byte budget", len(js), maxEmbedJS)
	}
	return &embedAssets{js: []byte(js)}, nil
})

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssSpace   = regexp.MustCompile(`\s+`)
	cssPunct   = regexp.MustCompile(`\s*([{};,>])\s*`)
)

// minifyCSS drops comments and needless spaces. It is meant for our own
// stylesheet, which has no strings or URLs where spaces matter.
func minifyCSS(s string) string {
	s = cssComment.ReplaceAllString(s, "")
	s = cssSpace.ReplaceAllString(s, " ")
	s = cssPunct.ReplaceAllString(s, "$1")
	return strings.ReplaceAll(strings.TrimSpace(s), ";}", "}")
}

// trimJS drops indentation, blank lines and whole-line // comments. It is
// meant for our own script, which has no multi-line strings.
func trimJS(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}
