package extract

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"golang.org/x/text/encoding/charmap"
)

// cfbMagic starts every compound file (Word 97-2003, PowerPoint 97-2003,
// Excel 97-2003, and encrypted OOXML packages).
var cfbMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// maxCFBStream bounds the bytes read from one stream of a compound file.
const maxCFBStream = 64 << 20

// cfbDocument reads a compound file: a Word 97-2003 document, a
// PowerPoint 97-2003 presentation, or an encrypted OOXML package (which
// is refused as encrypted).
func cfbDocument(body []byte) (p *Page, err error) {
	// mscfb trusts the sector chains it is given; a corrupt file can send
	// it out of range.
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("%w: corrupt compound file (%v)", ErrOffice, r)
		}
	}()
	r, err := mscfb.New(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: corrupt compound file: %v", ErrOffice, err)
	}
	streams := map[string]*mscfb.File{}
	for i, f := range r.File {
		if i > maxZipEntries {
			return nil, fmt.Errorf("%w: more than %d streams", ErrOffice, maxZipEntries)
		}
		if len(f.Path) == 0 { // top-level streams only
			streams[f.Name] = f
		}
	}
	read := func(name string) ([]byte, error) {
		f := streams[name]
		if f == nil {
			return nil, fmt.Errorf("%w: stream %s missing", ErrOffice, name)
		}
		if f.Size > maxCFBStream {
			return nil, fmt.Errorf("%w: stream %s is %d MiB (at most %d)", ErrOffice, name, f.Size>>20, maxCFBStream>>20)
		}
		b := make([]byte, f.Size)
		if _, err := io.ReadFull(f, b); err != nil {
			return nil, fmt.Errorf("%w: stream %s: %v", ErrOffice, name, err)
		}
		return b, nil
	}
	switch {
	case streams["EncryptedPackage"] != nil || streams["EncryptionInfo"] != nil:
		return nil, fmt.Errorf("%w: %w (an encrypted Office package)", ErrOffice, ErrEncrypted)
	case streams["WordDocument"] != nil:
		p, err = wordDocument(read)
		if errors.Is(err, errWord95) {
			// No text, but a Word document all the same: keep its
			// properties and say why (Page.NoText).
			p, err = &Page{ContentType: TypeDOC, NoText: "a Word 6/95 document, whose text is not read (save it as .docx to index its text)"}, nil
		}
	case streams["PowerPoint Document"] != nil:
		if streams["EncryptedSummary"] != nil {
			return nil, fmt.Errorf("%w: %w", ErrOffice, ErrEncrypted)
		}
		p, err = pptDocument(read)
	case streams["Workbook"] != nil || streams["Book"] != nil:
		p = &Page{ContentType: TypeXLS, NoText: "an Excel 97-2003 (.xls) workbook, whose text is not read (save it as .xlsx to index its text)"}
	default:
		return nil, fmt.Errorf("%w: a compound file that is not a Word or PowerPoint document", ErrUnsupported)
	}
	if err != nil {
		return nil, err
	}
	if f := streams["SummaryInformation"]; f != nil && f.Size <= 1<<20 {
		summaryInfo(f, p)
	}
	return p, nil
}

// errWord95 is wordDocument's answer for a Word 6/95 file (nFib < 101),
// whose text it does not read.
var errWord95 = fmt.Errorf("%w: Word 6/95 documents are not read; save it as .docx", ErrUnsupported)

// summaryInfo reads title, author and creation time from the
// SummaryInformation property set ([MS-OLEPS] 2.21), every offset and
// count checked against the stream. (github.com/richardlehane/msoleps
// allocates what a corrupt count asks for: 30 GB for one fuzzed file.)
func summaryInfo(f *mscfb.File, p *Page) {
	b := make([]byte, f.Size)
	if _, err := io.ReadFull(f, b); err != nil {
		return
	}
	le := binary.LittleEndian
	if len(b) < 48 || le.Uint16(b) != 0xfffe {
		return
	}
	set := int(le.Uint32(b[44:]))
	if set < 0 || set+8 > len(b) {
		return
	}
	n := int(le.Uint32(b[set+4:]))
	if n < 0 || n > (len(b)-set-8)/8 {
		return
	}
	codepage := 1252
	values := map[uint32]int{}
	for i := range n {
		id, off := le.Uint32(b[set+8+8*i:]), int(le.Uint32(b[set+12+8*i:]))
		if off < 0 || set+off+8 > len(b) {
			continue
		}
		values[id] = set + off
		if id == 1 && le.Uint16(b[set+off:]) == 2 { // VT_I2 code page
			codepage = int(uint16(le.Uint16(b[set+off+4:])))
		}
	}
	str := func(id uint32) string {
		at, ok := values[id]
		if !ok {
			return ""
		}
		typ, size := le.Uint16(b[at:]), int(le.Uint32(b[at+4:]))
		data := b[at+8:]
		switch typ {
		case 0x1e: // VT_LPSTR, in the code page
			if size < 0 || size > len(data) {
				return ""
			}
			raw := bytes.TrimRight(data[:size], "\x00")
			if codepage == 65001 {
				return validUTF8(string(raw))
			}
			d, err := codePage(codepage, charmap.Windows1252).NewDecoder().Bytes(raw)
			if err != nil {
				return ""
			}
			return string(d)
		case 0x1f: // VT_LPWSTR
			if size < 0 || 2*size > len(data) {
				return ""
			}
			u := make([]uint16, size)
			for j := range u {
				u[j] = le.Uint16(data[2*j:])
			}
			return strings.TrimRight(string(utf16.Decode(u)), "\x00")
		}
		return ""
	}
	p.Title, p.Author = str(2), str(4)
	if at, ok := values[12]; ok && at+12 <= len(b) && le.Uint16(b[at:]) == 0x40 { // VT_FILETIME
		ft := le.Uint64(b[at+4:])
		const epochDiff = 116444736000000000 // 1601 to 1970 in 100 ns
		if ft > epochDiff {
			t := time.Unix(int64((ft-epochDiff)/10_000_000), 0).UTC()
			p.Published = officeDate(t.Format("2006-01-02"))
		}
	}
}

// wordDocument reads the main text of a Word 97-2003 document through its
// piece table (the Clx in the table stream), as [MS-DOC] 2.4.1 describes.
func wordDocument(read func(string) ([]byte, error)) (*Page, error) {
	wd, err := read("WordDocument")
	if err != nil {
		return nil, err
	}
	if len(wd) < 0x1aa {
		return nil, fmt.Errorf("%w: Word file information block too short", ErrOffice)
	}
	le := binary.LittleEndian
	if le.Uint16(wd[0:]) != 0xa5ec {
		return nil, fmt.Errorf("%w: not a Word 97-2003 document", ErrOffice)
	}
	if nFib := le.Uint16(wd[2:]); nFib < 101 {
		return nil, errWord95
	}
	flags := le.Uint16(wd[0x0a:])
	if flags&0x0100 != 0 { // fEncrypted
		return nil, fmt.Errorf("%w: %w", ErrOffice, ErrEncrypted)
	}
	table := "0Table"
	if flags&0x0200 != 0 { // fWhichTblStm
		table = "1Table"
	}
	ccpText := int(le.Uint32(wd[0x4c:]))
	fcClx, lcbClx := int(le.Uint32(wd[0x1a2:])), int(le.Uint32(wd[0x1a6:]))
	tbl, err := read(table)
	if err != nil {
		return nil, err
	}
	if fcClx < 0 || lcbClx <= 0 || fcClx+lcbClx > len(tbl) || fcClx+lcbClx < fcClx {
		return nil, fmt.Errorf("%w: piece table out of range", ErrOffice)
	}
	clx := tbl[fcClx : fcClx+lcbClx]
	// Skip the Prcs (0x01 + size + data) to the Pcdt (0x02).
	for len(clx) > 0 && clx[0] == 0x01 {
		if len(clx) < 3 {
			return nil, fmt.Errorf("%w: piece table truncated", ErrOffice)
		}
		n := int(le.Uint16(clx[1:]))
		if 3+n > len(clx) {
			return nil, fmt.Errorf("%w: piece table truncated", ErrOffice)
		}
		clx = clx[3+n:]
	}
	if len(clx) < 5 || clx[0] != 0x02 {
		return nil, fmt.Errorf("%w: no piece table", ErrOffice)
	}
	lcb := int(le.Uint32(clx[1:]))
	plc := clx[5:]
	if lcb > len(plc) || lcb < 4 {
		return nil, fmt.Errorf("%w: piece table truncated", ErrOffice)
	}
	plc = plc[:lcb]
	n := (lcb - 4) / 12 // (n+1) CPs of 4 bytes, n PCDs of 8
	if n <= 0 {
		return nil, fmt.Errorf("%w: empty piece table", ErrOffice)
	}
	var text []rune
	budget := MaxText
	for i := range n {
		cpStart, cpEnd := int(le.Uint32(plc[4*i:])), int(le.Uint32(plc[4*(i+1):]))
		if cpStart >= ccpText {
			break
		}
		cpEnd = min(cpEnd, ccpText)
		count := cpEnd - cpStart
		if count <= 0 {
			continue
		}
		pcd := plc[4*(n+1)+8*i:]
		fc := le.Uint32(pcd[2:])
		compressed := fc&0x40000000 != 0
		fc &^= 0x40000000
		if compressed {
			off := int(fc / 2)
			if off < 0 || off+count > len(wd) {
				return nil, fmt.Errorf("%w: text piece out of range", ErrOffice)
			}
			s, _ := charmap.Windows1252.NewDecoder().Bytes(wd[off : off+count])
			text = append(text, []rune(string(s))...)
		} else {
			off := int(fc)
			if off < 0 || off+2*count > len(wd) {
				return nil, fmt.Errorf("%w: text piece out of range", ErrOffice)
			}
			u := make([]uint16, count)
			for j := range u {
				u[j] = le.Uint16(wd[off+2*j:])
			}
			text = append(text, utf16.Decode(u)...)
		}
		if budget -= count; budget <= 0 {
			break
		}
	}
	return &Page{ContentType: TypeDOC, Text: wordText(text)}, nil
}

// wordText turns Word's characters into paragraphs: \r ends a paragraph,
// \x07 ends a table cell, field instructions (between \x13 and \x14) are
// dropped and the field's result kept.
func wordText(text []rune) string {
	w := newTextWriter(MaxText)
	var run strings.Builder
	fieldDepth, inInstr := 0, []bool{}
	flush := func() {
		if run.Len() > 0 {
			w.text(run.String())
			run.Reset()
		}
	}
	for _, r := range text {
		switch r {
		case 0x13:
			fieldDepth++
			inInstr = append(inInstr, true)
			continue
		case 0x14:
			if fieldDepth > 0 {
				inInstr[len(inInstr)-1] = false
			}
			continue
		case 0x15:
			if fieldDepth > 0 {
				fieldDepth--
				inInstr = inInstr[:len(inInstr)-1]
			}
			continue
		}
		if len(inInstr) > 0 && inInstr[len(inInstr)-1] {
			continue
		}
		switch r {
		case '\r', 0x0b, 0x0c, 0x0e:
			flush()
			w.endPara()
		case 0x07, '\t':
			run.WriteByte(' ')
		case 0x01, 0x08, 0x02, 0x03, 0x04, 0x05: // pictures, drawn objects, note references
		case 0x1e:
			run.WriteByte('-') // non-breaking hyphen
		case 0x1f: // optional hyphen
		default:
			run.WriteRune(r)
		}
	}
	flush()
	return w.String()
}

// PowerPoint 97-2003 record types ([MS-PPT] 2.13.24).
const (
	pptSlideContainer = 0x03ee
	pptTextChars      = 0x0fa0
	pptTextBytes      = 0x0fa8
	pptSlideList      = 0x0ff0
	pptSlidePersist   = 0x03f3
)

// pptDocument reads the text of each slide of a PowerPoint 97-2003
// presentation: the text atoms inside each slide container, in the order
// the slides are stored, or failing those the slide list's text.
func pptDocument(read func(string) ([]byte, error)) (*Page, error) {
	doc, err := read("PowerPoint Document")
	if err != nil {
		return nil, err
	}
	p := &Page{ContentType: TypePPT, Slides: true}
	var (
		slides   []*textWriter // from slide containers
		listed   []*textWriter // from the slide list with text
		budget   = MaxText
		inList   bool
		listDone bool
	)
	var walk func(b []byte, depth int, slide *textWriter) error
	walk = func(b []byte, depth int, slide *textWriter) error {
		if depth > 32 {
			return fmt.Errorf("%w: records nested too deep", ErrOffice)
		}
		for len(b) >= 8 {
			verInst := binary.LittleEndian.Uint16(b[0:])
			typ := binary.LittleEndian.Uint16(b[2:])
			n := int(binary.LittleEndian.Uint32(b[4:]))
			if n < 0 || n > len(b)-8 {
				n = len(b) - 8 // a truncated last record: read what is there
			}
			body := b[8 : 8+n]
			b = b[8+n:]
			switch {
			case verInst&0x0f == 0x0f: // a container
				switch typ {
				case pptSlideContainer:
					if len(slides) >= maxSlides {
						return fmt.Errorf("%w: more than %d slides", ErrOffice, maxSlides)
					}
					w := newTextWriter(max(budget, 1))
					slides = append(slides, w)
					if err := walk(body, depth+1, w); err != nil {
						return err
					}
					budget -= len(w.String())
				case pptSlideList:
					// Instance 0 lists the slides; 1 masters, 2 notes.
					if verInst>>4 == 0 && !listDone {
						inList = true
						if err := walk(body, depth+1, nil); err != nil {
							return err
						}
						inList, listDone = false, true
					}
				default:
					if err := walk(body, depth+1, slide); err != nil {
						return err
					}
				}
			case typ == pptSlidePersist && inList:
				if len(listed) < maxSlides {
					listed = append(listed, newTextWriter(max(budget, 1)))
				}
			case typ == pptTextChars || typ == pptTextBytes:
				target := slide
				if inList && len(listed) > 0 {
					target = listed[len(listed)-1]
				}
				if target == nil {
					continue
				}
				var s string
				if typ == pptTextChars {
					u := make([]uint16, len(body)/2)
					for j := range u {
						u[j] = binary.LittleEndian.Uint16(body[2*j:])
					}
					s = string(utf16.Decode(u))
				} else {
					d, _ := charmap.Windows1252.NewDecoder().Bytes(body)
					s = string(d)
				}
				for line := range strings.SplitSeq(strings.ReplaceAll(s, "\v", "\r"), "\r") {
					target.text(line)
					target.endPara()
				}
			}
		}
		return nil
	}
	if err := walk(doc, 0, nil); err != nil {
		return nil, err
	}
	texts := func(ws []*textWriter) []string {
		out := make([]string, len(ws))
		for i, w := range ws {
			out[i] = validUTF8(w.String())
		}
		return out
	}
	p.Pages = texts(slides)
	if strings.TrimSpace(strings.Join(p.Pages, "")) == "" && len(listed) > 0 {
		p.Pages = texts(listed)
	}
	if len(p.Pages) == 0 {
		return nil, errors.Join(fmt.Errorf("%w: no slides found", ErrOffice))
	}
	return p, nil
}
