package mail

import (
	"strings"
	"testing"

	"safelib/internal/catalog"
)

func TestItemParts(t *testing.T) {
	c := &Composer{BaseURL: "https://library.example.org", From: "lib@example.org"}
	items := []catalog.MailItem{
		{ID: "a", Path: "/resources/a", Title: "Neglect <in> adolescence", Publisher: "Ofsted", Type: "serious-case-review",
			Published: "2024-03-12", Why: catalog.ItemNew, Access: catalog.Public, Summary: "A summary & more.",
			Snippet: "The neglect of <teenagers>", SnippetHTML: "The <mark>neglect</mark> of &lt;teenagers&gt;", Where: "p. 12"},
		{ID: "b", Path: "/resources/b", Title: "Funding briefing", Publisher: "The association", Type: "briefing",
			Published: "2024-05", Why: catalog.ItemNewVersion, Access: catalog.Members, MembersOnly: true},
	}
	text, html, err := c.ItemParts(items)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"* Neglect <in> adolescence (new)", "Ofsted | Serious case review | 12 March 2024",
		"A summary & more.", `"The neglect of <teenagers>" (p. 12)`, "https://library.example.org/resources/a",
		"* Funding briefing (new version)", "The association | Briefing | May 2024 | Members only",
		"https://library.example.org/resources/b"} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{`<a href="https://library.example.org/resources/a"><strong>Neglect &lt;in&gt; adolescence</strong></a> (new)`,
		"The <mark>neglect</mark> of &lt;teenagers&gt; (p. 12)", "A summary &amp; more.", "May 2024 | Members only",
		`<a href="https://library.example.org/resources/b">`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(string(html), "<teenagers>") || strings.Contains(string(html), "<img") || strings.Contains(string(html), "style") {
		t.Errorf("HTML part has unescaped text, images or styles:\n%s", html)
	}
}
