package extract

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const (
	// maxReadabilityElems and maxReadabilityText are the document sizes
	// (in elements, in bytes of text) above which readability is skipped for
	// the simple extraction: its cost grows with both, and on pages that
	// big telling the article from the boilerplate matters little.
	maxReadabilityElems = 60000
	maxReadabilityText  = 2 << 20
	// minReadableText is the length (in characters) under which the
	// readability result is distrusted when the simple extraction finds
	// more.
	minReadableText = 250
	// maxHTMLParse is how much of a decoded HTML document is parsed. Pages
	// this long are generated listings or data dumps; the cut keeps a
	// 30 MB page to well under a second and its memory to a few hundred MB.
	maxHTMLParse = 8 << 20
	// maxLinks bounds Page.Links.
	maxLinks = 10000
	// maxBannerText is the most text an element can hold and still be
	// removed as a cookie banner: a container whose class mentions
	// "consent" but holds the whole article is not a banner.
	maxBannerText = 3000
)

var rxBannerName = regexp.MustCompile(`(?i)cookie|consent|gdpr|cc-(?:banner|window)|privacy-(?:banner|notice)`)

// HTML extracts a page from an HTML body. contentType is the HTTP
// Content-Type header value (its charset, if any, is used); pageURL is the
// final URL, against which relative links are resolved.
func HTML(body []byte, contentType string, pageURL string) (page *Page, err error) {
	if len(body) > MaxInput {
		return nil, fmt.Errorf("extract: html: %d bytes: %w", len(body), ErrTooLarge)
	}
	defer func() {
		// The parsers are third-party ports of JavaScript; a bug in one
		// must cost one page, not the crawler.
		if r := recover(); r != nil {
			page, err = nil, fmt.Errorf("extract: html %s: internal error: %v", pageURL, r)
		}
	}()

	decoded, _ := toUTF8(body, contentType)
	if len(decoded) > maxHTMLParse {
		// Cut before a tag, so that no word or attribute is split.
		cut := bytes.LastIndexByte(decoded[:maxHTMLParse], '<')
		if cut < maxHTMLParse/2 {
			cut = len(prefix(string(decoded[:min(len(decoded), maxHTMLParse+utf8.UTFMax)]), maxHTMLParse))
		}
		decoded = decoded[:cut]
	}
	base, _ := url.Parse(pageURL)
	if base != nil && !base.IsAbs() {
		base = nil
	}
	root, err := html.Parse(bytes.NewReader(decoded))
	if err != nil {
		// The tree parser gives up on markup nested more than 512 deep,
		// which old pages with unclosed tags can reach; the tokenizer
		// still reads them.
		return tokenPage(decoded, pageURL, base), nil
	}
	doc := goquery.NewDocumentFromNode(root)
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok && base != nil {
		if b := resolve(base, href); b != nil {
			base = b
		}
	}
	meta := metaTags(doc)

	page = &Page{URL: pageURL, ContentType: TypeHTML}
	page.Canonical = canonical(doc, base)
	page.Links = links(doc, base)
	page.Language = language(doc, meta)
	page.NoIndex = metaNoIndex(meta)
	page.Title = title(doc, meta, base)
	page.Published = structuredDate(doc, meta)
	var dateTexts []string
	if page.Published == "" {
		dateTexts = markedDateTexts(root)
	}
	description := plainText(firstOf(meta, "description", "og:description", "twitter:description", "dc.description"))

	// Everything above reads the document; what follows changes it.
	removeClutter(root)
	mathAsText(root)
	main := readableText(root, base)
	scope := simpleScope(root)
	simple := scopeText(scope)
	page.Text = main
	if utf8.RuneCountInString(main) < minReadableText && len(simple) > len(main) {
		// The fallback's text without its boilerplate; the date is
		// still looked for in the whole of it.
		pruneBoilerplate(scope)
		page.Text = scopeText(scope)
	}
	page.Text = prefix(page.Text, MaxText)
	if page.Published == "" {
		page.Published = cueDate(page.Text, simple)
	}
	if page.Published == "" {
		page.Published = markedDate(dateTexts)
	}
	if page.Published == "" {
		page.Published = datelineDate(page.Text, simple)
	}
	if page.Published == "" {
		page.Published = urlDate(pageURL)
	}
	if description != "" {
		page.Summary = truncate(description, maxSummary)
	} else {
		page.Summary = summaryFromText(page.Text)
	}
	if page.Title == "" {
		page.Title = firstLine(page.Text)
	}
	return page, nil
}

// metaTags maps each meta name, property, itemprop or http-equiv (lower
// case) to the content of its first non-empty occurrence.
func metaTags(doc *goquery.Document) map[string]string {
	meta := make(map[string]string)
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := strings.TrimSpace(s.AttrOr("content", ""))
		if content == "" {
			return
		}
		for _, attr := range []string{"name", "property", "itemprop", "http-equiv"} {
			for key := range strings.FieldsSeq(strings.ToLower(s.AttrOr(attr, ""))) {
				if _, seen := meta[key]; !seen {
					meta[key] = content
				}
			}
		}
	})
	return meta
}

func firstOf(meta map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(meta[k]); v != "" {
			return v
		}
	}
	return ""
}

// title is og:title, else <title>, else the first <h1>; from either title a
// " | Site" suffix (or "Site | " prefix) is removed when it names the site:
// og:site_name, application-name, or the host name or one of its labels.
func title(doc *goquery.Document, meta map[string]string, base *url.URL) string {
	sites := []string{plainText(meta["og:site_name"]), plainText(meta["application-name"])}
	if base != nil {
		// "Hermitian matrix - Wikipedia" on en.wikipedia.org.
		sites = append(sites, strings.Split(strings.TrimPrefix(base.Hostname(), "www."), ".")...)
		sites = append(sites, strings.TrimPrefix(base.Hostname(), "www."))
	}
	if t := plainText(meta["og:title"]); t != "" {
		return truncate(trimSiteName(t, sites...), maxTitle)
	}
	sel := doc.Find("head title")
	if sel.Length() == 0 {
		sel = doc.Find("title")
	}
	if t := plainText(sel.First().Text()); t != "" {
		return truncate(trimSiteName(t, sites...), maxTitle)
	}
	if t := plainText(doc.Find("h1").First().Text()); t != "" {
		return truncate(t, maxTitle)
	}
	return ""
}

var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " : "}

// trimSiteName removes the site name from either end of a title when it is
// set off by a separator: "Annual report | Example Trust" -> "Annual report".
// Names match ignoring case, spaces and punctuation, so "GOV.UK" matches
// the host www.gov.uk and "Example Trust" the label exampletrust. Names
// shorter than three characters (such as "uk") never match.
func trimSiteName(title string, sites ...string) string {
	names := make(map[string]bool)
	for _, s := range sites {
		if k := nameKey(s); len(k) >= 3 {
			names[k] = true
		}
	}
	if len(names) == 0 || names[nameKey(title)] {
		return title
	}
	for _, sep := range titleSeparators {
		if i := strings.LastIndex(title, sep); i > 0 && names[nameKey(title[i+len(sep):])] {
			return strings.TrimSpace(title[:i])
		}
		if i := strings.Index(title, sep); i > 0 && names[nameKey(title[:i])] {
			return strings.TrimSpace(title[i+len(sep):])
		}
	}
	return title
}

// nameKey is a site name reduced to lower-case letters and digits.
func nameKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// language is the declared language of the document.
func language(doc *goquery.Document, meta map[string]string) string {
	html := doc.Find("html").First()
	for _, v := range []string{
		html.AttrOr("lang", ""), html.AttrOr("xml:lang", ""),
		meta["content-language"], meta["language"], meta["dc.language"], meta["og:locale"],
	} {
		// content-language may list several: take the first.
		v, _, _ = strings.Cut(v, ",")
		v = strings.ReplaceAll(strings.TrimSpace(v), "_", "-")
		if validLanguageTag(v) {
			return v
		}
	}
	return ""
}

func validLanguageTag(s string) bool {
	if len(s) < 2 || len(s) > 35 {
		return false
	}
	for i, r := range s {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && !(i > 0 && (r == '-' || r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// robotsNoIndex reports whether a robots directive list forbids indexing.
func robotsNoIndex(content string) bool {
	for tok := range strings.FieldsFuncSeq(strings.ToLower(content), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if tok == "noindex" || tok == "none" {
			return true
		}
	}
	return false
}

// resolve returns ref resolved against base if the result is an absolute
// http(s) URL, without its fragment; otherwise nil.
func resolve(base *url.URL, ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" || len(ref) > 4096 {
		return nil
	}
	u, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	u.Fragment, u.RawFragment = "", ""
	u.Host = strings.ToLower(u.Host)
	// Browsers send a space typed in a query as %20; so should the crawler.
	u.RawQuery = strings.ReplaceAll(u.RawQuery, " ", "%20")
	return u
}

func canonical(doc *goquery.Document, base *url.URL) string {
	found := ""
	doc.Find("link[rel][href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		for rel := range strings.FieldsSeq(strings.ToLower(s.AttrOr("rel", ""))) {
			if rel == "canonical" {
				if u := resolve(base, s.AttrOr("href", "")); u != nil {
					found = u.String()
				}
				return false
			}
		}
		return true
	})
	return found
}

func links(doc *goquery.Document, base *url.URL) []string {
	var out []string
	seen := make(map[string]bool)
	doc.Find("a[href]").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		u := resolve(base, s.AttrOr("href", ""))
		if u == nil {
			return true
		}
		if v := u.String(); !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
		return len(out) < maxLinks
	})
	return out
}

// readableText runs readability on a copy of the document and returns its
// main text, or "" when it finds none.
func readableText(root *html.Node, base *url.URL) string {
	if countElements(root, maxReadabilityElems+1) > maxReadabilityElems ||
		textLength(root, maxReadabilityText+1) > maxReadabilityText {
		return ""
	}
	parser := readability.NewParser()
	parser.KeepClasses = true // pruneBoilerplate reads them
	article, err := parser.ParseDocument(root, base)
	if err != nil || article.Node == nil {
		return secondOpinion(root, nil, "")
	}
	pruneBoilerplate(article.Node)
	return secondOpinion(root, article.Node, normaliseText(render.InnerText(article.Node)))
}

func countElements(n *html.Node, limit int) int {
	count := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && count < limit; c = c.NextSibling {
			if c.Type == html.ElementNode {
				count++
			}
			walk(c)
		}
	}
	walk(n)
	return count
}

// simpleScope finds the fallback extraction's element: <main> (or the
// single <article>, or <body>) without scripts, navigation, headers,
// footers, asides, forms' controls or hidden elements, which it removes
// from root. It returns nil when there is no body.
func simpleScope(root *html.Node) *html.Node {
	doc := goquery.NewDocumentFromNode(root)
	doc.Find(strings.Join([]string{
		"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
		"nav", "header", "footer", "aside", "button", "select", "textarea", "input", "dialog",
		"[hidden]", `[aria-hidden="true"]`,
		`[role="navigation"]`, `[role="banner"]`, `[role="contentinfo"]`, `[role="complementary"]`,
		`[role="search"]`, `[role="dialog"]`, `[role="alertdialog"]`, `[role="menu"]`, `[role="menubar"]`,
	}, ",")).Remove()
	doc.Find("[style]").Each(func(_ int, s *goquery.Selection) {
		style := strings.ToLower(strings.ReplaceAll(s.AttrOr("style", ""), " ", ""))
		if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
			s.Remove()
		}
	})
	scope := doc.Find(`main, [role="main"]`).First()
	if scope.Length() == 0 {
		if articles := doc.Find("article"); articles.Length() == 1 {
			scope = articles
		}
	}
	if scope.Length() == 0 {
		scope = doc.Find("body").First()
	}
	if scope.Length() == 0 {
		return nil
	}
	return scope.Get(0)
}

func scopeText(scope *html.Node) string {
	if scope == nil {
		return ""
	}
	return normaliseText(render.InnerText(scope))
}

// removeClutter deletes what neither extraction should see: templates
// (inert markup that readability would render), elements hidden with the
// hidden attribute, and cookie and consent banners, which readability keeps
// when they are wordy.
func removeClutter(root *html.Node) {
	removeWhere(root, func(c *html.Node) bool {
		return c.DataAtom == atom.Template || c.DataAtom != atom.Body && c.DataAtom != atom.Html && c.DataAtom != atom.Main && isBanner(c)
	})
}

func isBanner(n *html.Node) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "id", "class", "aria-label":
			if rxBannerName.MatchString(a.Val) {
				return textLength(n, maxBannerText+1) <= maxBannerText
			}
		}
	}
	return false
}

// textLength counts the bytes of text under n, stopping at limit.
func textLength(n *html.Node, limit int) int {
	total := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && total < limit; c = c.NextSibling {
			if c.Type == html.TextNode {
				total += len(strings.TrimSpace(c.Data))
			}
			walk(c)
		}
	}
	walk(n)
	return total
}

// tokenPage is the degraded extraction for documents the tree parser
// refuses: title, text, links, robots, language and canonical URL read
// token by token, with block elements as paragraph breaks.
func tokenPage(decoded []byte, pageURL string, base *url.URL) *Page {
	page := &Page{URL: pageURL, ContentType: TypeHTML}
	z := html.NewTokenizer(bytes.NewReader(decoded))
	var text, titleText strings.Builder
	skip, inTitle := 0, false
	seen := make(map[string]bool)
	meta := make(map[string]string)
	attrs := func() map[string]string {
		m := make(map[string]string)
		for {
			k, v, more := z.TagAttr()
			if _, dup := m[string(k)]; !dup {
				m[string(k)] = string(v)
			}
			if !more {
				return m
			}
		}
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			switch {
			case inTitle:
				titleText.Write(z.Text())
			case skip == 0 && text.Len() < MaxText:
				text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			var at map[string]string
			if hasAttr {
				at = attrs()
			}
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Nav, atom.Header, atom.Footer, atom.Aside:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Title:
				inTitle = tt == html.StartTagToken
			case atom.Html:
				if page.Language == "" && validLanguageTag(strings.TrimSpace(at["lang"])) {
					page.Language = strings.TrimSpace(at["lang"])
				}
			case atom.Meta:
				if name := strings.ToLower(strings.TrimSpace(at["name"])); name != "" {
					if _, ok := meta[name]; !ok {
						meta[name] = at["content"]
					}
				}
			case atom.Link:
				if page.Canonical == "" && slicesContainsFold(strings.Fields(at["rel"]), "canonical") {
					if u := resolve(base, at["href"]); u != nil {
						page.Canonical = u.String()
					}
				}
			case atom.A:
				if u := resolve(base, at["href"]); u != nil && len(page.Links) < maxLinks && !seen[u.String()] {
					seen[u.String()] = true
					page.Links = append(page.Links, u.String())
				}
			case atom.Br:
				text.WriteByte('\n')
			}
			if blockElement(a) {
				text.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Nav, atom.Header, atom.Footer, atom.Aside:
				if skip > 0 {
					skip--
				}
			case atom.Title:
				inTitle = false
			}
			if blockElement(a) {
				text.WriteByte('\n')
			}
		}
	}
	page.NoIndex = metaNoIndex(meta)
	page.Text = prefix(normaliseText(text.String()), MaxText)
	page.Title = truncate(plainText(titleText.String()), maxTitle)
	if page.Title == "" {
		page.Title = firstLine(page.Text)
	}
	if d := plainText(meta["description"]); d != "" {
		page.Summary = truncate(d, maxSummary)
	} else {
		page.Summary = summaryFromText(page.Text)
	}
	page.Published = textDate(page.Text)
	if page.Published == "" {
		page.Published = urlDate(pageURL)
	}
	return page
}

func slicesContainsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// blockElement reports whether an element breaks the text flow.
func blockElement(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd, atom.Tr, atom.Table,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre, atom.Section,
		atom.Article, atom.Main, atom.Hr, atom.Figure, atom.Figcaption, atom.Address, atom.Form, atom.Body:
		return true
	}
	return false
}

// metaNoIndex reports whether robots meta tags (name "robots" or one of
// RobotAgents) forbid indexing.
func metaNoIndex(meta map[string]string) bool {
	if robotsNoIndex(meta["robots"]) {
		return true
	}
	for _, a := range RobotAgents {
		if robotsNoIndex(meta[a]) {
			return true
		}
	}
	return false
}
