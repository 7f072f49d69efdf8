package extract

import (
	"strings"
	"testing"
)

// articleWith wraps one piece of boilerplate in an article that
// Readability chooses (four long paragraphs), inside the same container.
func articleWith(boilerplate string) string {
	para := "<p>Local safeguarding partnerships publish their procedures so that every agency working with children " +
		"and families knows how to raise a concern, who to call, and what happens after a referral is made. " +
		"This paragraph is part of the article and must stay in the extracted text.</p>"
	return `<!doctype html><html><head><title>Procedures</title></head><body>
<div class="site-header">Menu</div>
<div class="entry-content">
<h1>Raising a concern about a child</h1>
` + strings.Repeat(para, 2) + boilerplate + strings.Repeat(para, 2) + `
</div></body></html>`
}

func TestBoilerplateInsideTheArticle(t *testing.T) {
	for _, c := range []struct{ kind, html, gone string }{
		{"share widget", `<div class="share-buttons"><a href="/s/fb">Facebook</a> <a href="/s/x">Share on X</a> <span>Email this page</span></div>`, "Email this page"},
		{"social block by id", `<div id="social-links"><span>Follow us everywhere</span></div>`, "Follow us everywhere"},
		{"comment form", `<div class="comments-area"><h3>2 thoughts on this</h3><p>Great article, thank you for writing it.</p></div>`, "Great article"},
		{"comment section by heading", `<h2>Comments</h2><p>Anna wrote: very helpful for our training day.</p><h2>Next section of the article</h2>`, "very helpful for our training day"},
		{"related articles list", `<div class="related-posts"><h3>You may also like</h3><ul><li><a href="/a">Neglect toolkit</a></li><li><a href="/b">Early help</a></li></ul></div>`, "Neglect toolkit"},
		{"related by heading", `<h3>Related articles</h3><p>Working Together explained in five minutes for busy practitioners.</p><h3>What happens next</h3>`, "five minutes"},
		{"rating widget", `<div class="star-rating"><span>Rate this article: 4.5 out of 5 from 12 votes</span></div>`, "12 votes"},
		{"posted in line", `<p>Posted in <a href="/c/news">News</a>, <a href="/c/policy">Policy</a></p>`, "Posted in"},
		{"tags line", `<p>Tags: neglect, early help, referrals</p>`, "Tags:"},
		{"link-dense paragraph", `<p><a href="/1">Child protection conference</a> | <a href="/2">Multi-agency training</a> | <a href="/3">Annual report</a></p>`, "Multi-agency training"},
		{"picture credit", `<figure><img src="/x.jpg" alt=""><figcaption>Photo: Getty Images</figcaption></figure>`, "Getty Images"},
		{"agency credit", `<p>Judy Eddy/WENN.com</p>`, "WENN"},
		{"agency credit with a source cue", `<p>(Quelle: Fleischmann/Unsplash/DJV)</p>`, "Fleischmann"},
		{"read also, French", `<p>À lire aussi : <a href="/rapport">Le rapport annuel</a></p>`, "Le rapport annuel"},
		{"newsletter box", `<section class="newsletter-signup"><p>Sign up for our weekly briefing.</p></section>`, "weekly briefing"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			page, err := HTML([]byte(articleWith(c.html)), "text/html; charset=utf-8", "https://example.org/procedures")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(page.Text, c.gone) {
				t.Errorf("%s kept: %q in\n%s", c.kind, c.gone, page.Text)
			}
			if n := strings.Count(page.Text, "must stay in the extracted text"); n != 4 {
				t.Errorf("%d of the 4 article paragraphs kept:\n%s", n, page.Text)
			}
		})
	}
}

// TestBoilerplateKeepsArticleText: what looks like boilerplate by name or
// form but is the article stays.
func TestBoilerplateKeepsArticleText(t *testing.T) {
	for _, c := range []struct{ kind, html, kept string }{
		{"a section id that is a heading's slug", `<div id="sharing-information-with-other-agencies"><p>Sharing information with other agencies is allowed when a child is at risk.</p></div>`, "Sharing information with other agencies is allowed"},
		{"a paragraph with one link", `<p>Read <a href="/wt">Working Together to Safeguard Children</a>.</p>`, "Working Together to Safeguard Children"},
		{"a caption that is not a credit", `<figure><img src="/x.jpg" alt=""><figcaption>The referral pathway, step by step.</figcaption></figure>`, "The referral pathway, step by step."},
		{"a word in the middle of a class", `<div class="dnd-widget-wrapper"><p>Practitioners should record every concern.</p></div>`, "Practitioners should record every concern."},
		{"a BEM modifier", `<section class="report__section--ads"><p>Each agency names a designated safeguarding lead.</p></section>`, "designated safeguarding lead"},
		{"a name like an agency's", `<p>Getty Lee, chair of the partnership, opened the launch.</p>`, "chair of the partnership"},
		{"a long block named like a widget", `<div class="article-rating">` + strings.Repeat("<p>The main guidance text is here, in a container the site happened to call comment, and it is most of the page's words.</p>", 12) + `</div>`, "The main guidance text is here"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			page, err := HTML([]byte(articleWith(c.html)), "text/html; charset=utf-8", "https://example.org/procedures")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(page.Text, c.kept) {
				t.Errorf("%s removed: %q not in\n%s", c.kind, c.kept, page.Text)
			}
		})
	}
}

func TestBylineDates(t *testing.T) {
	for _, c := range []struct{ html, want string }{
		{`<p class="byline">Veröffentlicht am 05.04.2017 von Anna Schmidt</p>`, "2017-04-05"},
		{`<p>Erstellt am 16.08.2019</p>`, "2019-08-16"},
		{`<p>Posted on 3.2.2021 by the partnership team</p>`, "2021-02-03"},
		{`<p>Publié le 12.11.2020</p>`, "2020-11-12"},
		{`<p>Anna Schmidt, 5. November 2021</p>`, "2021-11-05"},
		{`<p>Mis à jour le 1er décembre 2020</p>`, "2020-12-01"},
	} {
		page, err := HTML([]byte(articleWith(c.html)), "text/html; charset=utf-8", "https://example.org/procedures")
		if err != nil {
			t.Fatal(err)
		}
		if page.Published != c.want {
			t.Errorf("%s: published %q, want %q", c.html, page.Published, c.want)
		}
	}
}
