package extract

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// testPDF describes a PDF for makePDF: real objects, a Helvetica font, an
// Info dictionary and a correct cross-reference table, small enough to read.
type testPDF struct {
	Title        string     // Info /Title, omitted when ""
	Subject      string     // Info /Subject, omitted when ""
	CreationDate string     // Info /CreationDate, e.g. "D:20161012093000+01'00'"
	Lang         string     // Catalog /Lang
	Pages        [][]string // lines of text on each page
	// Kerned writes each line as a TJ array with the words as separate
	// strings and a gap between them, as typesetting software does, so
	// that spaces must be rebuilt from positions.
	Kerned bool
	// UserPassword and OwnerPassword, when either is set, encrypt the
	// document with the standard security handler (RC4, 40-bit, revision
	// 2). An empty user password makes a PDF that opens without asking,
	// with only copying or printing restricted.
	UserPassword, OwnerPassword string
	Encrypt                     bool
}

// pdfPadding is the password padding string of the standard security handler.
var pdfPadding = []byte("\x28\xbf\x4e\x5e\x4e\x75\x8a\x41\x64\x00\x4e\x56\xff\xfa\x01\x08\x2e\x2e\x00\xb6\xd0\x68\x3e\x80\x2f\x0c\xa9\xfe\x64\x53\x69\x7a")

func padPassword(pw string) []byte {
	return append([]byte(pw), pdfPadding...)[:32]
}

func rc4Crypt(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err) // test helper: key lengths are fixed here
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}

// pdfText encodes s as a PDF literal string in WinAnsiEncoding.
func pdfText(s string) []byte {
	enc, err := charmap.Windows1252.NewEncoder().String(s)
	if err != nil {
		panic(err)
	}
	return []byte(enc)
}

func escapePDFString(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for _, c := range b {
		switch {
		case c == '(' || c == ')' || c == '\\':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case c < 32 || c > 126:
			fmt.Fprintf(&sb, "\\%03o", c)
		default:
			sb.WriteByte(c)
		}
	}
	sb.WriteByte(')')
	return sb.String()
}

// makePDF writes the document.
func makePDF(d testPDF) []byte {
	encrypt := d.Encrypt || d.UserPassword != "" || d.OwnerPassword != ""
	fileID := md5.Sum([]byte(d.Title + d.CreationDate + fmt.Sprint(d.Pages)))
	const perms = int32(-44) // printing and copying not allowed
	var key, oValue, uValue []byte
	if encrypt {
		owner := d.OwnerPassword
		if owner == "" {
			owner = d.UserPassword
		}
		oh := md5.Sum(padPassword(owner))
		oValue = rc4Crypt(oh[:5], padPassword(d.UserPassword))
		h := md5.New()
		h.Write(padPassword(d.UserPassword))
		h.Write(oValue)
		var p [4]byte
		permBits := perms
		binary.LittleEndian.PutUint32(p[:], uint32(permBits))
		h.Write(p[:])
		h.Write(fileID[:])
		key = h.Sum(nil)[:5]
		uValue = rc4Crypt(key, pdfPadding)
	}
	// objectKey is the RC4 key for strings and streams of object num.
	crypt := func(num int, data []byte) []byte {
		if !encrypt {
			return data
		}
		k := append([]byte{}, key...)
		k = append(k, byte(num), byte(num>>8), byte(num>>16), 0, 0)
		sum := md5.Sum(k)
		return rc4Crypt(sum[:len(key)+5], data)
	}
	str := func(num int, s string) string {
		if encrypt {
			return "<" + hex.EncodeToString(crypt(num, pdfText(s))) + ">"
		}
		return escapePDFString(pdfText(s))
	}

	// Object numbers: 1 catalog, 2 pages, 3 font, 4 info, 5 encrypt, then
	// a page and its content stream for each page.
	var objs []string
	catalog := "<< /Type /Catalog /Pages 2 0 R"
	if d.Lang != "" {
		catalog += " /Lang " + str(1, d.Lang)
	}
	objs = append(objs, catalog+" >>")
	var kids []string
	for i := range d.Pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 6+2*i))
	}
	objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(d.Pages)))
	objs = append(objs, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	info := "<< /Producer " + str(4, "safelib extract test")
	if d.Title != "" {
		info += " /Title " + str(4, d.Title)
	}
	if d.Subject != "" {
		info += " /Subject " + str(4, d.Subject)
	}
	if d.CreationDate != "" {
		info += " /CreationDate " + str(4, d.CreationDate)
	}
	objs = append(objs, info+" >>")
	if encrypt {
		objs = append(objs, fmt.Sprintf("<< /Filter /Standard /V 1 /R 2 /O <%x> /U <%x> /P %d >>", oValue, uValue, perms))
	} else {
		objs = append(objs, "null")
	}
	for i, lines := range d.Pages {
		pageNum, contentNum := 6+2*i, 7+2*i
		objs = append(objs, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", contentNum))
		var content bytes.Buffer
		content.WriteString("BT\n/F1 11 Tf\n14 TL\n56 780 Td\n")
		for _, line := range lines {
			if d.Kerned {
				var parts []string
				for _, w := range strings.Fields(line) {
					parts = append(parts, escapePDFString(pdfText(w)))
				}
				// -300 thousandths of an em is a word gap; no space
				// characters are drawn.
				fmt.Fprintf(&content, "[%s] TJ T*\n", strings.Join(parts, " -300 "))
			} else {
				fmt.Fprintf(&content, "%s Tj T*\n", escapePDFString(pdfText(line)))
			}
		}
		content.WriteString("ET\n")
		stream := crypt(contentNum, content.Bytes())
		objs = append(objs, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream))
		_ = pageNum
	}

	trailer := fmt.Sprintf("/Root 1 0 R /Info 4 0 R /ID [<%x> <%x>]", fileID, fileID)
	if encrypt {
		trailer += " /Encrypt 5 0 R"
	}
	return writePDF("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", objs, trailer)
}

// writePDF lays out the numbered objects (object i+1 is objs[i]) after
// header, with their cross-reference table and a trailer holding the
// given entries beside /Size.
func writePDF(header string, objs []string, trailer string) []byte {
	var out bytes.Buffer
	out.WriteString(header)
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return out.Bytes()
}
