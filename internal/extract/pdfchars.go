package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// Repairs to a page's text that need to know where characters are: footnote
// markers set raised and smaller (pdfchars.go) and right-to-left lines
// (pdfbidi.go). Each call into PDFium crosses the WebAssembly boundary
// (1.5 to 8 µs here), so characters are asked about only where the text
// itself shows a candidate: a short digit run touching a letter, a
// right-to-left run. A page of ordinary text costs no call at all.

// maxCharCalls bounds the questions asked about one page's characters
// (some 50 ms): past it, positions are unknown and the repairs that need
// them are skipped. Right-to-left text asks about one for every two or
// three characters (a full Arabic page some 1,500); a page of English,
// two for each digit run touching a letter (100 on a page of 4,450
// characters with two such words a line: 0.2 ms of its 13 ms).
const maxCharCalls = 5000

// textPage answers questions about the characters of one PDFium text page.
type textPage struct {
	inst  pdfium.Pdfium
	tp    references.FPDF_TEXTPAGE
	calls *int // questions asked so far
}

// ask reports whether a question about character i may be asked, and
// counts it.
func (p textPage) ask(i int32) bool {
	if i < 0 || *p.calls >= maxCharCalls {
		return false
	}
	*p.calls++
	return true
}

func (p textPage) fontSize(i int32) float64 {
	if !p.ask(i) {
		return 0
	}
	r, err := p.inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: p.tp, Index: int(i)})
	if err != nil {
		return 0
	}
	return r.FontSize
}

func (p textPage) origin(i int32) (x, y float64, ok bool) {
	if !p.ask(i) {
		return 0, 0, false
	}
	r, err := p.inst.FPDFText_GetCharOrigin(&requests.FPDFText_GetCharOrigin{TextPage: p.tp, Index: int(i)})
	if err != nil {
		return 0, 0, false
	}
	return r.X, r.Y, true
}

func (p textPage) originX(i int32) (float64, bool) {
	x, _, ok := p.origin(i)
	return x, ok
}

// charPositions is what the repairs ask of a text page.
type charPositions interface {
	charGeometry
	fontSize(i int32) float64
	origin(i int32) (x, y float64, ok bool)
}

// refineText applies the repairs to text, the whole text of a page of
// count characters. When the text does not hold exactly one rune per
// character (PDFium's count and its UTF-16 can disagree), characters cannot
// be found by index: markers are left alone and right-to-left lines are
// reordered from the text alone.
func refineText(p charPositions, text string, count int) string {
	markers := mayHaveMarkers(text)
	rtl := hasRTL(text)
	if !markers && !rtl {
		return text
	}
	indexed := utf8.RuneCountInString(text) == count
	if !indexed && !rtl {
		return text
	}
	cs := make([]bidiChar, 0, len(text))
	i := int32(0)
	for _, r := range text {
		c := bidiChar{r, -1}
		if indexed {
			c.i = i
		}
		cs = append(cs, c)
		i++
	}
	if markers && indexed {
		cs = separateMarkers(cs, p)
	}
	if rtl {
		var g charGeometry
		if indexed {
			g = p
		}
		cs = rtlLines(cs, g)
	}
	var sb strings.Builder
	sb.Grow(len(text) + 16)
	for _, c := range cs {
		sb.WriteRune(c.r)
	}
	return sb.String()
}

// maxMarker is the longest footnote marker looked for, in digits.
const maxMarker = 3

// mayHaveMarkers reports whether text has a digit touching a letter, the
// only place a footnote marker can be glued to a word.
func mayHaveMarkers(text string) bool {
	prevLetter, prevDigit := false, false
	for _, r := range text {
		digit := r >= '0' && r <= '9'
		letter := !digit && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && unicode.IsLetter(r))
		if digit && prevLetter || letter && prevDigit {
			return true
		}
		prevLetter, prevDigit = letter, digit
	}
	return false
}

// separateMarkers finds footnote markers (a run of up to maxMarker digits
// set smaller than the word it touches and raised above its baseline) and
// sets them apart: "children¹The" becomes "children 1 The". PDFium ends a
// line at the raised marker's baseline, so a line break right after a
// marker, where the next character is back on the word's baseline, is
// dropped. pdftotext keeps the marker on the word ("children1 The"); apart,
// the word stays a word for the index. Subscripts ("H₂O", "CO₂") stay as
// they are, and so do raised letters ("1st").
func separateMarkers(cs []bidiChar, p charPositions) []bidiChar {
	isDigit := func(k int) bool { return k >= 0 && k < len(cs) && cs[k].r >= '0' && cs[k].r <= '9' }
	isLetter := func(k int) bool { return k >= 0 && k < len(cs) && !isDigit(k) && unicode.IsLetter(cs[k].r) }
	var out []bidiChar // nil until the first change
	copied := 0        // cs[:copied] is in out
	for a := 0; a < len(cs); a++ {
		if !isDigit(a) || isDigit(a-1) {
			continue
		}
		b := a
		for isDigit(b) {
			b++
		}
		before, after := isLetter(a-1), isLetter(b)
		if b-a > maxMarker || !before && !after {
			a = b - 1
			continue
		}
		// The word the marker belongs to, for size and baseline.
		w := a - 1
		if !before {
			w = b
		}
		size, wordSize := p.fontSize(cs[a].i), p.fontSize(cs[w].i)
		if size <= 0 || wordSize <= 0 || size > 0.85*wordSize {
			a = b - 1
			continue
		}
		_, y, ok := p.origin(cs[a].i)
		_, wy, wok := p.origin(cs[w].i)
		if !ok || !wok || y-wy < 0.15*wordSize {
			a = b - 1
			continue
		}
		if out == nil {
			out = make([]bidiChar, 0, len(cs)+8)
		}
		out = append(out, cs[copied:a]...)
		if before {
			out = append(out, bidiChar{' ', -1})
		}
		out = append(out, cs[a:b]...)
		copied = b
		switch {
		case b+2 < len(cs) && cs[b].r == '\r' && cs[b+1].r == '\n':
			// A break PDFium made at the marker's baseline: the line
			// goes on if the next character is on the word's.
			if _, ny, ok := p.origin(cs[b+2].i); ok && abs(ny-wy) < 0.3*wordSize {
				copied = b + 2
				if isLetter(b+2) || isDigit(b+2) {
					out = append(out, bidiChar{' ', -1})
				}
			}
		case after:
			out = append(out, bidiChar{' ', -1})
		}
		a = b - 1
	}
	if out == nil {
		return cs
	}
	return append(out, cs[copied:]...)
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
