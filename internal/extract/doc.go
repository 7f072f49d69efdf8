// Package extract turns fetched bytes into a Page: the main text, title,
// summary, publication date, language, robots directives, canonical URL and
// outgoing links of an HTML page, the per-page text and metadata of a PDF,
// or the text (per slide for presentations) and properties of an office
// document: DOCX, PPTX, XLSX, ODT, ODP, RTF, Word 97-2003 and PowerPoint
// 97-2003 (office.go, rtf.go, msdoc.go). Formats are told by content.
// The crawler and the staff "add a link" form both call Document.
//
// It owns charset decoding, main-content extraction, date recognition and
// the sandboxed PDF engine. It must stay pure: no network, no database, no
// logging, no configuration beyond the PDF engine's cache directory
// (SetCacheDir). Fetching and its SSRF checks belong to internal/crawl;
// storing belongs to internal/library and internal/store; escaping for
// display belongs to whoever renders (Page fields are plain text).
//
// Every input is bounded: MaxInput bytes in, MaxText bytes of text out, the
// first 8 MiB of an HTML document parsed, a PDF's pages read until MaxText
// or three quarters of PDFTimeout are spent (the pages read are kept; no page
// cap), at most two PDFs at once; office archives are capped while
// inflating (per member, in total and by compression ratio), by member
// count, XML depth, shared strings and slides. Malformed input yields an
// error or a thinner Page, never a panic.
//
// Libraries, and why:
//   - codeberg.org/readeck/go-readability/v2 finds the main content (the
//     maintained fork of go-shiori's port of Readability.js). When it finds
//     little, a plain extraction of <main> or <body> without navigation,
//     headers, footers, asides and banners is used instead.
//   - github.com/PuerkitoBio/goquery reads metadata and links;
//     golang.org/x/net/html/charset decodes legacy charsets.
//   - Dates are our own code. github.com/markusmobius/go-htmldate was
//     tried: fast enough (0.1-0.8 ms a page) but it returns a time.Time,
//     so "October 2016" came back as 2016-01-01 and the precision a
//     month-only date needs ("2016-10") was lost; it also brings go-re2 on
//     wazero, zerolog and a date parser we do not otherwise need.
//   - github.com/klippa-app/go-pdfium in WebAssembly mode reads PDFs:
//     PDFium's text extraction (word spaces rebuilt from kerning,
//     ligatures expanded) with no cgo, and sandboxed by wazero with no
//     file system and a memory cap. Its start-up compile (3.5 s) is cached
//     on disk by wazero (0.2 s after the first run).
package extract
