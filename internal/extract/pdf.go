package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Limits that keep a hostile PDF (a "PDF bomb") from taking the crawler down.
const (
	// PDFTimeout bounds the time spent on one PDF when the caller's context
	// allows more. A PDF is bounded by time and text (MaxText), not by a
	// page count (a cap of 2,000 left 17% of a 2,415-page manual unread
	// with time to spare): pages are read until the text budget is spent
	// or pdfReadShare of PDFTimeout has passed, and the text read so far
	// is kept (PageCount still reports every page); the rest of PDFTimeout
	// is the margin for a page that takes long, after which the document
	// fails.
	PDFTimeout = 60 * time.Second
	// pdfReadShare is the share of PDFTimeout after which no further page
	// is started.
	pdfReadShare = 0.75
	// maxPagesAlloc bounds the pages slice allocated up front: a hostile
	// PDF can claim any page count.
	maxPagesAlloc = 4096
	// pdfWorkers is the number of PDFium instances: each holds its own
	// WebAssembly memory, up to pdfMemoryPages.
	pdfWorkers = 2
	// pdfMemoryPages caps the WebAssembly memory of one instance (64 KiB
	// pages): 256 MiB, ample for the text of a 32 MB document. Growing
	// memory copies it, so an instance can briefly hold twice this; with
	// pdfWorkers instances the engine stays well under the server's 1 GB
	// (a 1 GiB cap let one PDF bomb grow the heap by 3 GB:
	// internal/crawl/hostile_test.go).
	pdfMemoryPages = 4096
)

// The limits in force; tests lower them.
var pdfTimeout = PDFTimeout

// engine runs PDFium. It has pdfWorkers slots, each with its own
// single-instance pool whose context can be cancelled: cancelling stops a
// runaway call at once (wazero closes the module), and the slot starts a
// fresh pool for the next document. Starting a slot compiles the 5 MB
// WebAssembly module: about 3.5 s, or 0.2 s when the compilation cache
// already holds it.
var engine struct {
	mu       sync.Mutex
	cacheDir string
	runtime  wazero.RuntimeConfig // set on first use, with the cache
	slots    chan *pdfSlot
}

type pdfSlot struct {
	pool   pdfium.Pool
	cancel context.CancelFunc // stops the pool's worker mid-call
}

// SetCacheDir sets the directory where the compiled PDF engine is cached
// between runs. Call it before the first PDF (or InitPDF); later calls have
// no effect. The default is os.UserCacheDir()/safelib/wazero.
func SetCacheDir(dir string) {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	engine.cacheDir = dir
}

// InitPDF starts the PDF engine now rather than on the first PDF, so that a
// server pays the start-up cost before it takes requests.
func InitPDF() error {
	slot, err := acquireSlot(context.Background())
	if err != nil {
		return err
	}
	defer releaseSlot(slot)
	return slot.start()
}

// ClosePDF waits for the documents being read, then stops the PDF engine and
// frees its memory. A later PDF starts it again.
func ClosePDF() error {
	slots := engineSlots()
	held := make([]*pdfSlot, 0, pdfWorkers)
	for range pdfWorkers {
		held = append(held, <-slots)
	}
	var err error
	for _, s := range held {
		err = errors.Join(err, s.stop())
		slots <- s
	}
	return err
}

// engineSlots returns the slot queue, creating it (and the runtime
// configuration with its compilation cache) on first use.
func engineSlots() chan *pdfSlot {
	engine.mu.Lock()
	defer engine.mu.Unlock()
	if engine.slots != nil {
		return engine.slots
	}
	rc := wazero.NewRuntimeConfig().
		// The PDFium build lowers setjmp/longjmp to exception handling.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		// Lets a cancelled context stop a call in progress.
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(pdfMemoryPages)
	dir := engine.cacheDir
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "safelib", "wazero")
		}
	}
	if dir != "" {
		// Without a cache the engine still works, only slower to start.
		if c, err := wazero.NewCompilationCacheWithDir(dir); err == nil {
			rc = rc.WithCompilationCache(c)
		}
	}
	engine.runtime = rc
	engine.slots = make(chan *pdfSlot, pdfWorkers)
	for range pdfWorkers {
		engine.slots <- &pdfSlot{}
	}
	return engine.slots
}

func acquireSlot(ctx context.Context) (*pdfSlot, error) {
	select {
	case s := <-engineSlots():
		return s, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

func releaseSlot(s *pdfSlot) { engineSlots() <- s }

// start makes sure the slot has a running pool. Only the holder of the slot
// calls it.
func (s *pdfSlot) start() error {
	if s.pool != nil {
		return nil
	}
	engine.mu.Lock()
	rc := engine.runtime
	engine.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	pool, err := webassembly.Init(webassembly.Config{
		Context:       ctx,
		MinIdle:       1,
		MaxIdle:       1,
		MaxTotal:      1,
		RuntimeConfig: rc,
		// No file system: documents are passed as bytes.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
		// A fresh instance per document (about 6 ms) returns the memory
		// a large document made the instance grow, and keeps one
		// document's state from leaking into the next.
		ReuseWorkers: false,
	})
	if err != nil {
		cancel()
		return fmt.Errorf("extract: start pdf engine: %w", err)
	}
	s.pool, s.cancel = pool, cancel
	return nil
}

// stop closes the slot's pool, if any. Only the holder of the slot calls it.
func (s *pdfSlot) stop() error {
	if s.pool == nil {
		return nil
	}
	s.cancel()
	err := s.pool.Close()
	s.pool, s.cancel = nil, nil
	return err
}

// PDF extracts the text, per page, and metadata of a PDF. Broken,
// truncated, password-protected or otherwise unreadable documents give an
// error wrapping ErrPDF with the reason. PDFs encrypted only to restrict
// printing or copying (empty user password) are read. ctx bounds the time
// spent, as does PDFTimeout; at most pdfWorkers PDFs are read at once, and
// further calls wait their turn within their own deadline.
func PDF(ctx context.Context, body []byte, pageURL string) (*Page, error) {
	if len(body) > MaxInput {
		return nil, fmt.Errorf("extract: pdf: %d bytes: %w", len(body), ErrTooLarge)
	}
	if !hasPDFMagic(body) {
		return nil, fmt.Errorf("extract: pdf %s: %w: not a PDF (no %%PDF- header)", pageURL, ErrPDF)
	}
	if !hasEOFMarker(body) {
		return nil, fmt.Errorf("extract: pdf %s: %w: truncated: missing %%%%EOF", pageURL, ErrPDF)
	}
	// A stream that inflates to gigabytes is refused before PDFium sees it
	// (pdfbomb.go).
	if err := checkStreams(body); err != nil {
		return nil, fmt.Errorf("extract: pdf %s: %w", pageURL, err)
	}
	// Past readUntil no page is started and the text so far is kept, unless
	// the caller's own deadline comes first (then the caller is told).
	readUntil := time.Now().Add(time.Duration(pdfReadShare * float64(pdfTimeout)))
	if d, ok := ctx.Deadline(); ok && d.Before(readUntil) {
		readUntil = time.Time{}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, pdfTimeout, fmt.Errorf("%w: took longer than %s", ErrPDF, pdfTimeout))
	defer cancel()

	slot, err := acquireSlot(ctx)
	if err != nil {
		return nil, fmt.Errorf("extract: pdf %s: waiting for engine: %w", pageURL, err)
	}
	defer releaseSlot(slot)
	if err := slot.start(); err != nil {
		return nil, err
	}
	inst, err := slot.pool.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("extract: pdf %s: %w", pageURL, context.Cause(ctx))
		}
		// A pool that cannot give out its one instance is broken: start
		// afresh next time.
		return nil, fmt.Errorf("extract: pdf %s: engine: %w", pageURL, errors.Join(err, slot.stop()))
	}

	type result struct {
		page *Page
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{nil, fmt.Errorf("%w: engine failure: %v", ErrPDF, p)}
			}
			done <- r
		}()
		r.page, r.err = readPDF(ctx, inst, body, pageURL, readUntil)
	}()

	select {
	case r := <-done:
		if err := inst.Close(); err != nil && r.err == nil {
			r.err = fmt.Errorf("release engine: %w", err)
		}
		if r.err != nil {
			return nil, fmt.Errorf("extract: pdf %s: %w", pageURL, r.err)
		}
		return r.page, nil
	case <-ctx.Done():
		// Cancelling the pool's context closes the module, which stops
		// the call in progress; once the reader has returned, nothing
		// else touches the pool, and it is replaced on next use.
		slot.cancel()
		<-done
		_ = slot.stop()
		return nil, fmt.Errorf("extract: pdf %s: %w", pageURL, context.Cause(ctx))
	}
}

// hasEOFMarker reports whether the file ends with %%EOF (give or take
// trailing white space and the junk some servers append): the cheapest sign
// that a download was cut short.
func hasEOFMarker(body []byte) bool {
	body = bytes.TrimRight(body, " \t\r\n\x00\x0c")
	return bytes.Contains(body[max(0, len(body)-1024):], []byte("%%EOF"))
}

// readPDF does the work of PDF on one engine instance.
// Pages are read until readUntil (the zero time: no limit but ctx).
func readPDF(ctx context.Context, inst pdfium.Pdfium, body []byte, pageURL string, readUntil time.Time) (*Page, error) {
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &body})
	if err != nil {
		return nil, openError(err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document}) //nolint:errcheck // nothing to do about a failed close

	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, fmt.Errorf("%w: page count: %v", ErrPDF, err)
	}
	page := &Page{URL: pageURL, ContentType: TypePDF, PageCount: count.PageCount}
	metaText := func(tag string) string {
		r, err := inst.FPDF_GetMetaText(&requests.FPDF_GetMetaText{Document: doc.Document, Tag: tag})
		if err != nil {
			return ""
		}
		return r.Value
	}
	if lang, err := inst.FPDFCatalog_GetLanguage(&requests.FPDFCatalog_GetLanguage{Document: doc.Document}); err == nil {
		if l := strings.ReplaceAll(strings.TrimSpace(lang.Language), "_", "-"); validLanguageTag(l) {
			page.Language = l
		}
	}

	n := max(0, count.PageCount)
	page.Pages = make([]string, 0, min(n, maxPagesAlloc))
	total := 0
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, context.Cause(ctx)
		}
		if i > 0 && !readUntil.IsZero() && time.Now().After(readUntil) {
			break // the time budget: keep what was read
		}
		text, err := pageText(inst, doc.Document, i)
		if err != nil {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			// One damaged page should not cost the rest of the document.
			text = ""
		}
		text = pdfParagraphs(text)
		if total+len(text) > MaxText {
			if rest := MaxText - total; rest > 0 {
				page.Pages = append(page.Pages, prefix(text, rest))
			}
			break
		}
		total += len(text) + len("\n\n")
		page.Pages = append(page.Pages, text)
	}
	page.Text = strings.Join(page.Pages, "\n\n")

	page.Title = pdfDocTitle(inst, doc.Document, count.PageCount, metaText("Title"), page.Text)
	if subject := plainText(metaText("Subject")); utf8.RuneCountInString(subject) >= 40 && strings.Contains(subject, " ") {
		page.Summary = truncate(subject, maxSummary)
	} else {
		page.Summary = summaryFromText(page.Text)
	}
	// A CreationDate of an unset clock (1970-01-01, the DOS or Windows
	// epoch) is no date.
	if d := pdfDate(metaText("CreationDate")); officeDate(d) != "" {
		page.Published = d
	}
	return page, nil
}

// openError explains why PDFium refused a document.
func openError(err error) error {
	switch {
	case errors.Is(err, pdfiumerrors.ErrPassword):
		return fmt.Errorf("%w: encrypted (password required)", ErrPDF)
	case errors.Is(err, pdfiumerrors.ErrSecurity):
		return fmt.Errorf("%w: encrypted (unsupported security handler)", ErrPDF)
	case errors.Is(err, pdfiumerrors.ErrFormat):
		return fmt.Errorf("%w: corrupt or not a PDF", ErrPDF)
	case errors.Is(err, pdfiumerrors.ErrFile):
		return fmt.Errorf("%w: cannot be read", ErrPDF)
	}
	return fmt.Errorf("%w: %v", ErrPDF, err)
}

// pageText returns the raw text of page i.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (string, error) {
	pg, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: pg.Page}) //nolint:errcheck // nothing to do about a failed close
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &pg.Page}})
	if err != nil {
		return "", err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage}) //nolint:errcheck // nothing to do about a failed close
	chars, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", err
	}
	if chars.Count <= 0 {
		return "", nil
	}
	// A page can hold more characters than the whole text budget.
	count := min(chars.Count, MaxText/2)
	text, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: count})
	if err != nil {
		return "", err
	}
	return refineText(textPage{inst, tp.TextPage, new(int)}, text.Text, count), nil
}

// pdfParagraphs rebuilds paragraphs from the lines PDFium gives: lines are
// joined with a space (or without the hyphen, for a word broken across
// lines) until a line clearly shorter than the page's longest ones, which
// ends a paragraph or is a heading. Paragraphs are separated by "\n\n".
func pdfParagraphs(raw string) string {
	raw = strings.ReplaceAll(raw, "\r\n", "\n")
	raw = strings.ReplaceAll(raw, "\r", "\n")
	type line struct {
		text string
		soft bool // ends with a hyphen that only marks a line break
	}
	var lines []line
	longest := 0
	for l := range strings.SplitSeq(raw, "\n") {
		end := strings.TrimRightFunc(l, unicode.IsSpace)
		// PDFium reports a hyphen that breaks a word at the end of a line
		// as U+FFFE (older builds: U+0002) and usually joins the lines
		// itself; some files carry a soft hyphen (U+00AD) instead.
		// collapseSpace drops all three.
		soft := strings.HasSuffix(end, "\ufffe") || strings.HasSuffix(end, "\x02") || strings.HasSuffix(end, "\u00ad")
		text := collapseSpace(l)
		lines = append(lines, line{text, soft})
		longest = max(longest, utf8.RuneCountInString(text))
	}
	var out, para []byte
	flush := func() {
		if len(para) == 0 {
			return
		}
		if len(out) > 0 {
			out = append(out, "\n\n"...)
		}
		out = append(out, para...)
		para = para[:0]
	}
	joinBare := false // the next line continues a hyphenated word
	for _, l := range lines {
		if l.text == "" {
			flush()
			joinBare = false
			continue
		}
		if len(para) > 0 {
			first, _ := utf8.DecodeRuneInString(l.text)
			switch {
			case joinBare:
			case para[len(para)-1] == '-' && len(para) > 1 && unicode.IsLetter(rune(para[len(para)-2])) && unicode.IsLower(first):
				para = para[:len(para)-1]
			default:
				para = append(para, ' ')
			}
		}
		para = append(para, l.text...)
		joinBare = l.soft
		if !l.soft && utf8.RuneCountInString(l.text) < longest*3/4 {
			flush()
		}
	}
	flush()
	return string(out)
}

var rxOfficePrefix = regexp.MustCompile(`(?i)^microsoft (?:word|powerpoint|excel) - `)

// pdfTitle cleans the Title metadata, dropping the file names and
// placeholders that many generators write there.
func pdfTitle(s string) string {
	t := plainText(s)
	t = rxOfficePrefix.ReplaceAllString(t, "")
	for _, ext := range []string{".docx", ".doc", ".pptx", ".ppt", ".xlsx", ".pdf", ".odt", ".rtf", ".indd", ".txt", ".html", ".htm"} {
		if len(t) > len(ext) && strings.EqualFold(t[len(t)-len(ext):], ext) {
			t = t[:len(t)-len(ext)]
			break
		}
	}
	switch strings.ToLower(t) {
	case "untitled", "untitled document", "title", "document", "slide 1", "powerpoint presentation", "pdf", "print":
		return ""
	}
	return truncate(t, maxTitle)
}

var rxPDFDate = regexp.MustCompile(`^(?:D:)?(\d{4})(\d{2})?(\d{2})?`)

// pdfDate reads a PDF date ("D:20161012093000+01'00'") at the precision
// given; other forms some generators write are read like metadata dates.
func pdfDate(s string) string {
	s = strings.TrimSpace(s)
	if m := rxPDFDate.FindStringSubmatch(s); m != nil {
		return formatDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	return machineDate(s)
}
