package extract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Content types of office documents, reported in Page.ContentType.
const (
	TypeDOCX = "docx"
	TypePPTX = "pptx"
	TypeXLSX = "xlsx"
	TypeODT  = "odt"
	TypeODP  = "odp"
	TypeRTF  = "rtf"
	TypeDOC  = "doc"
	TypePPT  = "ppt"
	TypeXLS  = "xls"
)

var (
	// ErrOffice is wrapped, with the reason, by every error about a broken
	// or hostile office document (DOCX, PPTX, XLSX, ODT, ODP, RTF, DOC, PPT).
	ErrOffice = errors.New("unreadable office document")
	// ErrEncrypted is wrapped by the error for a password-protected or
	// encrypted document of any kind.
	ErrEncrypted = errors.New("encrypted (password required)")
)

// Limits on a zipped document (DOCX, PPTX, XLSX, ODT, ODP), checked while
// inflating, so a zip bomb is stopped after at most these many bytes.
const (
	maxZipEntries = 10000
	// maxZipEntry bounds the inflated size of one member.
	maxZipEntry = 128 << 20
	// maxZipTotal bounds the inflated size of all members read.
	maxZipTotal = 256 << 20
	// maxZipRatio bounds inflated/compressed once a member passes
	// zipRatioFrom bytes: real XML compresses 5-30 times, a bomb
	// thousands of times.
	maxZipRatio  = 200
	zipRatioFrom = 1 << 20
	// maxXMLDepth bounds element nesting in any XML member.
	maxXMLDepth = 256
	// maxSharedStrings bounds the shared-string table of a workbook.
	maxSharedStrings = 1_000_000
	// maxSlides bounds the slides of a presentation.
	maxSlides = 5000
)

// The limits in force; tests lower them.
var (
	zipEntryLimit     int64 = maxZipEntry
	zipTotalLimit     int64 = maxZipTotal
	sharedStringLimit       = maxSharedStrings
)

// officeKind tells which office format a body is, from its content only:
// the zip members or compound-file streams it holds, or the RTF signature.
// It returns "" for anything else.
func officeKind(body []byte) string {
	switch {
	case bytes.HasPrefix(body, []byte("PK\x03\x04")):
		return "zip"
	case bytes.HasPrefix(body, cfbMagic):
		return "cfb"
	case bytes.HasPrefix(body, []byte(`{\rtf`)):
		return TypeRTF
	}
	return ""
}

// Office extracts a page from a DOCX, PPTX, XLSX, ODT, ODP, RTF, DOC or PPT
// document, told apart by content. Presentations keep one entry of
// Page.Pages per slide (Page.Slides is set).
func Office(body []byte, pageURL string) (*Page, error) {
	if len(body) > MaxInput {
		return nil, fmt.Errorf("extract: office: %d bytes: %w", len(body), ErrTooLarge)
	}
	var (
		page *Page
		err  error
	)
	switch officeKind(body) {
	case "zip":
		page, err = zipDocument(body)
	case "cfb":
		page, err = cfbDocument(body)
	case TypeRTF:
		page, err = rtfDocument(body)
	default:
		return nil, fmt.Errorf("extract: office %s: %w: not an office document", pageURL, ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("extract: office %s: %w", pageURL, err)
	}
	page.URL = pageURL
	finishOffice(page)
	return page, nil
}

// finishOffice fills what every office format derives the same way.
func finishOffice(p *Page) {
	if p.Slides || p.Pages != nil {
		p.PageCount = len(p.Pages)
		p.Text = strings.Join(p.Pages, "\n\n")
	}
	p.Title = officeTitle(p.Title)
	if p.Title == "" {
		p.Title = truncate(firstLine(p.Text), maxTitle)
	}
	p.Author = officeTitle(p.Author)
	p.Summary = summaryFromText(p.Text)
}

var (
	rxJunkTitle = regexp.MustCompile(`(?i)^(?:document|doc|slide|presentation|book|sheet|untitled|new document|new presentation|title|powerpoint presentation|microsoft word document|title of (?:the )?document|click to (?:add|edit) (?:master )?title(?: style)?)\s*\d*$`)
	rxFileName  = regexp.MustCompile(`(?i)\.(?:docx?|pptx?|xlsx?|od[tps]|fod[tps]|rtf|pdf|dotx?|potx?|txt|html?|indd|pub)$`)
	rxAuthorJnk = regexp.MustCompile(`(?i)^(?:user|admin|administrator|owner|author|unknown|windows user|microsoft office user|default)$`)
)

// officeTitle cleans a title or author from document properties: a
// placeholder ("Slide 1", "Document1", "PowerPoint Presentation"), a file
// name or a "Microsoft Word - draft.docx" printer title is no title.
func officeTitle(s string) string {
	t := plainText(s)
	switch {
	case t == "", rxJunkTitle.MatchString(t), rxFileName.MatchString(t), rxOfficePrefix.MatchString(t), rxAuthorJnk.MatchString(t):
		return ""
	}
	return truncate(t, maxTitle)
}

// officeDate reads a property date (W3CDTF, "2016-11-17T12:00:00Z") and
// treats the dates of unset clocks (the Unix, DOS and Windows epochs, a
// year before 1985) and dates in the future as none.
func officeDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 4 {
		return ""
	}
	d := machineDate(s)
	if d == "" {
		return ""
	}
	y, _ := strconv.Atoi(d[:4])
	if y < 1985 || y > time.Now().Year()+1 {
		return ""
	}
	return d
}

// zipBudget counts inflated bytes across the members of one archive.
type zipBudget struct {
	total int64
}

// limitedMember inflates one member, failing as soon as it passes the
// per-member, total or ratio cap.
type limitedMember struct {
	r          io.Reader
	name       string
	compressed int64
	n          int64
	budget     *zipBudget
}

func (m *limitedMember) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.n += int64(n)
	m.budget.total += int64(n)
	switch {
	case m.n > zipEntryLimit:
		return n, fmt.Errorf("%w: zip member %s inflates past %d bytes", ErrOffice, m.name, zipEntryLimit)
	case m.budget.total > zipTotalLimit:
		return n, fmt.Errorf("%w: archive inflates past %d bytes", ErrOffice, zipTotalLimit)
	case m.n > zipRatioFrom && m.n > maxZipRatio*max(m.compressed, 1):
		return n, fmt.Errorf("%w: zip member %s: compression ratio over %d (a zip bomb)", ErrOffice, m.name, maxZipRatio)
	}
	return n, err
}

// zipDoc is an opened zip-based document.
type zipDoc struct {
	files  map[string]*zip.File
	budget zipBudget
}

func openZip(body []byte) (*zipDoc, error) {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil, fmt.Errorf("%w: broken zip container: %v", ErrOffice, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("%w: %d zip members (at most %d)", ErrOffice, len(zr.File), maxZipEntries)
	}
	z := &zipDoc{files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		z.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return z, nil
}

// open returns a bounded reader of a member, or ErrNotExist.
func (z *zipDoc) open(name string) (io.ReadCloser, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, fmt.Errorf("%w: %s missing", ErrOffice, name)
	}
	if f.Flags&0x1 != 0 {
		return nil, fmt.Errorf("%w: %w (zip member %s)", ErrOffice, ErrEncrypted, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: zip member %s: %v", ErrOffice, name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{&limitedMember{r: rc, name: name, compressed: int64(f.CompressedSize64), budget: &z.budget}, rc}, nil
}

// read returns a member whole (for small members: properties, relations).
func (z *zipDoc) read(name string) ([]byte, error) {
	rc, err := z.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrOffice, name, err)
	}
	return b, nil
}

func (z *zipDoc) has(name string) bool { _, ok := z.files[name]; return ok }

// zipDocument tells the zip-based formats apart by their members.
func zipDocument(body []byte) (*Page, error) {
	z, err := openZip(body)
	if err != nil {
		return nil, err
	}
	if z.has("mimetype") {
		mt, err := z.read("mimetype")
		if err != nil {
			return nil, err
		}
		switch strings.TrimSpace(string(mt)) {
		case "application/vnd.oasis.opendocument.text":
			return odfDocument(z, TypeODT)
		case "application/vnd.oasis.opendocument.presentation":
			return odfDocument(z, TypeODP)
		}
		return nil, fmt.Errorf("%w: OpenDocument of type %q", ErrUnsupported, prefix(string(mt), 80))
	}
	switch {
	case z.has("word/document.xml"):
		return docxDocument(z)
	case z.has("ppt/presentation.xml"):
		return pptxDocument(z)
	case z.has("xl/workbook.xml"):
		return xlsxDocument(z)
	}
	return nil, fmt.Errorf("%w: a zip archive that is not a Word, PowerPoint, Excel or OpenDocument file", ErrUnsupported)
}

// textWriter gathers paragraphs within the MaxText budget.
type textWriter struct {
	b     strings.Builder
	line  strings.Builder
	limit int
	full  bool
}

func newTextWriter(limit int) *textWriter { return &textWriter{limit: limit} }

func (w *textWriter) text(s string) {
	if w.full {
		return
	}
	w.line.WriteString(s)
	if w.line.Len() > w.limit {
		w.endPara()
	}
}

func (w *textWriter) endPara() {
	if w.full {
		return
	}
	l := collapseSpace(w.line.String())
	w.line.Reset()
	if l == "" {
		return
	}
	if w.b.Len() > 0 {
		w.b.WriteString("\n\n")
	}
	if w.b.Len()+len(l) > w.limit {
		l = prefix(l, w.limit-w.b.Len())
		w.full = true
	}
	w.b.WriteString(l)
}

func (w *textWriter) String() string {
	w.endPara()
	return w.b.String()
}

// xmlRules say how the elements of one XML vocabulary (by local name)
// make text.
type xmlRules struct {
	text  map[string]bool // character data inside counts (all of it when nil)
	para  map[string]bool // end a paragraph
	tab   map[string]bool // a tab or cell boundary: a space
	brk   map[string]bool // a line break
	skip  map[string]bool // subtrees left out (deleted text, field codes, citations)
	space string          // local name of an element standing for spaces (ODF text:s), or ""
	unit  string          // local name of an element that starts a slide (ODF draw:page), or ""
}

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

var (
	docxRules = xmlRules{
		text: set("t"),
		para: set("p", "tr"),
		tab:  set("tab", "tc"),
		brk:  set("br", "cr"),
		skip: set("delText", "instrText", "fldData", "rPr", "pPr", "sectPr", "drawing", "pict", "object"),
	}
	pptxRules = xmlRules{
		text: set("t"),
		para: set("p", "tr"),
		tab:  set("tab", "tc"),
		brk:  set("br"),
		skip: set("rPr", "pPr", "endParaRPr", "spPr", "bodyPr"),
	}
	odfRules = xmlRules{
		para:  set("p", "h", "table-row", "list-item"),
		tab:   set("tab", "table-cell"),
		brk:   set("line-break", "note-body"),
		skip:  set("note-citation", "tracked-changes", "annotation", "forms", "sequence-decls", "variable-decls", "user-field-decls", "script", "bookmark-ref"),
		space: "s",
		unit:  "page",
	}
)

// walkXML reads one XML stream under rules, writing text to w. With
// newUnit set, each rules.unit element starts a new unit (a slide).
func walkXML(r io.Reader, rules xmlRules, w *textWriter, newUnit func()) error {
	return walkXMLTo(r, rules, func() *textWriter { return w }, newUnit)
}

// walkXMLTo is walkXML writing to whichever writer cur returns at each
// step, so that a new slide can bring a new writer.
func walkXMLTo(r io.Reader, rules xmlRules, cur func() *textWriter, newUnit func()) error {
	d := xml.NewDecoder(r)
	d.Strict = false
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		// Office XML is UTF-8 or UTF-16 in theory and UTF-8 in practice;
		// read others as UTF-8 rather than fail.
		return input, nil
	}
	depth, skipAt, inText := 0, 0, 0
	for {
		w := cur()
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, ErrOffice) {
				return err
			}
			return fmt.Errorf("%w: malformed XML: %v", ErrOffice, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return fmt.Errorf("%w: XML nested deeper than %d", ErrOffice, maxXMLDepth)
			}
			if skipAt > 0 {
				continue
			}
			n := t.Name.Local
			switch {
			case rules.skip[n]:
				skipAt = depth
			case rules.text[n]:
				inText++
			case rules.tab[n]:
				w.text(" ")
			case rules.brk[n]:
				w.endPara()
			case n == rules.space && rules.space != "":
				c := 1
				for _, a := range t.Attr {
					if a.Name.Local == "c" {
						if v, err := strconv.Atoi(a.Value); err == nil {
							c = max(1, min(v, 100))
						}
					}
				}
				w.text(strings.Repeat(" ", c))
			case n == rules.unit && rules.unit != "" && newUnit != nil:
				newUnit()
			}
		case xml.EndElement:
			if skipAt == depth {
				skipAt = 0
			} else if skipAt == 0 {
				n := t.Name.Local
				switch {
				case rules.text[n]:
					inText = max(0, inText-1)
				case rules.para[n]:
					w.endPara()
				case rules.tab[n]:
					w.text(" ")
				}
			}
			depth--
		case xml.CharData:
			if skipAt == 0 && (rules.text == nil || inText > 0) {
				w.text(string(t))
			}
		}
		if w := cur(); w.full && newUnit == nil {
			return nil
		}
	}
}

// coreProps reads docProps/core.xml of an OOXML package into p.
func coreProps(z *zipDoc, p *Page) {
	b, err := z.read("docProps/core.xml")
	if err != nil {
		return
	}
	var props struct {
		Title    string `xml:"title"`
		Creator  string `xml:"creator"`
		Created  string `xml:"created"`
		Modified string `xml:"modified"`
		Language string `xml:"language"`
	}
	if decodeSmall(b, &props) != nil {
		return
	}
	p.Title, p.Author = props.Title, props.Creator
	p.Published = officeDate(props.Created)
	if p.Published == "" {
		p.Published = officeDate(props.Modified)
	}
	if l := strings.TrimSpace(props.Language); validLanguageTag(l) {
		p.Language = l
	}
}

// decodeSmall unmarshals a small XML member with the depth cap applied.
func decodeSmall(b []byte, v any) error {
	if err := checkDepth(b); err != nil {
		return err
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d.Decode(v)
}

// checkDepth refuses XML nested deeper than maxXMLDepth.
func checkDepth(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil //nolint:nilerr // Decode reports the malformed XML itself
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return fmt.Errorf("%w: XML nested deeper than %d", ErrOffice, maxXMLDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

func walkMember(z *zipDoc, name string, rules xmlRules, w *textWriter, newUnit func()) error {
	rc, err := z.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	return walkXML(rc, rules, w, newUnit)
}

func docxDocument(z *zipDoc) (*Page, error) {
	p := &Page{ContentType: TypeDOCX}
	coreProps(z, p)
	w := newTextWriter(MaxText)
	if err := walkMember(z, "word/document.xml", docxRules, w, nil); err != nil {
		return nil, err
	}
	// Footnotes and endnotes are part of what the document says.
	for _, notes := range []string{"word/footnotes.xml", "word/endnotes.xml"} {
		if z.has(notes) {
			if err := walkMember(z, notes, docxRules, w, nil); err != nil {
				return nil, err
			}
		}
	}
	p.Text = w.String()
	return p, nil
}

// relations reads a .rels member: id -> target resolved against dir.
func relations(z *zipDoc, name, dir string) (map[string]string, error) {
	b, err := z.read(name)
	if err != nil {
		return nil, err
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeSmall(b, &rels); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrOffice, name, err)
	}
	out := make(map[string]string, len(rels.Rel))
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		out[r.ID] = t
	}
	return out, nil
}

func pptxDocument(z *zipDoc) (*Page, error) {
	p := &Page{ContentType: TypePPTX, Slides: true}
	coreProps(z, p)
	b, err := z.read("ppt/presentation.xml")
	if err != nil {
		return nil, err
	}
	var pres struct {
		Slides []struct {
			RID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sldIdLst>sldId"`
	}
	if err := decodeSmall(b, &pres); err != nil {
		return nil, fmt.Errorf("%w: ppt/presentation.xml: %v", ErrOffice, err)
	}
	rels, err := relations(z, "ppt/_rels/presentation.xml.rels", "ppt")
	if err != nil {
		return nil, err
	}
	if len(pres.Slides) > maxSlides {
		return nil, fmt.Errorf("%w: %d slides (at most %d)", ErrOffice, len(pres.Slides), maxSlides)
	}
	budget := MaxText
	p.Pages = make([]string, 0, len(pres.Slides))
	for _, s := range pres.Slides {
		name, ok := rels[s.RID]
		text := ""
		if ok && z.has(name) && budget > 0 {
			w := newTextWriter(budget)
			if err := walkMember(z, name, pptxRules, w, nil); err != nil {
				return nil, err
			}
			text = w.String()
			budget -= len(text) + 2
		}
		// A slide without text still counts, so slide numbers stay right.
		p.Pages = append(p.Pages, text)
	}
	return p, nil
}

func xlsxDocument(z *zipDoc) (*Page, error) {
	p := &Page{ContentType: TypeXLSX}
	coreProps(z, p)
	b, err := z.read("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodeSmall(b, &wb); err != nil {
		return nil, fmt.Errorf("%w: xl/workbook.xml: %v", ErrOffice, err)
	}
	rels, err := relations(z, "xl/_rels/workbook.xml.rels", "xl")
	if err != nil {
		return nil, err
	}
	shared, err := sharedStrings(z)
	if err != nil {
		return nil, err
	}
	w := newTextWriter(MaxText)
	for _, s := range wb.Sheets {
		name, ok := rels[s.RID]
		if !ok || !z.has(name) {
			continue
		}
		w.text(s.Name)
		w.endPara()
		if err := sheetText(z, name, shared, w); err != nil {
			return nil, err
		}
		if w.full {
			break
		}
	}
	p.Text = w.String()
	return p, nil
}

// sharedStrings reads xl/sharedStrings.xml within maxSharedStrings
// entries and MaxText bytes.
func sharedStrings(z *zipDoc) ([]string, error) {
	if !z.has("xl/sharedStrings.xml") {
		return nil, nil
	}
	rc, err := z.open("xl/sharedStrings.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	var (
		out         []string
		cur         strings.Builder
		depth, inT  int
		total       int
		inPhonetic  bool
		phoneticEnd int
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			if errors.Is(err, ErrOffice) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: xl/sharedStrings.xml: %v", ErrOffice, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return nil, fmt.Errorf("%w: XML nested deeper than %d", ErrOffice, maxXMLDepth)
			}
			switch t.Name.Local {
			case "si":
				cur.Reset()
			case "t":
				inT++
			case "rPh":
				inPhonetic, phoneticEnd = true, depth
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				if len(out) >= sharedStringLimit {
					return nil, fmt.Errorf("%w: more than %d shared strings", ErrOffice, sharedStringLimit)
				}
				out = append(out, cur.String())
			case "t":
				inT = max(0, inT-1)
			}
			if inPhonetic && depth == phoneticEnd {
				inPhonetic = false
			}
			depth--
		case xml.CharData:
			if inT > 0 && !inPhonetic {
				total += len(t)
				if total > MaxText {
					return nil, fmt.Errorf("%w: shared strings over %d MiB", ErrOffice, MaxText>>20)
				}
				cur.Write(t)
			}
		}
	}
}

// sheetText writes each row of a worksheet as a paragraph of its cells.
func sheetText(z *zipDoc, name string, shared []string, w *textWriter) error {
	rc, err := z.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	var (
		depth            int
		cellType         string
		inV, inT         bool
		val              strings.Builder
		rowHasText       bool
		cellOpen, inCell bool
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, ErrOffice) {
				return err
			}
			return fmt.Errorf("%w: %s: %v", ErrOffice, name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxXMLDepth {
				return fmt.Errorf("%w: XML nested deeper than %d", ErrOffice, maxXMLDepth)
			}
			switch t.Name.Local {
			case "c":
				cellType, inCell, cellOpen = "", true, true
				val.Reset()
				for _, a := range t.Attr {
					if a.Name.Local == "t" {
						cellType = a.Value
					}
				}
			case "v":
				inV = inCell
			case "t":
				inT = inCell
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "t":
				inT = false
			case "c":
				if cellOpen {
					s := val.String()
					if cellType == "s" {
						i, err := strconv.Atoi(strings.TrimSpace(s))
						if err != nil || i < 0 || i >= len(shared) {
							s = ""
						} else {
							s = shared[i]
						}
					}
					if s = strings.TrimSpace(s); s != "" {
						if rowHasText {
							w.text(" ")
						}
						w.text(s)
						rowHasText = true
					}
				}
				inCell, cellOpen = false, false
			case "row":
				w.endPara()
				rowHasText = false
			}
			depth--
		case xml.CharData:
			if (inV || inT) && val.Len() < 1<<20 {
				val.Write(t)
			}
		}
		if w.full {
			return nil
		}
	}
}

// odfDocument reads an OpenDocument text or presentation.
func odfDocument(z *zipDoc, kind string) (*Page, error) {
	if m, err := z.read("META-INF/manifest.xml"); err == nil && bytes.Contains(m, []byte("encryption-data")) {
		return nil, fmt.Errorf("%w: %w", ErrOffice, ErrEncrypted)
	}
	p := &Page{ContentType: kind, Slides: kind == TypeODP}
	if b, err := z.read("meta.xml"); err == nil {
		var meta struct {
			Title          string `xml:"meta>title"`
			Creator        string `xml:"meta>creator"`
			InitialCreator string `xml:"meta>initial-creator"`
			Created        string `xml:"meta>creation-date"`
			Date           string `xml:"meta>date"`
			Language       string `xml:"meta>language"`
		}
		if decodeSmall(b, &meta) == nil {
			p.Title = meta.Title
			p.Author = meta.InitialCreator
			if officeTitle(p.Author) == "" {
				p.Author = meta.Creator
			}
			p.Published = officeDate(meta.Created)
			if p.Published == "" {
				p.Published = officeDate(meta.Date)
			}
			if l := strings.TrimSpace(meta.Language); validLanguageTag(l) {
				p.Language = l
			}
		}
	}
	if kind == TypeODT {
		w := newTextWriter(MaxText)
		if err := walkMember(z, "content.xml", odfRules, w, nil); err != nil {
			return nil, err
		}
		p.Text = w.String()
		return p, nil
	}
	// A presentation: one writer per slide, within one budget. Text
	// outside any slide (there should be none) goes to a small sink that
	// is dropped.
	var (
		budget  = MaxText
		sink    = newTextWriter(1 << 16)
		w       = sink
		tooMany error
	)
	flush := func() {
		if w != sink {
			s := w.String()
			budget -= len(s) + 2
			p.Pages = append(p.Pages, s)
		}
	}
	newSlide := func() {
		flush()
		if len(p.Pages) >= maxSlides {
			tooMany = fmt.Errorf("%w: more than %d slides", ErrOffice, maxSlides)
		}
		w = newTextWriter(max(budget, 1))
	}
	rc, err := z.open("content.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if err := walkXMLTo(rc, odfRules, func() *textWriter { return w }, newSlide); err != nil {
		return nil, err
	}
	if tooMany != nil {
		return nil, tooMany
	}
	flush()
	if p.Pages == nil {
		p.Pages = []string{}
	}
	return p, nil
}

// validUTF8 replaces invalid sequences, for text decoded from legacy
// formats.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\ufffd")
}

// OfficeMediaType reports whether a declared media type is one of the
// office formats (or their legacy and spreadsheet relatives) that Office
// may read, so a fetcher should download the body and let the content
// decide.
func OfficeMediaType(mt string) bool {
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch mt {
	case "application/msword", "application/vnd.ms-word", "application/vnd.ms-powerpoint", "application/mspowerpoint",
		"application/vnd.ms-excel", "application/rtf", "application/x-rtf", "text/rtf", "text/richtext",
		"application/zip", "application/x-zip-compressed", "application/vnd.ms-office", "application/x-msword",
		"application/x-tika-ooxml", "application/x-tika-msoffice", "application/cdfv2":
		return true
	}
	return strings.HasPrefix(mt, "application/vnd.openxmlformats-officedocument.") ||
		strings.HasPrefix(mt, "application/vnd.oasis.opendocument.") ||
		strings.HasPrefix(mt, "application/vnd.ms-word.") || strings.HasPrefix(mt, "application/vnd.ms-powerpoint.") ||
		strings.HasPrefix(mt, "application/vnd.ms-excel.")
}
