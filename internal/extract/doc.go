// Package extract turns fetched bytes into a Page: the main text, title,
// summary, publication date, language, robots directives, canonical URL and
// outgoing links of an HTML page, or the per-page text and metadata of a PDF.
//
// It owns charset decoding, main-content extraction (readability with a
// simpler fallback), date recognition (UK day-first for numeric dates) and
// the sandboxed PDF engine (PDFium compiled to WebAssembly, run by wazero).
//
// It must stay pure: no network, no database, no logging of page content, no
// global configuration beyond the PDF engine's compilation cache directory.
// Fetching (and the SSRF checks) belongs to internal/crawl; storing belongs
// to internal/library and internal/store. Every input is bounded (MaxInput,
// page and text caps, a per-document time limit), and malformed input yields
// an error, never a panic.
package extract
