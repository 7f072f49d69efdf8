package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// MaxInput is the largest body accepted by HTML, PDF and Document.
const MaxInput = 32 << 20

// MaxText bounds Page.Text (and, for a PDF, the pages together), in bytes.
const MaxText = 20 << 20

// Content types reported in Page.ContentType.
const (
	TypeHTML = "html"
	TypePDF  = "pdf"
)

var (
	// ErrUnsupported is returned by Document for content that is neither
	// HTML nor PDF.
	ErrUnsupported = errors.New("unsupported content type")
	// ErrPDF is wrapped, with the reason, by every error about a broken,
	// encrypted or unreadable PDF.
	ErrPDF = errors.New("unreadable PDF")
	// ErrTooLarge is returned for input longer than MaxInput.
	ErrTooLarge = errors.New("input too large")
)

// Page is what extraction learns from one document.
type Page struct {
	URL         string   `json:"url"`              // final URL given by the caller
	Canonical   string   `json:"canonical"`        // absolute rel=canonical URL, or ""
	Title       string   `json:"title"`            // plain text
	Summary     string   `json:"summary"`          // plain text, at most about 400 characters
	Text        string   `json:"text"`             // main text, paragraphs separated by "\n\n"
	Pages       []string `json:"pages"`            // PDF: text of each page; presentation: of each slide; else nil
	PageCount   int      `json:"pageCount"`        // PDF: number of pages in the document; presentation: of slides
	Slides      bool     `json:"slides,omitempty"` // Pages are slides (PPTX, ODP, PPT), not pages
	Author      string   `json:"author,omitempty"` // office documents: the author in the document properties, or ""
	Published   string   `json:"published"`        // "YYYY-MM-DD", "YYYY-MM", "YYYY" or ""
	Language    string   `json:"language"`         // BCP 47 tag as declared, e.g. "en-GB", or ""
	NoIndex     bool     `json:"noIndex"`          // robots meta tag forbids indexing
	Links       []string `json:"links"`            // absolute http(s) links, no fragments, deduplicated
	ContentType string   `json:"contentType"`      // TypeHTML, TypePDF or an office type (TypeDOCX, ...)
	// NoText says why a document of a known kind gave no text (Word 6/95,
	// Excel 97-2003): the Page holds its metadata only, so that the
	// library keeps the item, and this reason is recorded for staff.
	NoText string `json:"noText,omitempty"`
}

// Document extracts a page from a body of any kind it reads, chosen by
// content first: PDF when the PDF magic bytes are there, an office
// document (Office) when the body is a zip, compound file or RTF, and an
// executable is refused whatever it is called. Then the Content-Type: PDF
// (which then fails as "not a PDF"), HTML or XHTML, or a generic or missing
// type that sniffs as HTML; anything else is ErrUnsupported.
func Document(ctx context.Context, body []byte, contentType string, pageURL string) (*Page, error) {
	if len(body) > MaxInput {
		return nil, fmt.Errorf("extract: %d bytes: %w", len(body), ErrTooLarge)
	}
	mediaType := mediaTypeOf(contentType)
	switch {
	case hasPDFMagic(body):
		return PDF(ctx, body, pageURL)
	case officeKind(body) != "":
		return Office(body, pageURL)
	case isExecutable(body):
		return nil, fmt.Errorf("extract: %s: %w: an executable program, not a document", pageURL, ErrUnsupported)
	case mediaType == "application/pdf" || mediaType == "application/x-pdf":
		return PDF(ctx, body, pageURL)
	case mediaType == "text/html" || mediaType == "application/xhtml+xml":
		return HTML(body, contentType, pageURL)
	case sniffable(mediaType) && strings.HasPrefix(http.DetectContentType(body), "text/html"):
		return HTML(body, contentType, pageURL)
	}
	if mediaType == "" {
		mediaType = http.DetectContentType(body)
	}
	return nil, fmt.Errorf("extract: %s: %w", mediaType, ErrUnsupported)
}

// mediaTypeOf returns the lower-cased media type of a Content-Type value, or
// "" when there is none.
func mediaTypeOf(contentType string) string {
	if strings.TrimSpace(contentType) == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		// A malformed parameter list still usually starts with a usable type.
		mt, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}

// sniffable reports whether a declared type is vague enough that the body
// should decide: servers often send HTML as text/plain or octet-stream.
func sniffable(mediaType string) bool {
	switch mediaType {
	case "", "text/plain", "application/octet-stream", "binary/octet-stream", "application/unknown", "unknown/unknown":
		return true
	}
	return false
}

// hasPDFMagic reports whether "%PDF-" occurs in the first 1024 bytes, where
// readers accept it (some generators put junk before the header).
func hasPDFMagic(body []byte) bool {
	head := body[:min(len(body), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

// isExecutable reports whether body starts like a program (Windows PE,
// ELF, Mach-O, a shell script).
func isExecutable(body []byte) bool {
	for _, magic := range [][]byte{[]byte("MZ"), []byte("\x7fELF"), {0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, {0xcf, 0xfa, 0xed, 0xfe}, {0xce, 0xfa, 0xed, 0xfe}, {0xca, 0xfe, 0xba, 0xbe}, []byte("#!")} {
		if bytes.HasPrefix(body, magic) {
			return true
		}
	}
	return false
}
