package extract

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// metaCharsetWindow is how far into the body a <meta charset> is looked for.
// Browsers stop at 1024 bytes; pages with large inline scripts in <head>
// declare it later, and a wrong guess garbles every accented letter.
const metaCharsetWindow = 64 << 10

var rxMetaCharset = regexp.MustCompile(`(?i)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.+-]+)`)

// toUTF8 decodes an HTML body to UTF-8. The order follows the HTML standard
// with two extensions: byte order mark; then a body that is valid UTF-8 and
// not plain ASCII is taken as UTF-8 whatever it is declared as; then the
// Content-Type charset, then a <meta charset> or http-equiv declaration in
// the first 64 KiB (browsers look at 1 KiB), then UTF-8 if the whole body is
// valid UTF-8, else windows-1252 (which is also what the "iso-8859-1" label
// means on the web).
func toUTF8(body []byte, contentType string) (out []byte, name string) {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if name != "utf-8" && !strings.HasPrefix(name, "utf-16") && hasMultibyteUTF8(body) {
		// Text in a legacy encoding is practically never valid UTF-8 once
		// it uses a byte above 0x7F, while UTF-8 pages declared as
		// ISO-8859-1 (a common server default) or with a template's stale
		// <meta charset> are common. The bytes win.
		return bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), "utf-8"
	}
	if !certain {
		enc, name = nil, ""
		if m := rxMetaCharset.FindSubmatch(body[:min(len(body), metaCharsetWindow)]); m != nil {
			enc, name = charset.Lookup(string(m[1]))
			// A document that could be read as ASCII to find this
			// declaration is not UTF-16, whatever it says.
			if strings.HasPrefix(name, "utf-16") {
				enc, name = encoding.Nop, "utf-8"
			}
		}
		if enc == nil {
			if utf8.Valid(body) {
				enc, name = encoding.Nop, "utf-8"
			} else {
				enc, name = charset.Lookup("windows-1252")
			}
		}
	}
	if name == "utf-8" {
		body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
		if !utf8.Valid(body) {
			body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		return body, name
	}
	decoded, err := enc.NewDecoder().Bytes(body)
	if err != nil {
		// Decoders replace bad bytes rather than fail; if one fails anyway,
		// keep what is readable.
		return bytes.ToValidUTF8(body, []byte("\uFFFD")), "utf-8"
	}
	return bytes.TrimPrefix(decoded, []byte("\xef\xbb\xbf")), name
}

// hasMultibyteUTF8 reports whether b is valid UTF-8 and uses at least one
// multi-byte sequence.
func hasMultibyteUTF8(b []byte) bool {
	high := false
	for _, c := range b {
		if c >= 0x80 {
			high = true
			break
		}
	}
	return high && utf8.Valid(b)
}
