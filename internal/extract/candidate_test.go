package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

const articleParagraph = "Local safeguarding partnerships publish their procedures so that every agency working with children " +
	"and families knows how to raise a concern, who to call, and what happens after a referral is made."

// TestSecondOpinion: the container the site names as the article body
// replaces Readability's block when Readability chose another block or a
// part of the container, and only then.
func TestSecondOpinion(t *testing.T) {
	doc := `<html><body><div class="author-box"><p>Anna Schmidt writes about early help and has worked in children's services for twenty years, in three local authorities.</p></div>
<div class="entry-content"><p>First: ` + articleParagraph + `</p><p>Second: ` + articleParagraph + `</p><p>Third: ` + articleParagraph + `</p></div>
<div class="teasers"><div class="post-content"><p>A short teaser of another post.</p></div></div></body></html>`
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	container := containerText(namedContent(root))
	if !strings.Contains(container, "Third: ") || strings.Contains(container, "teaser") {
		t.Fatalf("named container: the largest entry-content expected, got %q", container)
	}
	author := "Anna Schmidt writes about early help and has worked in children's services for twenty years, in three local authorities."
	for _, c := range []struct {
		kind, main string
		container  bool
	}{
		{"another block (an author box)", author, true},
		{"nothing", "", true},
		{"a part of the container", "First: " + articleParagraph, true},
		{"the container itself", container, false},
		{"the container and more around it", author + "\n\n" + container, false},
		{"a much longer other block", strings.Repeat(author+"\n\n", 20), false},
	} {
		want := c.main
		if c.container {
			want = container
		}
		if got := secondOpinion(root, nil, c.main); got != want {
			t.Errorf("Readability chose %s: got %.60q, want %.60q", c.kind, got, want)
		}
	}
}

// TestSecondOpinionSameBlock: when Readability's result holds a copy of the
// named container, its own (cleaned) version stays, however much shorter.
func TestSecondOpinionSameBlock(t *testing.T) {
	root, err := html.Parse(strings.NewReader(`<html><body><div class="entry-content" id="x"><p>` + articleParagraph + `</p>` +
		strings.Repeat(`<div class="promo-grid"><p>`+articleParagraph+` (promoted)</p></div>`, 5) + `</div></body></html>`))
	if err != nil {
		t.Fatal(err)
	}
	article, err := html.Parse(strings.NewReader(`<div id="readability-page-1"><div class="entry-content" id="x"><p>` + articleParagraph + `</p></div></div>`))
	if err != nil {
		t.Fatal(err)
	}
	if got := secondOpinion(root, article, articleParagraph); got != articleParagraph {
		t.Errorf("Readability's version of the same block replaced by %q", got)
	}
}

// TestFallbackTextPruned: when Readability finds too little and the text of
// <main> or <body> is used, its boilerplate goes too.
func TestFallbackTextPruned(t *testing.T) {
	page, err := HTML([]byte(`<html><body><p>Opening hours change over the holidays: the office closes at noon on the 24th and opens again on the 2nd.</p>
<ul><li>Monday: 9 to 5</li><li>Tuesday: 9 to 5</li></ul><div class="social-links"><span>Follow the partnership</span></div></body></html>`), "text/html", "https://example.org/hours")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.Text, "Tuesday: 9 to 5") || strings.Contains(page.Text, "Follow the partnership") {
		t.Errorf("fallback text: %q", page.Text)
	}
}

func TestMathAsText(t *testing.T) {
	page, err := HTML([]byte(articleWith(`<p>When <math><mi>a</mi><mo>≠</mo><mn>0</mn></math>, there are two solutions.</p>`+
		`<p>And <math><semantics><mi>b</mi><annotation encoding="application/x-tex">b^2</annotation></semantics></math> is kept as TeX.</p>`)),
		"text/html; charset=utf-8", "https://example.org/maths")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.Text, "When a ≠ 0 , there are two solutions.") {
		t.Errorf("formula without TeX lost:\n%s", page.Text)
	}
	if !strings.Contains(page.Text, "b^2") {
		t.Errorf("formula with TeX not rendered as TeX:\n%s", page.Text)
	}
}
