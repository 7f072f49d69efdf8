package catalog

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// File is one version of a document the library holds itself (uploaded by
// staff): the bytes are kept content-addressed under the data directory by
// their SHA-256, and this is what the database says of them. The database
// row is the truth: a file on disk that no row names is an orphan.
type File struct {
	// Version counts a resource's files from 1; the highest is current.
	Version     int
	Label       string // "V3 17/11/2016"
	Published   Date
	Name        string // the file name shown and offered on download
	Size        int64
	ContentType string // the media type it is served with
	SHA256      string // lower-case hex
	Added       time.Time
	// Withdrawn is when staff withdrew this version (zero: it is served).
	// A withdrawn version is listed to staff and never served to anyone.
	Withdrawn time.Time
	// TextNote says why this version gave no text (a legacy format the
	// extractor does not read), for staff; "" when its text was read.
	TextNote string
}

// CurrentFile returns the index in files (oldest first) of the current
// version, the newest not withdrawn, or -1 when every one is withdrawn
// (or there are none).
func CurrentFile(files []File) int {
	for i := len(files) - 1; i >= 0; i-- {
		if files[i].Withdrawn.IsZero() {
			return i
		}
	}
	return -1
}

// MaxUpload bounds an uploaded file, in bytes (the extractor reads at most
// this much).
const MaxUpload = 32 << 20

// DocumentTypes are the kinds of file the library holds, by the short name
// extraction reports, with the media type each is served as and the file
// name extensions that may name it. Nothing else is accepted for upload.
var DocumentTypes = map[string]struct {
	MediaType  string
	Extensions []string
}{
	"pdf":  {"application/pdf", []string{".pdf"}},
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{".docx"}},
	"pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", []string{".pptx"}},
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{".xlsx"}},
	"odt":  {"application/vnd.oasis.opendocument.text", []string{".odt"}},
	"odp":  {"application/vnd.oasis.opendocument.presentation", []string{".odp"}},
	"rtf":  {"application/rtf", []string{".rtf"}},
	"doc":  {"application/msword", []string{".doc", ".dot"}},
	"ppt":  {"application/vnd.ms-powerpoint", []string{".ppt", ".pps"}},
	// Kept with its properties; its text is not read (Page.NoText).
	"xls": {"application/vnd.ms-excel", []string{".xls", ".xlt"}},
}

// HeldTypes names the document types the library holds, for messages.
const HeldTypes = "PDF, Word (.docx, .doc), PowerPoint (.pptx, .ppt), OpenDocument (.odt, .odp), RTF and Excel (.xlsx, .xls) documents"

// documentKind returns the document type whose extension ext is, or "".
func documentKind(ext string) string {
	ext = strings.ToLower(ext)
	for k, t := range DocumentTypes {
		for _, e := range t.Extensions {
			if e == ext {
				return k
			}
		}
	}
	return ""
}

// typeNames says which document a short type name is, for messages.
var typeNames = map[string]string{
	"pdf": "a PDF", "docx": "a Word document (.docx)", "pptx": "a PowerPoint presentation (.pptx)",
	"xlsx": "an Excel workbook (.xlsx)", "odt": "an OpenDocument text (.odt)",
	"odp": "an OpenDocument presentation (.odp)", "rtf": "an RTF document", "doc": "a Word 97-2003 document (.doc)",
	"ppt": "a PowerPoint 97-2003 presentation (.ppt)", "xls": "an Excel 97-2003 workbook (.xls)",
	"html": "a web page (HTML)",
}

// DescribeType names a type for people ("a PDF").
func DescribeType(kind string) string {
	if n, ok := typeNames[kind]; ok {
		return n
	}
	return "a " + kind + " file"
}

// UploadName checks the name an upload came with against the type its
// content is (kind, as sniffed) and returns the name to keep: the base
// name, cleaned of control characters and path separators, at most 200
// bytes, with the type's extension added when it has none. A name whose
// extension says another document type (a PDF called .docx) or a type the
// library does not hold (.exe) is refused: the content decides what the
// file is, and a name that lies about it would mislead whoever opens it.
func UploadName(name, kind string) (string, error) {
	t, ok := DocumentTypes[kind]
	if !ok {
		return "", Errorf(Unsupported, "the file is %s; the library holds only %s", DescribeType(kind), HeldTypes)
	}
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" || name == ".." {
		name = ""
	}
	ext := strings.ToLower(path.Ext(name))
	switch {
	case name == "" || name == ext:
		name = "document" + t.Extensions[0]
	case ext == "":
		name += t.Extensions[0]
	default:
		if got := documentKind(ext); got != kind {
			if got == "" {
				return "", Errorf(Unsupported, "the file is called %q but it is %s: name it %s", name, DescribeType(kind), t.Extensions[0])
			}
			return "", Errorf(Unsupported, "the file is called %q, which says %s, but its content is %s", name, DescribeType(got), DescribeType(kind))
		}
	}
	for len(name) > 200 {
		stem := strings.TrimSuffix(name, path.Ext(name))
		_, size := utf8.DecodeLastRuneInString(stem)
		name = stem[:len(stem)-size] + path.Ext(name)
	}
	return name, nil
}

// VersionLabel is the label a version gets when staff give none:
// "V3 17/11/2016", from its number and date (the day it was added when the
// document is undated).
func VersionLabel(n int, published Date, added time.Time) string {
	d, p := "", string(published)
	switch len(p) {
	case 10:
		d = p[8:10] + "/" + p[5:7] + "/" + p[:4]
	case 7:
		d = p[5:7] + "/" + p[:4]
	case 4:
		d = p
	default:
		d = added.Format("02/01/2006")
	}
	return fmt.Sprintf("V%d %s", n, d)
}

// MaxLabel bounds a version's label.
const MaxLabel = 200
