package extract

import (
	"golang.org/x/text/unicode/bidi"
)

// Right-to-left text in PDFs. A PDF draws glyphs where they go on the page,
// so a Hebrew or Arabic line is stored in visual order (the glyph at the
// left first). PDFium turns runs of right-to-left letters back into logical
// order but leaves the line in visual order: for "מדיניות הגנה על ילדים."
// set right to left it gives ".ילדים על הגנה מדיניות", the words backwards
// and the full stop before the last word (LibreOffice and Chromium PDFs,
// PDFium of go-pdfium v1.20.0; pdftotext gets the word order right). Some
// runs Chromium writes PDFium leaves in visual order, letters reversed.
// rtlLines puts such lines into logical order: every right-to-left run is
// made visual (reversed when its glyphs run right to left on the page),
// then the line is reordered by the Unicode bidirectional algorithm
// (UAX #9: weak and neutral types resolved, levels, rule L2), which for
// text without explicit embeddings turns visual order back into logical.

// bidiChar is one character of a page's text and its index in PDFium's text
// page (-1 for a character added here).
type bidiChar struct {
	r rune
	i int32
}

// charGeometry answers where a character of the text page lies; x is the
// horizontal origin of its glyph.
type charGeometry interface {
	originX(i int32) (float64, bool)
}

// hasRTL reports whether s holds a right-to-left letter (Hebrew, Arabic,
// Syriac, Thaana, N'Ko and their presentation forms).
func hasRTL(s string) bool {
	for _, r := range s {
		if r >= 0x0590 && isRTLRune(r) {
			return true
		}
	}
	return false
}

func isRTLRune(r rune) bool {
	if r < 0x0590 {
		return false
	}
	c := bidiClass(r)
	return c == bidi.R || c == bidi.AL
}

func bidiClass(r rune) bidi.Class {
	if r < 0x80 { // the common case, without the table
		switch {
		case r >= '0' && r <= '9':
			return bidi.EN
		case r == ' ':
			return bidi.WS
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			return bidi.L
		}
	}
	p, _ := bidi.LookupRune(r)
	return p.Class()
}

// rtlLines puts every line of cs that holds right-to-left letters into
// logical order; lines end at "\n" (PDFium's "\r\n" included). A line
// without letters ("4567." at the end of a Hebrew paragraph) takes the
// direction of the line before. g, when not nil, tells which runs PDFium
// left in visual order.
func rtlLines(cs []bidiChar, g charGeometry) []bidiChar {
	start := 0
	prevRTL := false
	for k := 0; k <= len(cs); k++ {
		if k < len(cs) && cs[k].r != '\n' && cs[k].r != '\r' {
			continue
		}
		if k > start {
			prevRTL = rtlLine(cs[start:k], g, prevRTL)
		}
		start = k + 1
	}
	return cs
}

// rtlLine reorders one line in place and reports whether it is right to
// left.
func rtlLine(line []bidiChar, g charGeometry, prevRTL bool) bool {
	// The line's direction is that of most of its words (a run of
	// letters of one direction), the letters breaking a tie.
	nR, nL, wR, wL := 0, 0, 0, 0
	prev := bidi.WS
	for _, c := range line {
		cl := bidiClass(c.r)
		switch cl {
		case bidi.R, bidi.AL:
			nR++
			if prev != bidi.R {
				wR++
			}
			prev = bidi.R
		case bidi.L:
			nL++
			if prev != bidi.L {
				wL++
			}
			prev = bidi.L
		case bidi.NSM:
		default:
			prev = cl
		}
	}
	if nR == 0 {
		if nL == 0 && prevRTL {
			reorderVisual(line, true)
			return true
		}
		return false
	}
	if g != nil {
		sortNeutrals(line, g)
	}
	// Make every right-to-left run visual, as the rest of the line is.
	for a := 0; a < len(line); {
		if !isRTLRune(line[a].r) {
			a++
			continue
		}
		b := a + 1
		for b < len(line) && (isRTLRune(line[b].r) || bidiClass(line[b].r) == bidi.NSM) {
			b++
		}
		run := line[a:b]
		logical := true
		if g != nil && len(run) > 1 {
			// A run whose first glyph lies left of its last is still
			// in visual order.
			x0, ok0 := g.originX(run[0].i)
			x1, ok1 := g.originX(run[len(run)-1].i)
			logical = !ok0 || !ok1 || x0 >= x1-0.01
		}
		if !logical {
			reverseChars(run) // now logical, for the ligature repair
		}
		fixLamAlef(run, g)
		reverseChars(run)
		a = b
	}
	rtl := wR > wL || wR == wL && nR > nL
	reorderVisual(line, rtl)
	return rtl
}

// sortNeutrals puts each run of two or more spaces and punctuation marks
// next to right-to-left letters in the order of its glyphs on the page:
// PDFium moves some of them ("ראו )בנובמבר" for "ראו) בנובמבר" in visual
// order).
func sortNeutrals(line []bidiChar, g charGeometry) {
	neutral := func(r rune) bool {
		switch bidiClass(r) {
		case bidi.WS, bidi.ON, bidi.CS, bidi.ES, bidi.ET:
			return true
		}
		return false
	}
	for a := 0; a < len(line); a++ {
		if !neutral(line[a].r) {
			continue
		}
		b := a + 1
		for b < len(line) && neutral(line[b].r) {
			b++
		}
		if b-a >= 2 && b-a <= maxNeutrals && (a > 0 && isRTLRune(line[a-1].r) || b < len(line) && isRTLRune(line[b].r)) {
			sortByX(line[a:b], g)
		}
		a = b
	}
}

// maxNeutrals is the longest run of neutrals sortNeutrals sorts.
const maxNeutrals = 8

// sortByX orders cs by the horizontal origins of their glyphs (insertion
// sort: runs are short), unless a position is unknown.
func sortByX(cs []bidiChar, g charGeometry) {
	xs := make([]float64, len(cs))
	for k, c := range cs {
		x, ok := g.originX(c.i)
		if !ok {
			return
		}
		xs[k] = x
	}
	for k := 1; k < len(cs); k++ {
		for j := k; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

// fixLamAlef repairs the lam-alef ligature in a run in logical order. The
// ligature is one glyph mapped to two characters, lam then alef; PDFium
// reverses the pair with the run, giving alef then lam ("األطفال" for
// "الأطفال"; pdftotext does the same). Both characters of one glyph share
// its origin, which tells the pair from a real alef followed by lam.
func fixLamAlef(run []bidiChar, g charGeometry) {
	if g == nil {
		return
	}
	for k := 0; k+1 < len(run); k++ {
		if !isAlef(run[k].r) || run[k+1].r != 'ل' {
			continue
		}
		x0, ok0 := g.originX(run[k].i)
		x1, ok1 := g.originX(run[k+1].i)
		if ok0 && ok1 && x0 == x1 {
			run[k], run[k+1] = run[k+1], run[k]
			k++
		}
	}
}

func isAlef(r rune) bool {
	switch r {
	case 'ا', 'أ', 'إ', 'آ', 'ٱ':
		return true
	}
	return false
}

func reverseChars(cs []bidiChar) {
	for a, b := 0, len(cs)-1; a < b; a, b = a+1, b-1 {
		cs[a], cs[b] = cs[b], cs[a]
	}
}

// reorderVisual reorders a line in visual order into logical order in
// place: the bidirectional algorithm's implicit levels (rules W1-W7,
// N1-N2, I1-I2 and L1 of UAX #9; the line holds no explicit embeddings
// that matter here), then rule L2, which reverses every run at or above
// each odd level. At odd levels brackets are mirrored (rule L4 drew them
// mirrored).
func reorderVisual(line []bidiChar, rtl bool) {
	n := len(line)
	base := uint8(0)
	sos := bidi.L
	if rtl {
		base, sos = 1, bidi.R
	}
	t := make([]bidi.Class, n)
	for k, c := range line {
		t[k] = bidiClass(c.r)
		switch t[k] {
		case bidi.LRE, bidi.RLE, bidi.LRO, bidi.RLO, bidi.PDF, bidi.LRI, bidi.RLI, bidi.FSI, bidi.PDI, bidi.BN:
			t[k] = bidi.ON // embeddings in a PDF's text are noise
		case bidi.B, bidi.S:
			t[k] = bidi.WS
		}
	}
	// W1: a mark takes the type of what it follows.
	prev := sos
	for k := range t {
		if t[k] == bidi.NSM {
			t[k] = prev
		}
		prev = t[k]
	}
	// W2, W3: a European number after Arabic letters is an Arabic number;
	// Arabic letters are right to left.
	strong := sos
	for k := range t {
		switch t[k] {
		case bidi.L, bidi.R, bidi.AL:
			strong = t[k]
		case bidi.EN:
			if strong == bidi.AL {
				t[k] = bidi.AN
			}
		}
	}
	for k := range t {
		if t[k] == bidi.AL {
			t[k] = bidi.R
		}
	}
	// W4: one separator between two numbers of a kind joins them.
	for k := 1; k+1 < n; k++ {
		switch {
		case t[k] == bidi.ES && t[k-1] == bidi.EN && t[k+1] == bidi.EN:
			t[k] = bidi.EN
		case t[k] == bidi.CS && t[k-1] == t[k+1] && (t[k-1] == bidi.EN || t[k-1] == bidi.AN):
			t[k] = t[k-1]
		}
	}
	// W5: terminators next to a European number are part of it.
	for k := 0; k < n; k++ {
		if t[k] != bidi.ET {
			continue
		}
		e := k
		for e < n && t[e] == bidi.ET {
			e++
		}
		if (k > 0 && t[k-1] == bidi.EN) || (e < n && t[e] == bidi.EN) {
			for j := k; j < e; j++ {
				t[j] = bidi.EN
			}
		}
		k = e - 1
	}
	// W6: other separators and terminators are neutral.
	for k := range t {
		switch t[k] {
		case bidi.ES, bidi.ET, bidi.CS:
			t[k] = bidi.ON
		}
	}
	// W7: a European number after left-to-right text is left to right.
	strong = sos
	for k := range t {
		switch t[k] {
		case bidi.L, bidi.R:
			strong = t[k]
		case bidi.EN:
			if strong == bidi.L {
				t[k] = bidi.L
			}
		}
	}
	// N1, N2: neutrals between text of one direction take it (numbers
	// count as right to left), others the line's direction.
	dir := func(c bidi.Class) bidi.Class {
		if c == bidi.EN || c == bidi.AN {
			return bidi.R
		}
		return c
	}
	isNeutral := func(c bidi.Class) bool { return c == bidi.WS || c == bidi.ON }
	for k := 0; k < n; k++ {
		if !isNeutral(t[k]) {
			continue
		}
		e := k
		for e < n && isNeutral(t[e]) {
			e++
		}
		before, after := sos, sos
		if k > 0 {
			before = dir(t[k-1])
		}
		if e < n {
			after = dir(t[e])
		}
		d := sos
		if before == after {
			d = before
		}
		for j := k; j < e; j++ {
			t[j] = d
		}
		k = e - 1
	}
	// I1, I2: levels.
	lv := make([]uint8, n)
	maxLv := base
	for k := range t {
		l := base
		switch {
		case base == 0 && t[k] == bidi.R:
			l = 1
		case base == 0 && (t[k] == bidi.EN || t[k] == bidi.AN):
			l = 2
		case base == 1 && (t[k] == bidi.L || t[k] == bidi.EN || t[k] == bidi.AN):
			l = 2
		}
		lv[k] = l
		maxLv = max(maxLv, l)
	}
	// L1: white space at the end of the line is at the line's level.
	for k := n - 1; k >= 0 && line[k].r == ' '; k-- {
		lv[k] = base
	}
	for k := range line {
		if lv[k]%2 == 1 {
			line[k].r = mirror(line[k].r)
		}
	}
	// L2.
	for l := maxLv; l >= 1; l-- {
		for k := 0; k < n; k++ {
			if lv[k] < l {
				continue
			}
			e := k
			for e < n && lv[e] >= l {
				e++
			}
			reverseChars(line[k:e])
			for a, b := k, e-1; a < b; a, b = a+1, b-1 {
				lv[a], lv[b] = lv[b], lv[a]
			}
			k = e
		}
	}
}

// mirror gives the mirrored form of a bracket.
func mirror(r rune) rune {
	switch r {
	case '(':
		return ')'
	case ')':
		return '('
	case '[':
		return ']'
	case ']':
		return '['
	case '{':
		return '}'
	case '}':
		return '{'
	case '<':
		return '>'
	case '>':
		return '<'
	case '«':
		return '»'
	case '»':
		return '«'
	case '‹':
		return '›'
	case '›':
		return '‹'
	}
	return r
}
