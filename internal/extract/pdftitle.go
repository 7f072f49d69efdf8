package extract

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// A PDF's title, when its metadata has none worth keeping, is the largest
// text near the top of page 1: the characters' sizes, positions and angles
// are read from PDFium, grouped into lines, and lines that are no title are
// passed over (rotated watermarks, running headers and footers, page
// numbers, tiny print, a logo-like single word above the real title).
// Consecutive lines of the title's size are one title set over two or three
// lines. Only page 1 is read character by character; page 2 is asked only
// whether a candidate line in the top or bottom band recurs at the same
// place (a running header).

const (
	// titleChars bounds the characters of page 1 looked at: a title is
	// near the top, and each word costs an engine call.
	titleChars = 4000
	// titleLines bounds the lines of one title.
	titleLines = 3
	// titleStandOut is how much larger than the body text a line must be
	// to stand out as a title.
	titleStandOut = 1.15
	// titleBand is the share of the page height at the top and at the
	// bottom where running headers and footers sit.
	titleBand = 0.12
	// titleRecheck bounds the candidates checked against page 2.
	titleRecheck = 6
)

// pickTitles turns the picker on; tests turn it off to measure the rule
// before it.
var pickTitles = true

// pdfDocTitle chooses the title of a PDF: the Title metadata when it is a
// real title, else the largest text on page 1 (pickPDFTitle), else the rule
// from before the picker: the cleaned metadata, then the first line of the
// text.
func pdfDocTitle(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, pageCount int, meta, text string) string {
	if t := pdfTitle(meta); t != "" && officeTitle(meta) != "" {
		return t
	}
	if pickTitles {
		if t := pickPDFTitle(inst, doc, pageCount); t != "" {
			return t
		}
	}
	if t := pdfTitle(meta); t != "" {
		return t
	}
	return firstLine(text)
}

// titleChar is one character of a page as PDFium placed it.
type titleChar struct {
	r       rune
	index   int     // PDFium's index
	x, y    float64 // origin on the baseline, PDF user space (y up)
	placed  bool    // x and y were read
	size    float64 // effective font size, points
	rotated bool
}

// titleLine is one line of text on page 1.
type titleLine struct {
	text      string
	size      float64 // the size most of its letters have
	x0, x1, y float64 // extent and baseline
	rotated   bool
	letters   int
	skip      bool // not a title line: see chooseTitle
}

// pickPDFTitle returns the title found on page 1, or "".
func pickPDFTitle(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, pageCount int) string {
	if pageCount < 1 {
		return ""
	}
	chars, height, err := titlePageChars(inst, doc, 0)
	if err != nil || len(chars) == 0 {
		return ""
	}
	lines := titleLinesOf(chars)
	if pageCount == 1 {
		return chooseTitle(lines, height, nil)
	}
	var page2 *requests.Page
	var text2 references.FPDF_TEXTPAGE
	defer func() {
		if text2 != "" {
			inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: text2}) //nolint:errcheck // nothing to do about a failed close
		}
		if page2 != nil {
			inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: *page2.ByReference}) //nolint:errcheck // nothing to do about a failed close
		}
	}()
	opened := false
	return chooseTitle(lines, height, func(l titleLine) bool {
		if !opened {
			opened = true
			pg, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: 1})
			if err != nil {
				return false
			}
			page2 = &requests.Page{ByReference: &pg.Page}
			tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: *page2})
			if err != nil {
				return false
			}
			text2 = tp.TextPage
		}
		return text2 != "" && recurs(inst, text2, l)
	})
}

// chooseTitle picks the title among the lines of page 1 (in reading order)
// of a page height tall; recur, when not nil, tells whether a line recurs
// at the same place on page 2.
func chooseTitle(lines []titleLine, height float64, recur func(titleLine) bool) string {
	body := bodySize(lines)
	if body == 0 {
		return ""
	}
	for i := range lines {
		l := &lines[i]
		band := inBand(*l, height)
		switch {
		case l.rotated, l.letters == 0:
			l.skip = true
		case l.size < body*0.7 || l.size < 5:
			l.skip = true // tiny print
		case band && l.size <= body*titleStandOut:
			l.skip = true // a running header or footer in small print
		case rxPageNumber.MatchString(l.text) && (band || l.size <= body*titleStandOut):
			l.skip = true // a page number; a large "2016" below a title is not one
		}
	}
	// Candidates: lines that stand out, largest first, then top first.
	var cand []int
	for i, l := range lines {
		if !l.skip && l.size >= body*titleStandOut {
			cand = append(cand, i)
		}
	}
	if len(cand) == 0 {
		return ""
	}
	slices.SortStableFunc(cand, func(a, b int) int {
		if c := cmp.Compare(round1(lines[b].size), round1(lines[a].size)); c != 0 {
			return c
		}
		return cmp.Compare(lines[b].y, lines[a].y) // top first
	})
	// Prefer the upper two thirds of the page, where titles are.
	if height > 0 {
		upper := slices.DeleteFunc(slices.Clone(cand), func(i int) bool { return lines[i].y < height/3 })
		if len(upper) > 0 {
			cand = upper
		}
	}
	checked := 0
	for _, i := range cand {
		l := lines[i]
		// Running headers and footers sit in the bands: only lines there
		// are looked for on page 2, which is then read.
		if recur != nil && checked < titleRecheck && inBand(l, height) {
			checked++
			if recur(l) {
				lines[i].skip = true
				continue
			}
		}
		// A single short word larger than the rest (a logo, an acronym)
		// gives way to a large line of words below it.
		if isLogoWord(l.text) {
			alt := -1
			for j, o := range lines {
				if !o.skip && o.y < l.y && (height == 0 || o.y >= height/3) && !isLogoWord(o.text) &&
					o.size < l.size && (o.size >= 16 || o.size >= body*1.5) &&
					(alt < 0 || round1(o.size) > round1(lines[alt].size)) {
					alt = j
				}
			}
			if alt >= 0 {
				return joinTitle(lines, alt)
			}
		}
		return joinTitle(lines, i)
	}
	return ""
}

// joinTitle joins line i with the lines after it that continue it: the
// same size, just below, up to titleLines in all.
func joinTitle(lines []titleLine, i int) string {
	first := lines[i]
	parts := []string{first.text}
	prevY := first.y
	for j := i + 1; j < len(lines) && len(parts) < titleLines; j++ {
		l := lines[j]
		if l.skip && l.letters > 0 {
			break
		}
		if l.letters == 0 {
			continue
		}
		gap := prevY - l.y
		if math.Abs(l.size-first.size) > first.size*0.04 || gap <= 0 || gap > first.size*1.7 {
			break
		}
		parts = append(parts, l.text)
		prevY = l.y
	}
	t := parts[0]
	for _, p := range parts[1:] {
		// A word broken with a hyphen at the end of a line.
		if strings.HasSuffix(t, "-") && len(t) > 1 {
			if r, _ := utf8.DecodeLastRuneInString(t[:len(t)-1]); unicode.IsLetter(r) {
				if n, _ := utf8.DecodeRuneInString(p); unicode.IsLower(n) {
					t = t[:len(t)-1] + p
					continue
				}
			}
		}
		t += " " + p
	}
	return truncate(collapseSpace(t), maxTitle)
}

// inBand reports whether the line sits in the top or bottom band of a page
// height tall.
func inBand(l titleLine, height float64) bool {
	return height > 0 && (l.y > height*(1-titleBand) || l.y < height*titleBand)
}

func round1(f float64) float64 { return math.Round(f*2) / 2 }

// bodySize is the size most letters on the page have.
func bodySize(lines []titleLine) float64 {
	count := map[float64]int{}
	for _, l := range lines {
		if !l.rotated {
			count[round1(l.size)] += l.letters
		}
	}
	best, n := 0.0, 0
	for s, c := range count {
		if c > n || c == n && s < best {
			best, n = s, c
		}
	}
	return best
}

// rxPageNumber matches what page numbers look like: "1", "- 1 -", "(1)",
// "Page 1", "Page 1 of 12", "1 / 12", "1 of 12", roman "iv" (to xxxix).
var rxPageNumber = regexp.MustCompile(`(?i)^(?:page\s*)?[-–—(\[]?\s*(?:\d{1,4}|x{0,3}(?:ix|iv|v?i{1,3}|v)|x{1,3})\s*[-–—)\]]?(?:\s*(?:of|/)\s*\d{1,4})?$`)

// isLogoWord reports whether a line is one short word (an acronym, a name
// set as a logo).
func isLogoWord(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsSpace) && utf8.RuneCountInString(s) <= 12
}

// titleLinesOf groups characters (in PDFium's reading order) into lines:
// a new line at PDFium's line breaks, and wherever the size or angle
// changes or the baseline moves (as far as the characters whose place was
// read tell).
func titleLinesOf(chars []titleChar) []titleLine {
	var lines []titleLine
	var b strings.Builder
	var cur []titleChar // the letters of the line
	flush := func() {
		text := collapseSpace(b.String())
		b.Reset()
		if len(cur) == 0 || text == "" {
			cur = cur[:0]
			return
		}
		l := titleLine{text: text, x0: math.Inf(1), x1: math.Inf(-1)}
		sizes := map[float64]int{}
		rotated, ys, placed := 0, 0.0, 0
		for _, c := range cur {
			sizes[round1(c.size)]++
			if c.rotated {
				rotated++
			}
			if c.placed {
				l.x0, l.x1 = min(l.x0, c.x), max(l.x1, c.x+c.size/2)
				ys += c.y
				placed++
			}
			if unicode.IsLetter(c.r) || unicode.IsDigit(c.r) {
				l.letters++
			}
		}
		if placed == 0 {
			l.x0, l.x1 = 0, 0
		} else {
			l.y = ys / float64(placed)
		}
		n := 0
		for s, c := range sizes {
			if c > n || c == n && s > l.size {
				l.size, n = s, c
			}
		}
		l.rotated = rotated*2 > len(cur)
		lines = append(lines, l)
		cur = cur[:0]
	}
	var lastPlaced titleChar // the last character of the line whose place was read
	for _, c := range chars {
		switch c.r {
		case '\r', '\n':
			flush()
			lastPlaced = titleChar{}
			continue
		case ' ', '\t', '\u00a0':
			b.WriteByte(' ')
			continue
		case '\ufffe', '\x02', '\u00ad':
			b.WriteByte('-') // a hyphen that breaks a word at the line end
			continue
		}
		if len(cur) > 0 {
			last := cur[len(cur)-1]
			moved := c.placed && lastPlaced.placed && !c.rotated && math.Abs(c.y-lastPlaced.y) > max(c.size, lastPlaced.size)*0.6
			if moved || c.rotated != last.rotated || math.Abs(c.size-last.size) > max(c.size, last.size)*0.2 {
				flush()
				lastPlaced = titleChar{}
			}
		}
		cur = append(cur, c)
		if c.placed {
			lastPlaced = c
		}
		b.WriteRune(c.r)
	}
	flush()
	return lines
}

// titlePageChars reads the first titleChars characters of page i with their
// sizes, and the page height. Each engine call costs microseconds, so the
// text is read in one call, the font size at the start of each word, and
// the place and the matrix (scale and angle) where a line starts or ends
// and where the font size changes; each is carried over to the characters
// between.
func titlePageChars(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) ([]titleChar, float64, error) {
	pg, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return nil, 0, err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: pg.Page}) //nolint:errcheck // nothing to do about a failed close
	page := requests.Page{ByReference: &pg.Page}
	height := 0.0
	if h, err := inst.FPDF_GetPageHeightF(&requests.FPDF_GetPageHeightF{Page: page}); err == nil {
		height = float64(h.PageHeight)
	}
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return nil, 0, err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage}) //nolint:errcheck // nothing to do about a failed close
	count, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return nil, 0, err
	}
	n := min(count.Count, titleChars)
	if n <= 0 {
		return nil, height, nil
	}
	// One character index is one rune of the text, unless the page holds
	// characters outside the Basic Multilingual Plane: then each is asked.
	var runes []rune
	if text, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n}); err == nil {
		runes = []rune(strings.TrimRight(text.Text, "\x00"))
	}
	if len(runes) != n {
		runes = runes[:0]
		for k := range n {
			u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp.TextPage, Index: k})
			if err != nil {
				return nil, 0, err
			}
			runes = append(runes, rune(min(u.Unicode, unicode.MaxRune)))
		}
	}
	// place reads the origin of character k, and with the matrix its
	// scale and angle.
	scale, rotated := 1.0, false
	place := func(k int, c *titleChar, matrix bool) {
		if matrix {
			scale, rotated = 1, false
			if m, err := inst.FPDFText_GetMatrix(&requests.FPDFText_GetMatrix{TextPage: tp.TextPage, Index: k}); err == nil {
				a, b, cc, d := float64(m.Matrix.A), float64(m.Matrix.B), float64(m.Matrix.C), float64(m.Matrix.D)
				// The font size is in text space; the matrix scales
				// and turns it onto the page.
				if det := math.Abs(a*d - b*cc); det > 0 {
					scale = math.Sqrt(det)
				}
				rotated = math.Abs(math.Atan2(b, a)) > 2*math.Pi/180
			}
		}
		if o, err := inst.FPDFText_GetCharOrigin(&requests.FPDFText_GetCharOrigin{TextPage: tp.TextPage, Index: k}); err == nil {
			c.x, c.y, c.placed = o.X, o.Y, true
		}
	}
	chars := make([]titleChar, 0, n)
	lastRaw := -1.0
	last := -1 // the last letter of the line, in chars
	lineEnd := func() {
		if last >= 0 && !chars[last].placed {
			place(chars[last].index, &chars[last], false)
		}
		last, lastRaw = -1, -1
	}
	for k, r := range runes {
		c := titleChar{r: r, index: k}
		switch r {
		case 0:
			continue
		case '\r', '\n':
			lineEnd()
			chars = append(chars, c)
			continue
		case ' ', '\t', '\u00a0', '\ufffe', '\x02', '\u00ad':
			// Spaces and soft hyphens: their place and size do not
			// matter.
			chars = append(chars, c)
			continue
		}
		// The size is read at the start of each word: a size that
		// changes inside a word does not matter to a title.
		if raw := lastRaw; last < 0 || last != len(chars)-1 {
			fs, err := inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: tp.TextPage, Index: k})
			if err != nil {
				return nil, 0, err
			}
			if lastRaw = fs.FontSize; lastRaw != raw {
				place(k, &c, true)
			}
		}
		c.size, c.rotated = lastRaw*scale, rotated
		chars = append(chars, c)
		last = len(chars) - 1
	}
	lineEnd()
	return chars, height, nil
}

// recurs reports whether the text page holds the text of l at the same
// place: a running header or footer, a watermark on every page.
func recurs(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, l titleLine) bool {
	pad := l.size * 0.5
	got, err := inst.FPDFText_GetBoundedText(&requests.FPDFText_GetBoundedText{
		TextPage: tp,
		Left:     l.x0 - pad, Right: l.x1 + pad,
		Top: l.y + l.size + pad, Bottom: l.y - l.size*0.3 - pad,
	})
	if err != nil {
		return false
	}
	return strings.Contains(digitsAsHash(collapseSpace(got.Text)), digitsAsHash(l.text))
}

// digitsAsHash writes every digit as '#', so that "Page 1" and "Page 2" are
// the same running footer.
func digitsAsHash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return '#'
		}
		return unicode.ToLower(r)
	}, s)
}
