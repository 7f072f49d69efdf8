package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Boilerplate inside the chosen block. Readability picks the element that
// holds the article, but sites put their share buttons, comment forms,
// "related articles" lists, star ratings and "posted in" lines inside that
// same element, and Readability keeps whatever of them scores well enough
// (issue 12 counted 409 such snippets on go-trafilatura's evaluation set,
// against trafilatura's 272). pruneBoilerplate removes them from the
// article node before its text is taken: each rule names one kind, and
// none removes an element that holds most of the article's text.

// boilerplateWords are the words that, first or last in a class or id
// ("share-buttons", "post-tags", "entry-meta"), name widgets that are not
// the article's text.
var boilerplateWords = setOf(
	"share", "shares", "sharing", "sharedaddy", "social", "socials", "shariff", "addthis", "addtoany", "a2a", "sociable",
	"comment", "comments", "respond", "replies", "reply", "disqus", "kommentar", "kommentare", "discussion",
	"related", "similar", "recommended", "recommendations", "also", "weitere",
	"rating", "ratings", "stars", "rate", "vote", "votes", "voting", "bewertung", "reactions",
	"tags", "tag", "taglist", "tagcloud", "tagged", "keywords", "categories", "cats", "links",
	"postmeta", "entrymeta", "meta", "metadata", "postinfo", "footer", "byline", "bio",
	"newsletter", "subscribe", "subscription", "signup", "breadcrumb", "breadcrumbs", "pagination", "pager",
	"postnav", "navigation", "prevnext", "print", "toolbar", "promo", "promotion",
	"banner", "advert", "advertisement", "ad", "ads", "sponsor", "sponsored", "copyright", "credit", "credits",
	"feedback", "helpful", "author", "authors", "profile", "photocredit", "imagecredit",
	"postmetadata", "relatedlinks", "relatedposts", "readingtime", "licenceinfo", "licenseinfo", "embedded",
	"alert", "disclaimer", "appendix", "intext", "authorbox", "authorbio",
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// boilerplateName tells whether a class, id or itemprop value names a
// widget: one of its tokens is, or starts or ends with, a boilerplate word
// ("dnd-widget-wrapper" does not: a word in the middle names the layout).
func boilerplateName(v string) bool {
	for _, tok := range strings.Fields(strings.ToLower(v)) {
		if rxArticleName.MatchString(tok) {
			continue
		}
		// A BEM modifier says what an element has, not what it is:
		// "testreport__section--ads" is a section of the report.
		tok, _, _ = strings.Cut(tok, "--")
		parts := strings.FieldsFunc(tok, func(r rune) bool { return r == '-' || r == '_' })
		if len(parts) == 0 {
			continue
		}
		if boilerplateWords[parts[0]] || boilerplateWords[parts[len(parts)-1]] ||
			boilerplateWords[strings.Join(parts, "")] {
			return true
		}
		// Author boxes ("mvp-author-box-wrap") name themselves in the
		// middle.
		if strings.Contains(tok, "author-box") || strings.Contains(tok, "author-bio") || strings.Contains(tok, "author-description") {
			return true
		}
	}
	return false
}

// rxBoilerplateLine matches the first words of a short line that is not
// article text ("Posted in News", "Tags: ...", "Share this", "Lesen Sie
// auch"), in the languages of the evaluation sets.
var rxBoilerplateLine = regexp.MustCompile(`(?i)^\s*(?:` + strings.Join([]string{
	`posted (?:in|under|on|by)`, `filed (?:in|under)`, `categor(?:y|ies|ised|ized)\s*:`, `tags?\s*:`, `tagged(?: with)?\s*:?`,
	`schlagw(?:ö|o)rter`, `stichw(?:ö|o)rter`, `kategorien?\s*:`, `themen\s*:`,
	`share(?: this| on| via)?\b`, `teilen\b`, `diesen (?:artikel|beitrag) teilen`, `jetzt teilen`,
	`(?:leave|post|write|add) a (?:comment|reply)`, `kommentar (?:verfassen|schreiben|hinterlassen)`, `\d+ (?:comments?|kommentare?)\b`,
	`(?:related|similar) (?:articles?|posts?|stories|content|links)`, `read (?:more|also|next)\b`, `see also\b`, `you (?:may|might) also like`,
	`lesen sie auch`, `lesen sie (?:hier )?(?:mehr|weiter)`, `weiterlesen\b`, `mehr zum thema`, `mehr (?:themen|artikel|beiträge|dazu|lesen)`,
	`weitere (?:artikel|beiträge|informationen|themen|news|nachrichten)`, `ähnliche (?:artikel|beiträge)`, `das könnte (?:sie|dich) auch interessieren`,
	`zum weiterlesen`, `empfohlene beiträge`, `beiträge zum thema`, `zur übersicht`, `zurück zur übersicht`, `nach oben`,
	`rate this`, `bewerten sie`, `war (?:der|dieser) (?:artikel|beitrag) (?:nützlich|hilfreich)`, `was this (?:article|page) helpful`,
	`print(?: this)?\b`, `drucken\b`, `rezept drucken`, `\(?©`, `copyright\b`, `all rights reserved`, `alle rechte vorbehalten`,
	`(?:foto|fotos|bild|bilder|titelbild|beitragsbild|quelle|quellen|quellenangaben|photo|image|credit|crédito|źródło|fuente|source)s?\s*:`,
	`\(?(?:foto|bild|crédito|credit)s?\s*:`, `bild (?:via|anzeigen)\b`, `beitragsbild\b`, `zum vergrößern`,
	`this entry was posted`, `if you enjoyed`, `never miss\b`, `sign up\b`, `subscribe\b`, `abonnieren\b`, `jetzt (?:anmelden|abonnieren)`,
	`schon gelesen`, `auch interessant`, `siehe auch\b`, `mehr informationen\s*:`, `weitere infos\b`, `zusatzinformationen\s*:`,
	`kontakt\s*:`, `ansprechpartner(?:in)?\b`, `neueste (?:artikel|beiträge)`, `meist-?(?:gelesen|diskutiert)`, `zur person\b`,
	`(?:aktualisiert|erstellt|veröffentlicht|publiziert) (?:am|von)\b`, `opublikowano`, `kategorie\s*:`, `bewerten\s*:`,
	`kommentare? (?:sind geschlossen|schreiben|insgesamt)`, `(?:möchten sie|den|diesen) (?:artikel|beitrag) (?:mit anderen )?teilen`,
	`teilen (?:mit|sie dies mit)\s*:`, `artikel gefallen`, `wird geladen`, `reklama\b`, `anzeige\b`, `werbung\b`, `advertisement\b`,
	`vorschau auf den nächsten`, `zurück\b`,
	`(?:à )?lire aussi\b`, `pour lire la suite`, `permalien\b`, `le puede interesar`, `puede escribirnos`, `puedes ver\s*:`, `lee también\b`,
	`kuva\s*:`, `image illustrative`, `imágenes? capturadas`, `originalartikel\b`, `online-pressemappe`, `dieses skript als pdf`,
	`crédits? photos?`, `über (?:den|die) autor(?:in)?`, `about the author`, `czytaj (?:też|także|więcej)`, `dowiedz się więcej`, `publikacja\s*:`,
	`aktualisiert\s*:`, `von\s*:`, `lade weitere`, `drukuj\b`, `externer inhalt`, `dieser (?:text|beitrag|artikel) wurde`, `weiterführende[rn]? links?`,
	`alle angaben ohne gewähr`, `\d+ min(?:ute)?s? read`, `veröffentlichung\s*$`, `we want to hear`, `weitere \w+tipps`, `mehr zu\b`,
	`das thema könnte`, `verraten sie`, `to view or add a comment`, `\d[\d,.]* (?:followers|follower|likes|views|aufrufe)\b`,
	`quellen (?:ausblenden|anzeigen)`, `highlights aus`, `(?:imagen|image|bild|photo|foto)\s*:`, `gefällt (?:dir|ihnen)`, `zapraszamy`,
	`\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\s*$`, `\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?\s*(?:uhr)?\s*$`,
}, `|`) + `)`)

// rxAgencyCredit matches a short line that is a picture credit naming an
// agency or stock library: "Judy Eddy/WENN.com", "AFP / MARCO
// BERTORELLO", "(Quelle: Fleischmann/Unsplash/DJV)".
var rxAgencyCredit = regexp.MustCompile(`(?i)^\W*(?:[^/]{0,40}/\s*)?(?:getty(?: images)?|reuters|afp|dpa|epa|ap|shutterstock(?:\.com)?|unsplash|istock(?:photo)?|imago(?: images)?|wenn(?:\.com)?|picture[- ]alliance|keystone|pixabay|adobe ?stock)\b(?:\s*/[^/]{0,40}){0,2}\W*$|^\W*(?:quelle|source|fuente|foto|photo|kuva|bild)\s*:[^.]{0,60}/[^.]{0,60}\W*$`)

// rxCredit matches picture credits in captions.
var rxCredit = regexp.MustCompile(`(?i)^\W*(?:foto|fotos|photo|photos|bild|image|imagen|credit|crédits?|crédito|getty|reuters|afp|dpa|ap photo|shutterstock|istock|unsplash|pixabay|keystone|imago|picture alliance)\b|©`)

// rxBoilerplateHeading matches headings that introduce a block of
// boilerplate: the heading and the siblings after it (up to the next heading
// of the same level or higher) go.
var rxBoilerplateHeading = regexp.MustCompile(`(?i)^\s*(?:` + strings.Join([]string{
	`related(?: \w+)?`, `similar \w+`, `(?:more|read) (?:on|about|from)\b.*`, `you (?:may|might) also like.*`, `recommended.*`, `see also`, `further reading`,
	`comments?`, `\d+ comments?`, `leave a (?:comment|reply)`, `(?:share|teilen)(?: this| on| diesen \w+)?.*`,
	`weitere (?:artikel|beiträge|themen|news|nachrichten).*`, `ähnliche (?:artikel|beiträge).*`, `mehr zum thema.*`, `mehr (?:themen|artikel|beiträge).*`,
	`das könnte (?:sie|dich) auch interessieren.*`, `lesen sie auch.*`, `kommentare?.*`, `empfohlene beiträge`, `beiträge zum thema.*`, `zum weiterlesen.*`,
	`tags`, `schlagwörter`, `kategorien`, `newsletter.*`,
}, `|`) + `)\s*:?\s*$`)

const (
	// maxBoilerplateShare is the largest share of the article's text an
	// element may hold and still be removed as boilerplate.
	maxBoilerplateShare = 0.3
	// maxCreditLine is the longest line (in characters) taken for a
	// picture credit wherever it stands.
	maxCreditLine = 80
	// maxBoilerplateLine is the longest line (in characters) the line
	// rules remove.
	maxBoilerplateLine = 200
	// linkDensityBlock is the share of a block's text in links above which
	// a short block is a list of links, not text.
	linkDensityBlock = 0.8
	// maxLinkBlock is the longest block (in characters) removed for its
	// link density.
	maxLinkBlock = 1500
	// tailShare is the share of the article's text after it under which
	// a list of links counts as trailing.
	tailShare = 0.2
	// maxBoilerplateID is the longest id the name rule reads.
	maxBoilerplateID = 24
)

// pruneBoilerplate removes boilerplate from the article node in place.
func pruneBoilerplate(article *html.Node) {
	total := textRunes(article)
	if total == 0 {
		return
	}
	// Headings first: the line rule would take the heading alone and
	// leave the block it introduces.
	pruneHeadedBlocks(article, total)
	m := measure(article)
	total = m.text[article]
	removeWhere(article, func(n *html.Node) bool { return m.boilerplate(n, total) != "" })
}

// eachElement calls visit with each element under root in document order,
// descending into it when visit says so.
func eachElement(root *html.Node, visit func(*html.Node) (descend bool)) {
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && visit(c) {
			eachElement(c, visit)
		}
	}
}

// removeWhere removes every element under root that doomed picks (and
// does not look inside those).
func removeWhere(root *html.Node, doomed func(*html.Node) bool) {
	var gone []*html.Node
	eachElement(root, func(n *html.Node) bool {
		if doomed(n) {
			gone = append(gone, n)
			return false
		}
		return true
	})
	for _, n := range gone {
		n.Parent.RemoveChild(n)
	}
}

// sizes holds the text and link-text lengths of every element of an
// article, measured in one pass (the rules ask for them at every level).
type sizes struct {
	text, links map[*html.Node]int
	start       map[*html.Node]int // characters of text before the node
}

// measure counts, for each node under root, the characters of its text
// (white space not counted) and of its text inside links.
func measure(root *html.Node) sizes {
	m := sizes{text: map[*html.Node]int{}, links: map[*html.Node]int{}, start: map[*html.Node]int{}}
	seen := 0
	var walk func(n *html.Node, inLink bool) (int, int)
	walk = func(n *html.Node, inLink bool) (int, int) {
		m.start[n] = seen
		if n.Type == html.TextNode {
			t := 0
			for _, r := range n.Data {
				if !unicode.IsSpace(r) {
					t++
				}
			}
			seen += t
			if inLink {
				return t, t
			}
			return t, 0
		}
		inLink = inLink || n.Type == html.ElementNode && n.DataAtom == atom.A
		var t, l int
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			ct, cl := walk(c, inLink)
			t += ct
			l += cl
		}
		m.text[n], m.links[n] = t, l
		return t, l
	}
	walk(root, false)
	return m
}

// boilerplate names the rule that takes n for boilerplate, or "".
func (m sizes) boilerplate(n *html.Node, total int) string {
	size := m.text[n]
	if float64(size) > maxBoilerplateShare*float64(total) {
		return ""
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id", "itemprop", "data-component", "data-module":
			// Long ids are mostly slugs of headings ("sharing-with-a-team").
			if (a.Key != "id" || len(a.Val) <= maxBoilerplateID) && boilerplateName(a.Val) {
				return "name " + a.Val
			}
		case "role":
			if a.Val == "complementary" || a.Val == "navigation" {
				return "role"
			}
		}
	}
	switch n.DataAtom {
	case atom.Form, atom.Button, atom.Nav, atom.Aside, atom.Footer:
		return "tag"
	case atom.Figcaption:
		// A caption stays (Readability keeps them); a picture credit goes.
		if size <= maxBoilerplateLine && rxCredit.MatchString(textOf(n)) {
			return "credit"
		}
	}
	if hasClass(n, "wp-caption-text") && size <= maxBoilerplateLine && rxCredit.MatchString(textOf(n)) {
		return "credit"
	}
	if size == 0 {
		return ""
	}
	if size <= maxCreditLine && lineLike(n) && rxAgencyCredit.MatchString(textOf(n)) {
		return "credit"
	}
	if size <= maxBoilerplateLine && lineLike(n) {
		if line := textOf(n); rxBoilerplateLine.MatchString(line) || rxBoilerplateHeading.MatchString(line) {
			return "line"
		}
	}
	if size <= maxLinkBlock && blockLike(n) && m.links[n] > int(linkDensityBlock*float64(size)) && countLinks(n, 2) >= 2 {
		// A list of links in the middle of the article is more often
		// its content ("fixed in these bugs: ...") than a list of
		// related pages, which come at the end.
		if n.DataAtom != atom.Ul && n.DataAtom != atom.Ol || total-m.start[n]-size < int(tailShare*float64(total)) {
			return "links"
		}
	}
	return ""
}

// articleName is a class or id that names the article itself
// ("entry-content", "post-body"), which the name rule must not remove.
var rxArticleName = regexp.MustCompile(`(?i)(?:^|[_-])(?:content|entry-content|post-content|article-?body|post-?body|main|text)(?:$|[_-])`)

// pruneHeadedBlocks removes a heading that introduces boilerplate
// ("Related articles", "Comments") and the siblings after it until the
// next heading of its level or higher.
func pruneHeadedBlocks(article *html.Node, total int) {
	var doomed []*html.Node
	eachElement(article, func(c *html.Node) bool {
		level := headingLevel(c)
		if level == 0 || !rxBoilerplateHeading.MatchString(textOf(c)) {
			return true
		}
		block := []*html.Node{c}
		size := textRunes(c)
		for s := c.NextSibling; s != nil; s = s.NextSibling {
			if l := headingLevel(s); l > 0 && l <= level {
				break
			}
			block = append(block, s)
			size += textRunes(s)
		}
		if float64(size) <= maxBoilerplateShare*float64(total) {
			doomed = append(doomed, block...)
		}
		return false
	})
	for _, n := range doomed {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

func headingLevel(n *html.Node) int {
	if n.Type != html.ElementNode {
		return 0
	}
	switch n.DataAtom {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// lineLike elements hold one line of text.
func lineLike(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Span, atom.Li, atom.Ul, atom.Small, atom.Section,
		atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Strong, atom.B, atom.Em, atom.Dl, atom.Table,
		atom.Time, atom.Figcaption, atom.Cite:
		return true
	}
	return false
}

// blockLike elements can hold a paragraph or a list of links.
func blockLike(n *html.Node) bool {
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Ul, atom.Ol, atom.Dl, atom.Section, atom.Table:
		return true
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return collapseSpace(b.String())
}

// textRunes counts the characters of n's text, white space runs as one.
func textRunes(n *html.Node) int {
	return utf8.RuneCountInString(textOf(n))
}

// countLinks counts the links under n, up to limit.
func countLinks(n *html.Node, limit int) int {
	count := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && count < limit; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.A {
				count++
				continue
			}
			walk(c)
		}
	}
	walk(n)
	return count
}

func hasClass(n *html.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && slicesContainsFold(strings.Fields(a.Val), class) {
			return true
		}
	}
	return false
}
