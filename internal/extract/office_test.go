package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"safelib/internal/testkit"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "office", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fixtures were made by LibreOffice (testdata/office/README.md).
func TestOfficeFixtures(t *testing.T) {
	policyWords := []string{"Safeguarding Adults Multi-Agency Policy", "partner agencies work together", "Making a referral",
		"within one working day", "Adult social care", "0300 123 4567", "Café, naïve, résumé"}
	slides := []string{
		"Members Briefing on Exploitation\n\nThis is a PowerPoint presentation. Latest version is V3-17/11/2016",
		"County lines\n\nChildren are moved across borders to sell drugs.",
		"Contextual safeguarding\n\nRisks outside the home, in parks and online.",
		"Next steps\n\nShare the trafficking referral pathway with every school.",
	}
	tests := []struct {
		file, kind, title, author, published string
		words                                []string
		slides                               []string
	}{
		{"policy.docx", TypeDOCX, "Safeguarding Adults Multi-Agency Policy", "Jane Partnership", "2019-03-14", append(policyWords, "See the Care Act 2014, section 42."), nil},
		{"policy.odt", TypeODT, "Safeguarding Adults Multi-Agency Policy", "Jane Partnership", "2019-03-14", append(policyWords, "See the Care Act 2014, section 42."), nil},
		{"policy.rtf", TypeRTF, "Safeguarding Adults Multi-Agency Policy", "Jane Partnership", "2019-03-14", policyWords, nil},
		{"policy.doc", TypeDOC, "Safeguarding Adults Multi-Agency Policy", "Jane Partnership", "2019-03-14", policyWords, nil},
		// "PowerPoint Presentation" in the properties is no title: the
		// first slide's first line is.
		{"briefing.pptx", TypePPTX, "Members Briefing on Exploitation", "", "2016-11-17", nil, slides},
		{"briefing.odp", TypeODP, "Members Briefing on Exploitation", "", "2016-11-17", nil, slides},
		{"briefing.ppt", TypePPT, "Members Briefing on Exploitation", "", "2016-11-17", nil, slides},
		{"figures.xlsx", TypeXLSX, "Referrals by quarter", "", "", []string{"Referrals\n\nQuarter Referrals\n\nQ1 neglect 412\n\nQ2 neglect 388\n\nNotes\n\nFigures exclude duplicate referrals."}, nil},
		// "Microsoft Word - draft.docx", author "User" and 1970-01-01
		// are junk: the first line, no author, no date.
		{"junkprops.docx", TypeDOCX, "Safeguarding Adults Multi-Agency Policy", "", "", policyWords[:3], nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := readFixture(t, tt.file)
			// Sniffed by content: the URL and Content-Type say nothing.
			p, err := Document(context.Background(), body, "application/octet-stream", "https://example.org/download?id=7")
			if err != nil {
				t.Fatal(err)
			}
			if p.ContentType != tt.kind || p.Title != tt.title || p.Author != tt.author || p.Published != tt.published {
				t.Errorf("got kind %q title %q author %q published %q; want %q %q %q %q", p.ContentType, p.Title, p.Author, p.Published, tt.kind, tt.title, tt.author, tt.published)
			}
			for _, w := range tt.words {
				if !strings.Contains(p.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, p.Text)
				}
			}
			if tt.slides != nil {
				if !p.Slides || p.PageCount != len(tt.slides) || len(p.Pages) != len(tt.slides) {
					t.Fatalf("slides %v, count %d, pages %q", p.Slides, p.PageCount, p.Pages)
				}
				for i, want := range tt.slides {
					if p.Pages[i] != want {
						t.Errorf("slide %d = %q, want %q", i+1, p.Pages[i], want)
					}
				}
				if p.Text != strings.Join(tt.slides, "\n\n") {
					t.Errorf("text %q", p.Text)
				}
			} else if p.Slides || p.Pages != nil {
				t.Errorf("a document, not slides: %v %q", p.Slides, p.Pages)
			}
			if p.Summary == "" {
				t.Error("no summary")
			}
		})
	}
}

func TestOfficeTitleJunk(t *testing.T) {
	for in, want := range map[string]string{
		"Slide 1": "", "Document1": "", "Microsoft Word - draft.docx": "", "PowerPoint Presentation": "",
		"report.pdf": "", "rtl.html": "", "minutes.htm": "", "Presentation2": "", "Click to edit Master title style": "", "Untitled": "",
		"Working Together 2023": "Working Together 2023", "  Child  exploitation ": "Child exploitation",
	} {
		if got := officeTitle(in); got != want {
			t.Errorf("officeTitle(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"1970-01-01T00:00:00Z": "", "1601-01-01T00:00:00Z": "", "1980-01-01": "", "2999-01-01": "",
		"2016-11-17T12:00:00Z": "2016-11-17", "": "", "junk": "",
	} {
		if got := officeDate(in); got != want {
			t.Errorf("officeDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// zipOf builds a zip archive of the given members, in order.
func zipOf(t testing.TB, members ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		w, err := zw.Create(m[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(m[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOfficeBadInput(t *testing.T) {
	docx := readFixture(t, "policy.docx")
	doc := readFixture(t, "policy.doc")
	odt := readFixture(t, "policy.odt")
	xlsx := readFixture(t, "figures.xlsx")
	pdf := readPDFFixture(t)

	bomb := testkit.ReplaceZipMember(t, docx, "word/document.xml", `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>`+strings.Repeat("a", 8<<20)+`</w:t></w:r></w:p></w:body></w:document>`)
	deep := testkit.ReplaceZipMember(t, docx, "word/document.xml", strings.Repeat("<a>", 1000)+strings.Repeat("</a>", 1000))
	encryptedODT := testkit.ReplaceZipMember(t, odt, "META-INF/manifest.xml", `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>`)
	var many [][2]string
	for i := range maxZipEntries + 1 {
		many = append(many, [2]string{fmt.Sprintf("f%d", i), ""})
	}
	manyEntries := zipOf(t, many...)
	manyStrings := testkit.ReplaceZipMember(t, xlsx, "xl/sharedStrings.xml", `<sst>`+strings.Repeat("<si><t>x</t></si>", 2000)+`</sst>`)

	// Word's fEncrypted flag set in the real .doc's file information block.
	encryptedDoc := testkit.EncryptedWord(t, doc)
	// An encrypted OOXML package is a compound file holding an
	// "EncryptedPackage" stream: the real .doc with its WordDocument
	// stream renamed so.
	encryptedPkg := bytes.Clone(doc)
	renameStream(t, encryptedPkg, "WordDocument", "EncryptedPackage")

	savedEntry, savedTotal, savedStrings := zipEntryLimit, zipTotalLimit, sharedStringLimit
	t.Cleanup(func() { zipEntryLimit, zipTotalLimit, sharedStringLimit = savedEntry, savedTotal, savedStrings })
	sharedStringLimit = 1000

	tests := []struct {
		name  string
		body  []byte
		ctype string
		want  error
		msg   string
	}{
		{"zip bomb (ratio)", bomb, "", ErrOffice, "compression ratio"},
		{"deep XML", deep, "", ErrOffice, "nested deeper"},
		{"too many entries", manyEntries, "", ErrOffice, "zip members"},
		{"huge shared strings", manyStrings, "", ErrOffice, "shared strings"},
		{"encrypted ODT", encryptedODT, "", ErrEncrypted, "encrypted"},
		{"encrypted DOC", encryptedDoc, "", ErrEncrypted, "encrypted"},
		{"encrypted OOXML package", encryptedPkg, "", ErrEncrypted, "encrypted"},
		{"truncated DOCX", docx[:len(docx)/2], "", ErrOffice, "broken zip"},
		{"zip that is no document", zipOf(t, [2]string{"a.txt", "hello"}), "", ErrUnsupported, "not a Word"},
		{"executable called PDF", append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...), "application/pdf", ErrUnsupported, "executable"},
		{"executable called DOCX", append([]byte("\x7fELF\x02\x01"), make([]byte, 200)...), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ErrUnsupported, "executable"},
		{"unknown compound file", doc[:512], "", ErrOffice, "compound file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Document(context.Background(), tt.body, tt.ctype, "https://example.org/x")
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("err = %v; want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}

	t.Run("total inflated size", func(t *testing.T) {
		zipTotalLimit = 2000
		defer func() { zipTotalLimit = savedTotal }()
		_, err := Office(docx, "x")
		if !errors.Is(err, ErrOffice) || !strings.Contains(err.Error(), "archive inflates past") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("member size", func(t *testing.T) {
		zipEntryLimit = 1000
		defer func() { zipEntryLimit = savedEntry }()
		_, err := Office(docx, "x")
		if !errors.Is(err, ErrOffice) || !strings.Contains(err.Error(), "inflates past") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("PDF called DOCX is read as a PDF", func(t *testing.T) {
		p, err := Document(context.Background(), pdf, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "https://example.org/x.docx")
		if err != nil || p.ContentType != TypePDF {
			t.Fatalf("%v %+v", err, p)
		}
		if _, err := Office(pdf, "x.docx"); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "not an office document") {
			t.Fatalf("Office(pdf) = %v", err)
		}
	})
}

// renameStream renames a top-level stream in a compound file's directory
// (names are UTF-16LE, 64 bytes, with their byte length after them).
func renameStream(t *testing.T, cfb []byte, from, to string) {
	t.Helper()
	enc := func(s string) []byte {
		b := make([]byte, 0, 2*len(s))
		for _, r := range s {
			b = binary.LittleEndian.AppendUint16(b, uint16(r))
		}
		return b
	}
	i := bytes.Index(cfb, append(enc(from), 0, 0))
	if i < 0 || i%128 != 0 {
		t.Fatalf("no directory entry %q", from)
	}
	name := make([]byte, 64)
	copy(name, enc(to))
	copy(cfb[i:], name)
	binary.LittleEndian.PutUint16(cfb[i+64:], uint16(2*len(to)+2))
}

func readPDFFixture(t testing.TB) []byte {
	t.Helper()
	return makePDF(testPDF{Title: "Renamed document", Pages: [][]string{{"A PDF served as Word."}}})
}

func TestRTFControls(t *testing.T) {
	rtf := `{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\info{\title Annual report}{\author A. Person}{\creatim\yr2020\mo5\dy4}}` +
		`{\*\generator x;}\pard Caf\'e9 \u8364? 5{\field{\*\fldinst HYPERLINK "http://x"}{\fldrslt link text}}\par ` +
		`second\tab para\line next{\header running header}\par}`
	p, err := Office([]byte(rtf), "x")
	if err != nil {
		t.Fatal(err)
	}
	if p.Text != "Café € 5link text\n\nsecond para\n\nnext" || p.Title != "Annual report" || p.Author != "A. Person" || p.Published != "2020-05-04" {
		t.Fatalf("%q %q %q %q", p.Text, p.Title, p.Author, p.Published)
	}
	deep := []byte(`{\rtf1` + strings.Repeat("{", 1000) + "x" + strings.Repeat("}", 1000) + "}")
	if _, err := Office(deep, "x"); !errors.Is(err, ErrOffice) {
		t.Fatalf("deep RTF: %v", err)
	}
}

// Legacy files whose text is not read (Excel 97-2003, Word 6/95) still give
// a page: their kind, their properties, and the reason in NoText.
func TestOfficeKeptWithoutText(t *testing.T) {
	xls := readFixture(t, "figures.xls")
	word95 := testkit.Word95(t, readFixture(t, "policy.doc"))
	for _, c := range []struct {
		name     string
		body     []byte
		kind     string
		reason   string
		title    string
		wantDate string
	}{
		{"xls", xls, TypeXLS, "Excel 97-2003", "Referrals by quarter", ""},
		{"word95", word95, TypeDOC, "Word 6/95", "Safeguarding Adults Multi-Agency Policy", "2019-03-14"},
	} {
		p, err := Document(context.Background(), c.body, "application/octet-stream", "https://example.org/f")
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if p.ContentType != c.kind || !strings.Contains(p.NoText, c.reason) || p.Text != "" || p.Title != c.title || p.Published != c.wantDate {
			t.Errorf("%s: kind %q, no text %q, text %q, title %q, published %q", c.name, p.ContentType, p.NoText, p.Text, p.Title, p.Published)
		}
	}
}
