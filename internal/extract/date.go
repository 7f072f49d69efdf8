package extract

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// Dates keep the precision they were given with: "2016-10-12", "2016-10" or
// "2016". Numeric dates are read day first (04/03/2025 is 4 March 2025), as
// written in the UK, which is where the sources are.

const (
	// maxDateScan bounds how much visible text is searched for a date
	// without a cue such as "Published".
	maxDateScan = 1500
	// maxCueScan bounds how much visible text is searched for cues: bylines
	// come early, and the search is a case-insensitive regexp.
	maxCueScan = 20000
	// maxDatelineLen is the longest paragraph, in characters, taken for a
	// byline or dateline when looking for a date without a cue.
	maxDatelineLen = 100
	// maxJSONLD bounds one JSON-LD block; larger ones are skipped.
	maxJSONLD = 1 << 20
	// maxJSONLDDepth bounds the walk through nested JSON-LD objects.
	maxJSONLDDepth = 16
)

// publishedMetaKeys are meta names or properties (lower case) that carry a
// publication date, best first.
var publishedMetaKeys = []string{
	"article:published_time", "og:published_time", "article:published", "datepublished",
	"dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created",
	"dcterms.available", "citation_publication_date", "citation_date", "citation_online_date",
	"prism.publicationdate", "parsely-pub-date", "sailthru.date", "pubdate", "publish-date",
	"publish_date", "publication_date", "date",
}

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
	// German and French, as the bylines of the evaluation sets write them
	// ("5. November 2021", "12 décembre 2020").
	"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "okt": 10, "oktober": 10,
	"dez": 12, "dezember": 12, "janvier": 1, "février": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
	"août": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}

const monthPattern = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|` +
	`januar|jänner|februar|märz|mai|juni|juli|okt(?:ober)?|dez(?:ember)?|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)`

var (
	rxISODate   = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:$|[T\s_]|[+-]\d\d:?\d\d$|Z)`)
	rxSlashYMD  = regexp.MustCompile(`^(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b`)
	rxCompact   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:$|T|\d{4,6})`)
	rxDayMonthY = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th|\.|er)?\s+(?:of\s+)?` + monthPattern + `\.?,?\s+(\d{4})\b`)
	rxMonthDayY = regexp.MustCompile(`(?i)\b` + monthPattern + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	rxMonthY    = regexp.MustCompile(`(?i)\b` + monthPattern + `\.?,?\s+(\d{4})\b`)
	rxNumericDY = regexp.MustCompile(`\b(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})\b`)
	rxTextISO   = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	rxDateCue   = regexp.MustCompile(`(?i)\b(?:first published|published(?: on)?|publication date|date of publication|date published|posted(?: on)?|issued|released|dated?|veröffentlicht(?: am)?|publiziert(?: am)?|erstellt(?: am)?|geschrieben(?: am)?|eingestellt(?: am)?|datum|publié(?: le)?|publicado(?: el)?|pubblicato(?: il)?|opublikowano)(?:^|\b|\s)\s*:?`)
)

// currentYear is the year dates are checked against; the evaluations pin
// it, so that their figures do not move with the calendar.
var currentYear = func() int { return time.Now().Year() }

// formatDate validates a date and formats it at the precision given (month
// and day 0 mean unknown). Years outside 1900..next year are rejected.
func formatDate(y, m, d int) string {
	if y < 1900 || y > currentYear()+1 {
		return ""
	}
	if m == 0 {
		return strconv.Itoa(y)
	}
	if m < 1 || m > 12 {
		return ""
	}
	if d == 0 {
		return fmt.Sprintf("%04d-%02d", y, m)
	}
	if d < 1 || d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// machineDate reads a date from metadata: ISO 8601 at any precision, compact
// 20161012, 2016/10/12, or any form visibleDate understands (RFC 1123, "12
// October 2016", 12/10/2016). The date is the one written, in its own time
// zone: 2016-10-12T23:30:00-05:00 is 12 October.
func machineDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		s = s[:200]
	}
	if m := rxISODate.FindStringSubmatch(s); m != nil {
		return formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := rxSlashYMD.FindStringSubmatch(s); m != nil {
		return formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := rxCompact.FindStringSubmatch(s); m != nil {
		return formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	d, _ := visibleDate(s)
	return d
}

// visibleDate finds the first date written out in text and returns it with
// its byte offset, or "" and -1.
func visibleDate(text string) (string, int) {
	best, bestAt, bestLen := "", -1, 0
	consider := func(date string, at, length int) {
		if date == "" {
			return
		}
		// Earliest wins; at the same place the longer (more precise) match.
		if bestAt < 0 || at < bestAt || at == bestAt && length > bestLen {
			best, bestAt, bestLen = date, at, length
		}
	}
	for _, m := range rxDayMonthY.FindAllStringSubmatchIndex(text, 4) {
		consider(formatDate(atoi(text[m[6]:m[7]]), months[strings.ToLower(text[m[4]:m[5]])], atoi(text[m[2]:m[3]])), m[0], m[1]-m[0])
	}
	for _, m := range rxMonthDayY.FindAllStringSubmatchIndex(text, 4) {
		consider(formatDate(atoi(text[m[6]:m[7]]), months[strings.ToLower(text[m[2]:m[3]])], atoi(text[m[4]:m[5]])), m[0], m[1]-m[0])
	}
	for _, m := range rxMonthY.FindAllStringSubmatchIndex(text, 4) {
		consider(formatDate(atoi(text[m[4]:m[5]]), months[strings.ToLower(text[m[2]:m[3]])], 0), m[0], m[1]-m[0])
	}
	for _, m := range rxNumericDY.FindAllStringSubmatchIndex(text, 4) {
		if text[m[4]:m[5]] != text[m[8]:m[9]] {
			continue // 12/10-2016 is not a date
		}
		consider(formatDate(atoi(text[m[10]:m[11]]), atoi(text[m[6]:m[7]]), atoi(text[m[2]:m[3]])), m[0], m[1]-m[0])
	}
	for _, m := range rxTextISO.FindAllStringSubmatchIndex(text, 4) {
		consider(formatDate(atoi(text[m[2]:m[3]]), atoi(text[m[4]:m[5]]), atoi(text[m[6]:m[7]])), m[0], m[1]-m[0])
	}
	return best, bestAt
}

// rxURLDate finds a date in a URL path: /2016/10/12/, /2016-10-12-title,
// /2016/10/ (a year alone is too often something else); rxURLCompact one
// written /20200428/ or /20220127-title (eight digits exactly: fourteen are
// a web archive's capture time, not the page's date).
var (
	rxURLDate    = regexp.MustCompile(`/((?:19|20)\d{2})[/-](\d{1,2})(?:[/-](\d{1,2}))?(?:[/_.-]|$)`)
	rxURLCompact = regexp.MustCompile(`/((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)`)
)

// urlDate is the date in a page's URL path, or "": the last resort, after
// metadata and visible text. Of a year and month (/2003/03/) and a whole
// date later in the path (/20030331_speech), the whole date wins.
func urlDate(pageURL string) string {
	path := pageURL
	if i := strings.Index(path, "://"); i >= 0 {
		path = path[i+3:]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		} else {
			return ""
		}
	}
	path, _, _ = strings.Cut(path, "?")
	path, _, _ = strings.Cut(path, ";") // ;jsessionid=...
	found := ""
	if m := rxURLDate.FindStringSubmatch(path); m != nil {
		found = formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if len(found) < len("2006-01-02") {
		for _, m := range rxURLCompact.FindAllStringSubmatch(path, 4) {
			if d := formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3])); d != "" && (found == "" || strings.HasPrefix(d, found)) {
				return d
			}
		}
	}
	return found
}

// textDate looks for a publication date in visible text: first a date right
// after a cue such as "Published", then the first date near the start.
func textDate(texts ...string) string {
	if d := cueDate(texts...); d != "" {
		return d
	}
	return datelineDate(texts...)
}

// cueDate is the first date right after a cue such as "Published".
func cueDate(texts ...string) string {
	for _, text := range texts {
		text = prefix(text, maxCueScan)
		for _, m := range rxDateCue.FindAllStringIndex(text, 20) {
			window := text[m[1]:min(len(text), m[1]+40)]
			// The date must follow the cue directly ("Published: 4 May
			// 2020"), not later in the sentence ("released in May 2020").
			if d, at := visibleDate(window); d != "" && !strings.ContainsFunc(window[:at], func(r rune) bool {
				return unicode.IsLetter(r) || unicode.IsDigit(r)
			}) {
				return d
			}
		}
	}
	return ""
}

// datelineDate is the first date standing in a short paragraph near the
// start: without a cue, only a byline or dateline counts, not "in December
// 2002, we..." in the running text.
func datelineDate(texts ...string) string {
	for _, text := range texts {
		for p := range strings.SplitSeq(prefix(text, maxDateScan), "\n\n") {
			if utf8.RuneCountInString(p) > maxDatelineLen {
				continue
			}
			if d, _ := visibleDate(p); d != "" {
				return d
			}
		}
	}
	return ""
}

// structuredDate finds a publication date in metadata: meta tags, then
// JSON-LD, then <time datetime>.
func structuredDate(doc *goquery.Document, meta map[string]string) string {
	for _, k := range publishedMetaKeys {
		if v, ok := meta[k]; ok {
			if d := machineDate(v); d != "" {
				return d
			}
		}
	}
	if d := jsonLDDate(doc); d != "" {
		return d
	}
	return timeElementDate(doc)
}

// timeElementDate reads <time> elements, preferring those marked as the
// publication date, then those inside the article.
func timeElementDate(doc *goquery.Document) string {
	for _, sel := range []string{
		`time[itemprop="datePublished"]`, `[itemprop="datePublished"][content]`, `time[pubdate]`,
		`article time[datetime]`, `main time[datetime]`, `time[datetime]`,
	} {
		found := ""
		doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			v, ok := s.Attr("datetime")
			if !ok {
				v, ok = s.Attr("content")
			}
			if !ok {
				v = s.Text()
			}
			found = machineDate(v)
			return found == ""
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// jsonLDDate reads datePublished (else dateCreated) from JSON-LD blocks,
// walking arrays and @graph lists. Malformed or oversized blocks are skipped.
func jsonLDDate(doc *goquery.Document) string {
	var published, created string
	doc.Find("script").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		typ, _ := s.Attr("type")
		if !strings.EqualFold(strings.TrimSpace(typ), "application/ld+json") {
			return true
		}
		raw := s.Text()
		if len(raw) > maxJSONLD {
			return true
		}
		raw = strings.TrimSpace(raw)
		raw = strings.TrimPrefix(raw, "<![CDATA[")
		raw = strings.TrimSuffix(raw, "]]>")
		raw = strings.TrimPrefix(raw, "<!--")
		raw = strings.TrimSuffix(raw, "-->")
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return true
		}
		walkJSONLD(v, 0, func(obj map[string]any) bool {
			if published == "" {
				published = machineDate(jsonLDString(obj["datePublished"]))
			}
			if created == "" {
				created = machineDate(jsonLDString(obj["dateCreated"]))
			}
			return published == ""
		})
		return published == ""
	})
	if published != "" {
		return published
	}
	return created
}

// walkJSONLD calls fn for every object in v, depth first, until fn returns
// false.
func walkJSONLD(v any, depth int, fn func(map[string]any) bool) bool {
	if depth > maxJSONLDDepth {
		return true
	}
	switch t := v.(type) {
	case []any:
		for _, item := range t {
			if !walkJSONLD(item, depth+1, fn) {
				return false
			}
		}
	case map[string]any:
		if !fn(t) {
			return false
		}
		for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage", "hasPart"} {
			if child, ok := t[k]; ok && !walkJSONLD(child, depth+1, fn) {
				return false
			}
		}
	}
	return true
}

// jsonLDString returns a JSON-LD value as a string: plain, {"@value": ...}
// or the first of a list.
func jsonLDString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return jsonLDString(t["@value"])
	case []any:
		if len(t) > 0 {
			return jsonLDString(t[0])
		}
	}
	return ""
}
