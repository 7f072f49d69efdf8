package mail

// Items in emails: the one rendering of library items (catalog.MailItem,
// built for the recipient by library.MailItems) as the text and HTML
// parts of a message, shared by alert digests and the newsletter.
//
// Go API (issue 11b builds the newsletter on it):
//
//	text, html, err := composer.ItemParts(items)
//
// text is a plain list ("* Title (new)", facts, summary, snippet with its
// page, the item's library address); html is a <ul> of the same, readable
// without images or styles, for a template's {{.}} (already safe HTML).

import (
	"bytes"
	"fmt"
	"html"
	htmltemplate "html/template"
	"strings"

	"safelib/internal/catalog"
)

// ItemParts renders items for the text and the HTML part of a message.
func (c *Composer) ItemParts(items []catalog.MailItem) (string, htmltemplate.HTML, error) {
	data := map[string]any{"Base": c.BaseURL, "Items": items}
	var text, h bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, "items.txt", data); err != nil {
		return "", "", fmt.Errorf("render items: %w", err)
	}
	if err := htmlTemplates.ExecuteTemplate(&h, "items.html", data); err != nil {
		return "", "", fmt.Errorf("render items: %w", err)
	}
	return text.String(), htmltemplate.HTML(h.String()), nil
}

// facts is an item's line of facts: publisher, type, date, and "Members
// only" for a teaser.
func facts(it catalog.MailItem) string {
	var fs []string
	for _, f := range []string{it.Publisher, catalog.TypeLabel(it.Type), it.Published.Human()} {
		if f != "" {
			fs = append(fs, f)
		}
	}
	if it.MembersOnly {
		fs = append(fs, "Members only")
	}
	return strings.Join(fs, " | ")
}

// markup is a snippet (HTML-escaped text with <mark> around the words)
// as HTML: escaped again from its text, so only the marks are markup.
func markup(s string) htmltemplate.HTML {
	esc := htmltemplate.HTMLEscapeString(html.UnescapeString(s))
	return htmltemplate.HTML(strings.NewReplacer("&lt;mark&gt;", "<mark>", "&lt;/mark&gt;", "</mark>").Replace(esc))
}
