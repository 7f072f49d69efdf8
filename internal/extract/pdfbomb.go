package extract

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"fmt"
	"io"
)

// A PDF bomb hides a stream that inflates to gigabytes in a small file: a
// 2 MB PDF whose page content inflates to 1 GB made PDFium fill its
// WebAssembly memory (growing it by copying, so twice over) and the Go
// heap grew by 3 GB for one document. checkStreams finds such streams
// before PDFium sees the document, by inflating each Flate-encoded stream
// in Go into a counter (constant memory, about 1 GB/s) and refusing the
// document when one inflates past maxInflatedStream. Image streams are
// not checked: text extraction does not decode them, and the engine's
// memory limit (pdfMemoryPages) bounds whatever else gets through, such as
// other filters.

// maxInflatedStream bounds what one non-image stream may inflate to: far
// more than the text of any page (MaxText is 8 MB of text for the whole
// document) or a font.
const maxInflatedStream = 64 << 20

// maxInflateWork bounds the bytes inflated while checking one document,
// so that many streams just under the limit cost bounded time too.
const maxInflateWork = 512 << 20

// checkStreams returns an error wrapping ErrPDF when a stream of body
// inflates past the limits.
func checkStreams(body []byte) error {
	work := 0
	for i := 0; i < len(body); {
		k := bytes.Index(body[i:], []byte("stream"))
		if k < 0 {
			return nil
		}
		pos := i + k
		i = pos + len("stream")
		if pos >= 3 && string(body[pos-3:pos]) == "end" {
			continue
		}
		// The keyword is followed by CRLF or LF, then the data.
		data := i
		if data < len(body) && body[data] == '\r' {
			data++
		}
		if data >= len(body) || body[data] != '\n' {
			continue
		}
		data++
		dict := streamDict(body, pos)
		if dict == nil || bytes.Contains(dict, []byte("/Image")) {
			continue
		}
		layers := flateLayers(dict)
		if layers == 0 {
			continue
		}
		n := inflatedSize(body[data:], layers, maxInflatedStream+1)
		if n > maxInflatedStream {
			return fmt.Errorf("%w: a compressed stream at byte %d inflates to more than %d MB (a PDF bomb)",
				ErrPDF, pos, maxInflatedStream>>20)
		}
		if work += n; work > maxInflateWork {
			return fmt.Errorf("%w: its compressed streams inflate to more than %d MB (a PDF bomb)", ErrPDF, maxInflateWork>>20)
		}
	}
	return nil
}

// streamDict returns the dictionary right before the stream keyword at
// pos ("<< ... >>" and white space), or nil.
func streamDict(body []byte, pos int) []byte {
	end := pos
	for end > 0 && isPDFSpace(body[end-1]) {
		end--
	}
	if end < 2 || body[end-1] != '>' || body[end-2] != '>' {
		return nil
	}
	depth := 0
	for j := end - 1; j > 0 && end-j < 64<<10; j-- {
		switch {
		case body[j] == '>' && body[j-1] == '>':
			depth++
			j--
		case body[j] == '<' && body[j-1] == '<':
			depth--
			j--
			if depth == 0 {
				return body[j:end]
			}
		}
	}
	return nil
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// flateLayers counts the FlateDecode filters at the start of a stream
// dictionary's /Filter (a name or an array): the layers to inflate.
// (Fl is the inline abbreviation.)
func flateLayers(dict []byte) int {
	f := bytes.Index(dict, []byte("/Filter"))
	if f < 0 {
		return 0
	}
	rest := bytes.TrimLeft(dict[f+len("/Filter"):], " \r\n\t\f\x00")
	if len(rest) > 0 && rest[0] == '[' {
		rest = rest[1:]
	}
	n := 0
	for {
		rest = bytes.TrimLeft(rest, " \r\n\t\f\x00")
		switch {
		case bytes.HasPrefix(rest, []byte("/FlateDecode")):
			rest = rest[len("/FlateDecode"):]
		case bytes.HasPrefix(rest, []byte("/Fl")) && (len(rest) == 3 || !isNameChar(rest[3])):
			rest = rest[len("/Fl"):]
		default:
			return n
		}
		n++
	}
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// inflatedSize inflates data through the given number of Flate layers
// (zlib-wrapped, as PDF writes them, or raw) and returns how many bytes
// came out, reading at most limit. Broken data counts what came out
// before the break: PDFium judges the rest.
func inflatedSize(data []byte, layers, limit int) int {
	var r io.Reader = bytes.NewReader(data)
	for range layers {
		r = inflater(r)
	}
	n, _ := io.CopyN(io.Discard, r, int64(limit))
	return int(n)
}

// inflater reads a zlib stream, or raw deflate data when there is no zlib
// header.
func inflater(r io.Reader) io.Reader {
	br := &peekReader{r: r}
	head := br.peek(2)
	if len(head) == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		if zr, err := zlib.NewReader(br); err == nil {
			return zr
		}
		return bytes.NewReader(nil)
	}
	return flate.NewReader(br)
}

// peekReader lets inflater look at the first bytes without losing them.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peek(n int) []byte {
	for len(p.buf) < n {
		b := make([]byte, n-len(p.buf))
		k, err := p.r.Read(b)
		p.buf = append(p.buf, b[:k]...)
		if err != nil {
			break
		}
	}
	return p.buf
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}
