package library

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"safelib/internal/catalog"
)

// ResourceFields are a resource's fields as JSON wherever a resource goes
// out whole: the API's hits (web) and the exchange records (Record). One
// shape, one set of names: a published contract (add fields, never rename
// them).
type ResourceFields struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	URL       string   `json:"url"`
	Publisher string   `json:"publisher"`
	Type      string   `json:"type"`
	Themes    []string `json:"themes"`
	Published string   `json:"published"`
	Area      string   `json:"area"`
	Region    string   `json:"region"`
	Summary   string   `json:"summary"`
	Access    string   `json:"access"`
}

// FieldsOf is r's ResourceFields (themes never null).
func FieldsOf(r *catalog.Resource) ResourceFields {
	return ResourceFields{
		ID: r.ID, Title: r.Title, URL: r.URL, Publisher: r.Publisher, Type: r.Type,
		Themes: append([]string{}, r.Themes...), Published: string(r.Published), Area: r.Area, Region: r.Region,
		Summary: r.Summary, Access: string(r.Access),
	}
}

// Record is a resource in the exchange shape shared by the API, import and
// export (JSONL and CSV).
type Record struct {
	ResourceFields
	Body         string `json:"body,omitempty"`
	Source       string `json:"source,omitempty"`
	Status       string `json:"status,omitempty"`
	Sport        string `json:"sport,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	LastVerified string `json:"last_verified,omitempty"`
	LastReviewed string `json:"last_reviewed,omitempty"`
	// MachineThemes are the tagger's suggestions awaiting confirmation.
	MachineThemes []string `json:"machine_themes,omitempty"`
	// Pages is a PDF's text per page (JSONL only; CSV rows keep the
	// stored pages while their body is unchanged).
	Pages []string `json:"pages,omitempty"`
	// Slides says Pages are a presentation's slides.
	Slides bool `json:"slides,omitempty"`
	// File is the current file the library holds, and Versions every
	// version of it, oldest first (JSONL only): each names its bytes by
	// SHA-256, kept in a directory beside the export (filetransfer.go).
	File     *FileRecord     `json:"file,omitempty"`
	Versions []VersionRecord `json:"versions,omitempty"`
}

// csvColumns is the CSV header, in order.
var csvColumns = []string{"id", "title", "url", "publisher", "type", "themes", "published", "area", "region",
	"summary", "access", "body", "source", "status", "sport", "phone", "email", "last_verified", "last_reviewed",
	"machine_themes"}

// RecordOf converts a resource to its exchange shape.
func RecordOf(r *catalog.Resource) Record {
	return Record{
		ResourceFields: FieldsOf(r), Body: r.Body, Source: r.Source, Status: r.Status,
		Sport: r.Sport, Phone: r.Phone, Email: r.Email, LastVerified: string(r.LastVerified),
		LastReviewed: string(r.LastReviewed), MachineThemes: append([]string(nil), r.MachineThemes...),
		Pages: append([]string(nil), r.Pages...), Slides: r.Slides,
	}
}

// Resource converts a record to a resource (not yet validated).
func (rec Record) Resource() *catalog.Resource {
	return &catalog.Resource{
		ID: rec.ID, Title: rec.Title, URL: rec.URL, Publisher: rec.Publisher, Type: rec.Type,
		Themes: rec.Themes, Published: catalog.Date(strings.TrimSpace(rec.Published)), Area: rec.Area,
		Region: rec.Region, Summary: rec.Summary, Access: catalog.Access(rec.Access), Body: rec.Body,
		Source: rec.Source, Status: rec.Status, Sport: rec.Sport, Phone: rec.Phone, Email: rec.Email,
		LastVerified: catalog.Date(rec.LastVerified), LastReviewed: catalog.Date(rec.LastReviewed),
		MachineThemes: rec.MachineThemes, Pages: rec.Pages, Slides: rec.Slides && len(rec.Pages) > 0,
	}
}

func (rec Record) csvRow() []string {
	return []string{rec.ID, rec.Title, rec.URL, rec.Publisher, rec.Type, strings.Join(rec.Themes, ";"),
		rec.Published, rec.Area, rec.Region, rec.Summary, rec.Access, rec.Body, rec.Source, rec.Status,
		rec.Sport, rec.Phone, rec.Email, rec.LastVerified, rec.LastReviewed, strings.Join(rec.MachineThemes, ";")}
}

// Export writes every resource (withdrawn ones too, with their status) as
// JSONL or CSV. Only staff may export: the file holds members-only text.
func (l *Library) Export(ctx context.Context, rd catalog.Reader, w io.Writer, format string) (int, error) {
	return l.ExportWithFiles(ctx, rd, w, format, "")
}

// ExportWithFiles is Export that also copies every held file, named by its
// SHA-256, into filesDir (created if missing) when it is not "": JSONL
// lines name the files, so the export and the directory together are the
// whole library.
func (l *Library) ExportWithFiles(ctx context.Context, rd catalog.Reader, w io.Writer, format, filesDir string) (int, error) {
	if !rd.IsStaff() {
		return 0, catalog.Errorf(catalog.Forbidden, "only staff may export the library")
	}
	var write func(Record) error
	var flush func() error
	switch format {
	case "jsonl":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		write = func(r Record) error { return enc.Encode(r) }
		flush = func() error { return nil }
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(csvColumns); err != nil {
			return 0, err
		}
		write = func(r Record) error { return cw.Write(r.csvRow()) }
		flush = func() error { cw.Flush(); return cw.Error() }
	default:
		return 0, catalog.Errorf(catalog.Invalid, "unknown format %q (want jsonl or csv)", format)
	}
	n := 0
	err := l.st.ScanResources(ctx, 500, true, func(rs []*catalog.Resource) error {
		var files map[string][]catalog.File
		if format == "jsonl" {
			if err := l.st.LoadPages(ctx, rs); err != nil {
				return err
			}
			var err error
			if files, err = l.exportFiles(ctx, rs, filesDir); err != nil {
				return err
			}
		}
		for _, r := range rs {
			rec := RecordOf(r)
			rec.File, rec.Versions = fileRecords(files[r.ID])
			if err := write(rec); err != nil {
				return fmt.Errorf("export %s: %w", r.ID, err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, flush()
}

// LineError is a rejected row of an import.
type LineError struct {
	Line   int    `json:"line"`
	ID     string `json:"id,omitempty"`
	Reason string `json:"reason"`
}

// ImportReport says what an import did (or would do, on a dry run).
type ImportReport struct {
	Rows      int         `json:"rows"`
	Inserted  int         `json:"inserted"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Errors    []LineError `json:"errors"`
	DryRun    bool        `json:"dry_run"`
}

// MaxImportRows bounds one import file.
const MaxImportRows = 500_000

// Import reads JSONL or CSV (format "", "jsonl" or "csv"; "" sniffs) and
// upserts the valid rows, keyed on id, else url: importing the same file
// twice changes nothing. Bad rows are reported with their line number and
// do not stop the good ones. dryRun validates only. Staff only.
func (l *Library) Import(ctx context.Context, rd catalog.Reader, r io.Reader, format string, dryRun bool) (*ImportReport, error) {
	return l.ImportWithFiles(ctx, rd, r, format, dryRun, "")
}

// ImportWithFiles is Import that also takes the files JSONL lines name
// from filesDir (as ExportWithFiles wrote it), checking each against its
// hash: a line whose files are missing is rejected. Without a filesDir,
// the files lines name are left as they are in the library.
func (l *Library) ImportWithFiles(ctx context.Context, rd catalog.Reader, r io.Reader, format string, dryRun bool, filesDir string) (*ImportReport, error) {
	return l.ImportWithProgress(ctx, rd, r, format, dryRun, filesDir, nil)
}

// ImportProgress is how far an import has gone: Phase "checking" (the
// first pass, Done rows read, Total unknown: 0) or "writing" (Done of
// Total valid rows written).
type ImportProgress struct {
	Phase       string
	Done, Total int
}

// ImportWithProgress is ImportWithFiles calling progress (when not nil)
// as rows are checked and as each batch is written.
func (l *Library) ImportWithProgress(ctx context.Context, rd catalog.Reader, r io.Reader, format string, dryRun bool, filesDir string,
	progress func(ImportProgress)) (*ImportReport, error) {
	if progress == nil {
		progress = func(ImportProgress) {}
	}
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff may import")
	}
	// Two passes keep memory flat however large the file: the first
	// validates every row and settles its id, the second writes the good
	// rows in batches. A stream that can't seek is spooled to a temporary
	// file during the first pass.
	r, rs, done, err := spool(r)
	if err != nil {
		return nil, err
	}
	defer done()
	br := bufio.NewReaderSize(r, 1<<16)
	read, err := importFormat(br, format)
	if err != nil {
		return nil, err
	}
	im := &importer{l: l, ctx: ctx, filesDir: filesDir, progress: progress,
		rep:  &ImportReport{DryRun: dryRun, Errors: []LineError{}},
		good: map[int]string{}, seenID: map[string]int{}, batchFiles: map[string][]catalog.File{}}
	if err := read(br, im.validate, im.reject); err != nil {
		return im.rep, err
	}
	if _, err := io.Copy(io.Discard, br); err != nil { // finish the spool
		return im.rep, fmt.Errorf("import: %w", err)
	}
	if dryRun || len(im.good) == 0 {
		return im.rep, nil
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return im.rep, fmt.Errorf("import: rewind: %w", err)
	}
	progress(ImportProgress{Phase: "writing", Total: len(im.good)})
	if err := read(bufio.NewReaderSize(rs, 1<<16), im.write, func(int, string) {}); err != nil {
		return im.rep, err
	}
	im.flush()
	return im.rep, im.werr
}

// spool returns what to read the first pass from and what to seek back
// to for the second: r itself when it can seek, else a temporary file
// that the first pass fills. done removes the file.
func spool(r io.Reader) (io.Reader, io.ReadSeeker, func(), error) {
	if seeker, ok := r.(io.ReadSeeker); ok {
		return r, seeker, func() {}, nil
	}
	f, err := os.CreateTemp("", "safelib-import-*")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("import: spool: %w", err)
	}
	done := func() {
		f.Close()
		os.Remove(f.Name())
	}
	return io.TeeReader(r, f), f, done, nil
}

// rowReader reads the rows of an import, calling accept with each
// record and reject with each line it can't read.
type rowReader func(*bufio.Reader, func(int, Record), func(int, string)) error

// importFormat is the reader of format, found from the first bytes when
// format is "".
func importFormat(br *bufio.Reader, format string) (rowReader, error) {
	if format == "" {
		peek, _ := br.Peek(512)
		if bytes.HasPrefix(bytes.TrimLeft(peek, " \t\r\n\ufeff"), []byte("{")) {
			format = "jsonl"
		} else {
			format = "csv"
		}
	}
	switch format {
	case "jsonl":
		return readJSONL, nil
	case "csv":
		return readCSV, nil
	}
	return nil, catalog.Errorf(catalog.Invalid, "unknown format %q (want jsonl or csv)", format)
}

// importer is one import's state across its two passes.
type importer struct {
	l          *Library
	ctx        context.Context
	filesDir   string // where the files lines name are ("": leave them)
	progress   func(ImportProgress)
	rep        *ImportReport
	good       map[int]string // line -> id of each valid row
	seenID     map[string]int // id -> line
	batch      []*catalog.Resource
	batchFiles map[string][]catalog.File // id -> files of the batch's rows
	written    int                       // valid rows written
	werr       error                     // the second pass's first error
}

// resource is rec as a prepared resource, with id (or a new one).
func (im *importer) resource(rec Record, id string) (*catalog.Resource, error) {
	res := rec.Resource()
	if res.Source == "" {
		res.Source = "import"
	}
	if id != "" {
		res.ID = id
	} else if err := im.l.assignID(im.ctx, res, im.seenID); err != nil {
		return nil, err
	}
	return res, im.l.prepare(res)
}

// validate is the first pass over one row.
func (im *importer) validate(line int, rec Record) {
	im.rep.Rows++
	im.progress(ImportProgress{Phase: "checking", Done: im.rep.Rows})
	res, err := im.resource(rec, "")
	if err != nil {
		im.rep.Errors = append(im.rep.Errors, LineError{Line: line, ID: rec.ID, Reason: strings.ReplaceAll(err.Error(), "\n", "; ")})
		return
	}
	if prev, ok := im.seenID[res.ID]; ok {
		im.rep.Errors = append(im.rep.Errors, LineError{Line: line, ID: res.ID, Reason: fmt.Sprintf("duplicate id (also on line %d)", prev)})
		return
	}
	if err := im.l.checkImportFiles(rec, im.filesDir); err != nil {
		im.rep.Errors = append(im.rep.Errors, LineError{Line: line, ID: res.ID, Reason: err.Error()})
		return
	}
	im.seenID[res.ID] = line
	im.good[line] = res.ID
}

// reject counts a line the first pass could not read.
func (im *importer) reject(line int, reason string) {
	im.rep.Rows++
	im.rep.Errors = append(im.rep.Errors, LineError{Line: line, Reason: reason})
}

// write is the second pass over one row: good rows go in batches.
func (im *importer) write(line int, rec Record) {
	id, ok := im.good[line]
	if !ok || im.werr != nil {
		return
	}
	res, err := im.resource(rec, id)
	if err != nil {
		im.werr = fmt.Errorf("line %d changed between passes: %w", line, err)
		return
	}
	im.batch = append(im.batch, res)
	if im.filesDir != "" && len(rec.Versions) > 0 {
		im.batchFiles[res.ID] = rec.files()
	}
	if len(im.batch) == importBatch {
		im.flush()
	}
}

// flush writes the batch's files, then its rows with their file rows in
// one transaction.
func (im *importer) flush() {
	if im.werr != nil || len(im.batch) == 0 {
		return
	}
	if im.werr = im.l.keepPages(im.ctx, im.batch); im.werr != nil {
		return
	}
	// The files first: if the rows fail, they are harmless orphans.
	if im.werr = im.l.importBlobs(im.batchFiles, im.filesDir); im.werr != nil {
		return
	}
	// The rows and their file rows in one transaction.
	st, err := im.l.upsert(im.ctx, im.batch, im.batchFiles)
	im.rep.Inserted += st.Inserted
	im.rep.Updated += st.Updated
	im.rep.Unchanged += st.Unchanged
	im.werr = err
	if im.werr == nil {
		im.written += len(im.batch)
		im.progress(ImportProgress{Phase: "writing", Done: im.written, Total: len(im.good)})
	}
	im.batch = im.batch[:0]
	clear(im.batchFiles)
}

// importBatch is how many rows one transaction of an import writes.
const importBatch = 1000

func readJSONL(r *bufio.Reader, accept func(int, Record), reject func(int, string)) error {
	sc := bufio.NewScanner(r)
	// A line holds the body and, for a PDF, its pages too.
	sc.Buffer(make([]byte, 0, 1<<20), 2*catalog.MaxBody+(1<<20))
	line := 0
	for sc.Scan() {
		line++
		if line > MaxImportRows {
			return catalog.Errorf(catalog.Invalid, "more than %d rows", MaxImportRows)
		}
		b := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			b = bytes.TrimPrefix(b, []byte("\ufeff"))
		}
		if len(b) == 0 {
			continue
		}
		var rec Record
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&rec); err != nil {
			reject(line, "not a valid resource object: "+err.Error())
			continue
		}
		accept(line, rec)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return catalog.Errorf(catalog.Invalid, "line %d is too long", line+1)
		}
		return fmt.Errorf("read import: %w", err)
	}
	return nil
}

func readCSV(r *bufio.Reader, accept func(int, Record), reject func(int, string)) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return catalog.Errorf(catalog.Invalid, "CSV header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range csvColumns {
			known = known || c == h
		}
		if !known {
			return catalog.Errorf(catalog.Invalid, "CSV header: unknown column %q (known: %s)", h, strings.Join(csvColumns, ", "))
		}
		col[h] = i
	}
	if _, ok := col["title"]; !ok {
		return catalog.Errorf(catalog.Invalid, "CSV header: a title column is required")
	}
	rows := 0
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				reject(pe.StartLine, "malformed CSV: "+pe.Err.Error())
				continue
			}
			return fmt.Errorf("read import: %w", err)
		}
		line, _ := cr.FieldPos(0)
		rows++
		if rows > MaxImportRows {
			return catalog.Errorf(catalog.Invalid, "more than %d rows", MaxImportRows)
		}
		if len(row) != len(header) {
			reject(line, fmt.Sprintf("has %d fields, the header has %d", len(row), len(header)))
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return row[i]
			}
			return ""
		}
		split := func(name string) []string {
			var out []string
			for _, t := range strings.Split(get(name), ";") {
				if t = strings.TrimSpace(t); t != "" {
					out = append(out, t)
				}
			}
			return out
		}
		themes := split("themes")
		accept(line, Record{
			ResourceFields: ResourceFields{ID: get("id"), Title: get("title"), URL: get("url"), Publisher: get("publisher"),
				Type: get("type"), Themes: themes, Published: get("published"), Area: get("area"), Region: get("region"),
				Summary: get("summary"), Access: get("access")},
			Body: get("body"), Source: get("source"),
			Status: get("status"), Sport: get("sport"), Phone: get("phone"), Email: get("email"),
			LastVerified: get("last_verified"), LastReviewed: get("last_reviewed"),
			MachineThemes: split("machine_themes"),
		})
	}
}

// keepPages gives rows without pages the stored per-page text of the
// resource they replace when its body is unchanged, so importing a CSV
// (which has no pages) or an older export doesn't lose a PDF's pages.
func (l *Library) keepPages(ctx context.Context, rs []*catalog.Resource) error {
	var ids []string
	for _, r := range rs {
		if len(r.Pages) == 0 {
			ids = append(ids, r.ID)
		}
	}
	byID, err := l.st.PagedBodies(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if old := byID[r.ID]; old != nil && len(r.Pages) == 0 && old.Body == r.Body {
			r.Pages, r.Slides = old.Pages, old.Slides
		}
	}
	return nil
}
