package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"safelib/internal/catalog"
	"safelib/internal/extract"
)

// Files the library holds (issue 12): staff upload a document with its
// metadata, or a new version of one. The bytes are checked first (a
// document type the library holds, sniffed by content and agreeing with
// the name; within the size limit; readable, not encrypted), then written
// content-addressed under DATA/files/ (temp file, fsync, rename, fsync of
// the directory), and only then is the row that names them committed,
// with the resource's new text, in one transaction. A crash leaves either
// the whole new version or none: a file that no row names is an orphan,
// harmless, reported by Check.

// fileStore keeps blobs under dir: dir/ab/abcdef... (the SHA-256 in hex),
// with dir/tmp for uploads being written.
type fileStore struct{ dir string }

// SetFilesDir keeps held files under dir (Open sets DATA/files). Without
// it, uploads answer that the library holds no files.
func (l *Library) SetFilesDir(dir string) { l.files = &fileStore{dir: dir} }

// SetMaxUpload sets the largest upload taken, in bytes (serve's
// --max-upload); at most, and by default, catalog.MaxUpload.
func (l *Library) SetMaxUpload(n int64) {
	if n <= 0 || n > catalog.MaxUpload {
		n = catalog.MaxUpload
	}
	l.maxUpload.Store(n)
}

// MaxUpload is the largest upload taken, in bytes.
func (l *Library) MaxUpload() int64 {
	if n := l.maxUpload.Load(); n > 0 {
		return n
	}
	return catalog.MaxUpload
}

func (fs *fileStore) path(sum string) string { return filepath.Join(fs.dir, sum[:2], sum) }

// errNoFiles: the library was wired without a files directory.
var errNoFiles = catalog.Errorf(catalog.Unavailable, "this library holds no files (no files directory)")

// put writes data as the blob named by its SHA-256 (sum), synced to disk
// before it is visible under its name. A blob already there with that
// name is kept: the content is the same.
func (fs *fileStore) put(data []byte, sum string) error {
	final := fs.path(sum)
	if st, err := os.Stat(final); err == nil && st.Size() == int64(len(data)) {
		return nil
	}
	tmpDir := filepath.Join(fs.dir, "tmp")
	if err := os.MkdirAll(tmpDir, 0o750); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	f, err := os.CreateTemp(tmpDir, "upload-*")
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("files: write %s: %w", sum, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("files: sync %s: %w", sum, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("files: close %s: %w", sum, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("files: %w", err)
	}
	ok = true
	return syncDir(filepath.Dir(final))
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("files: sync %s: %w", dir, err)
	}
	return nil
}

// Upload is a file as it came from staff.
type Upload struct {
	// Name is the file name the browser or client sent.
	Name string
	// Data is the content; at most MaxUpload bytes are read, and more is
	// catalog.TooLarge.
	Data io.Reader
}

// heldUpload is an upload checked and read: its text, its file row (not
// yet numbered) and its bytes.
type heldUpload struct {
	page *FetchedPage
	file catalog.File
	data []byte
}

// readUpload reads and checks up: size, document type by content, name,
// and that its text can be read. Nothing is written.
func readUpload(ctx context.Context, up Upload, limit int64) (*heldUpload, error) {
	if up.Data == nil {
		return nil, fieldError("file", "is required: choose the document to upload")
	}
	data, err := io.ReadAll(io.LimitReader(up.Data, limit+1))
	if err != nil {
		var mb interface{ MaxBytesLimit() int64 }
		if errors.As(err, &mb) || strings.Contains(err.Error(), "too large") {
			return nil, TooLarge(limit)
		}
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, TooLarge(limit)
	}
	if len(data) == 0 {
		return nil, fieldError("file", "is empty")
	}
	p, err := extract.Document(ctx, data, "application/octet-stream", "")
	if err != nil {
		return nil, uploadError(err, limit)
	}
	t, ok := catalog.DocumentTypes[p.ContentType]
	if !ok {
		return nil, catalog.Errorf(catalog.Unsupported, "the file is %s; the library holds only %s",
			catalog.DescribeType(p.ContentType), catalog.HeldTypes)
	}
	name, err := catalog.UploadName(up.Name, p.ContentType)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	h := &heldUpload{
		page: &FetchedPage{Title: p.Title, Summary: p.Summary, Text: p.Text, Published: p.Published,
			ContentType: p.ContentType},
		file: catalog.File{Name: name, Size: int64(len(data)), ContentType: t.MediaType, SHA256: hex.EncodeToString(sum[:])},
		data: data,
	}
	if p.ContentType == extract.TypePDF || p.Slides {
		h.page.Pages, h.page.Slides = p.Pages, p.Slides
	}
	if p.NoText != "" {
		// A legacy format whose text is not read (Word 6/95, Excel
		// 97-2003): kept with its properties, and staff told why, as the
		// crawler records it.
		h.file.TextNote = KeptWithoutText + p.NoText
	}
	return h, nil
}

// KeptWithoutText starts the reason a document was kept without its text,
// as the crawl history and the staff pages say it.
const KeptWithoutText = "kept without text: "

// TooLarge is the error of an upload over limit bytes.
func TooLarge(limit int64) error {
	return catalog.Errorf(catalog.TooLarge, "the file is larger than %s, the most the library takes", catalog.SizeText(limit))
}

// uploadError turns an extraction failure into a message for staff.
func uploadError(err error, limit int64) error {
	reason := strings.TrimPrefix(err.Error(), "extract: ")
	switch {
	case errors.Is(err, extract.ErrTooLarge):
		return TooLarge(limit)
	case errors.Is(err, extract.ErrEncrypted):
		return catalog.Errorf(catalog.Invalid, "the document is password-protected or encrypted, so its text can't be read: upload a copy saved without a password")
	case errors.Is(err, extract.ErrUnsupported):
		return catalog.Errorf(catalog.Unsupported, "not a document the library holds (%s): %s", catalog.HeldTypes, reason)
	case errors.Is(err, extract.ErrOffice), errors.Is(err, extract.ErrPDF):
		return catalog.Errorf(catalog.Invalid, "the document can't be read: %s", reason)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return catalog.Errorf(catalog.Invalid, "the document can't be read: %s", reason)
}

// UploadResource adds a new resource holding an uploaded file: the fields
// staff gave in r win, and those left empty are filled from the document
// as add-a-link does (title, summary, date, themes suggested by the
// tagger). Its text is the file's. Staff only.
func (l *Library) UploadResource(ctx context.Context, rd catalog.Reader, r *catalog.Resource, up Upload) (*catalog.Resource, error) {
	if rd.Role == "" {
		return nil, catalog.Errorf(catalog.Unauthorized, "only staff upload documents")
	}
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff upload documents")
	}
	if l.files == nil {
		return nil, errNoFiles
	}
	h, err := readUpload(ctx, up, l.MaxUpload())
	if err != nil {
		return nil, err
	}
	r = clone(r)
	r.ID, r.Body, r.Pages, r.Slides, r.Status = "", "", nil, false, catalog.StatusActive
	if r.Source == "" {
		r.Source = SourceCurated
	}
	if _, err := l.draftFromPage(ctx, h.page, r); err != nil {
		return nil, err
	}
	if strings.TrimSpace(r.Title) == "" {
		r.Title = titleFromURL("file:///" + h.file.Name)
	}
	h.file.Published = r.Published
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	if old, err := l.existing(ctx, r.URL); err == nil {
		return nil, &ExistsError{Resource: old}
	} else if !errors.Is(err, catalog.ErrNotFound) {
		return nil, err
	}
	if err := l.assignID(ctx, r, nil); err != nil {
		return nil, err
	}
	if err := l.prepare(r); err != nil {
		return nil, err
	}
	r.MachineThemes = without(r.MachineThemes, r.Themes)
	h.file.Added = l.now().UTC()
	h.file.Label = catalog.VersionLabel(1, h.file.Published, h.file.Added)
	if err := l.files.put(h.data, h.file.SHA256); err != nil {
		return nil, err
	}
	audit := auditEntry(rd, ActionCreate, r.ID, Diff(&catalog.Resource{}, r), map[string]string{
		"version": "1", "file": h.file.Name, "sha256": h.file.SHA256, "file_version": "1"})
	if err := l.st.InsertResourceWithFile(ctx, r, &h.file, audit); err != nil {
		return nil, err
	}
	if _, err := l.drainPending(ctx, nil); err != nil {
		return r, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return r, nil
}

// ActionFile is the audit action of a new file version.
const ActionFile = "resource.file"

// AddFileVersion makes an uploaded file the newest version of resource
// id: the resource's text (and so what search finds) becomes the file's,
// and its date the version's when one is given or the document has one.
// label defaults to "V<n> <date>". Earlier files stay, listed and
// downloadable. Staff only.
func (l *Library) AddFileVersion(ctx context.Context, rd catalog.Reader, id string, up Upload, label, published string) (*catalog.Resource, error) {
	if rd.Role == "" {
		return nil, catalog.Errorf(catalog.Unauthorized, "only staff upload documents")
	}
	if !rd.IsStaff() {
		return nil, catalog.Errorf(catalog.Forbidden, "only staff upload documents")
	}
	if l.files == nil {
		return nil, errNoFiles
	}
	if !catalog.ValidID(id) {
		return nil, catalog.ErrNotFound
	}
	label = strings.Join(strings.Fields(label), " ")
	if len(label) > catalog.MaxLabel {
		return nil, fieldError("label", fmt.Sprintf("is longer than %d characters", catalog.MaxLabel))
	}
	date, err := catalog.ParseDate(published)
	if err != nil {
		return nil, fieldError("published", err.Error())
	}
	if _, err := l.st.GetResource(ctx, id); err != nil {
		return nil, err
	}
	h, err := readUpload(ctx, up, l.MaxUpload())
	if err != nil {
		return nil, err
	}
	if date == "" {
		date, _ = catalog.ParseDate(h.page.Published)
	}
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	old, err := l.st.GetResource(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := l.st.LoadTexts(ctx, []*catalog.Resource{old}); err != nil {
		return nil, err
	}
	r := clone(old)
	setFileText(r, h.page)
	if date != "" {
		r.Published = date
	}
	if err := l.prepare(r); err != nil {
		return nil, err
	}
	r.Version = 0
	h.file.Label, h.file.Published, h.file.Added = label, date, l.now().UTC()
	if err := l.files.put(h.data, h.file.SHA256); err != nil {
		return nil, err
	}
	audit := auditEntry(rd, ActionFile, r.ID, Diff(old, r), map[string]string{"file": h.file.Name, "sha256": h.file.SHA256})
	if err := l.st.AddResourceFile(ctx, r, &h.file, audit); err != nil {
		return nil, err
	}
	audit.Details["file_version"] = strconv.Itoa(h.file.Version)
	if _, err := l.drainPending(ctx, nil); err != nil {
		return r, catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w", err)
	}
	return r, nil
}

// HeldFile is one file of a resource, opened for reading.
type HeldFile struct {
	catalog.File
	// Private says no shared cache may keep it: the resource is
	// members-only, or withdrawn (served to staff only).
	Private bool
	// Content reads the bytes; the caller closes it.
	Content *os.File
}

// OpenFile opens version n (0: the current one) of the file resource id
// holds, for rd. The access check is here, the one seam: a members-only
// file to a reader without a live membership is catalog.Forbidden (the
// handler then offers sign-in or renewal); a withdrawn item's file is not
// found except for staff, like the item.
func (l *Library) OpenFile(ctx context.Context, rd catalog.Reader, id string, n int) (*HeldFile, error) {
	v, err := l.Resource(ctx, rd, id)
	if err != nil {
		return nil, err
	}
	if v.Teaser {
		return nil, catalog.Errorf(catalog.Forbidden, "this document is for members")
	}
	if l.files == nil {
		return nil, catalog.ErrNotFound
	}
	// Every version, withdrawn ones too (the view lists those to staff
	// only), so that a withdrawn one answers that it was withdrawn.
	all, err := l.st.ResourceFiles(ctx, id)
	if err != nil {
		return nil, err
	}
	cur := catalog.CurrentFile(all)
	if cur < 0 {
		return nil, catalog.ErrNotFound
	}
	f := all[cur]
	if n != 0 {
		if n < 1 || n > len(all) || all[n-1].Version != n {
			return nil, catalog.ErrNotFound
		}
		f = all[n-1]
	}
	if !f.Withdrawn.IsZero() {
		return nil, catalog.Errorf(catalog.Gone, "version %d (%s) was withdrawn by staff on %s and is no longer available; the current version is %s",
			f.Version, f.Label, f.Withdrawn.Format("2 January 2006"), all[cur].Label)
	}
	c, err := os.Open(l.files.path(f.SHA256))
	if err != nil {
		return nil, fmt.Errorf("file %d of %q (%s): %w", f.Version, id, f.SHA256, err)
	}
	private := v.Resource.Access != catalog.Public || v.Resource.Status != catalog.StatusActive
	return &HeldFile{File: f, Private: private, Content: c}, nil
}

// FileCheck is what checking the held files against their hashes found.
type FileCheck struct {
	Files int `json:"files"` // file rows in the database
	// Missing and Changed name blobs ("resource-id v2 sha256") that are
	// absent, or whose content no longer has their hash.
	Missing []string `json:"files_missing"`
	Changed []string `json:"files_changed"`
	// Orphans are blobs on disk that no row names (left by a crash during
	// an upload, or by a removed item): harmless.
	Orphans int `json:"files_orphaned"`
}

// checkFiles hashes every held file (each blob once).
func (l *Library) checkFiles(ctx context.Context) (FileCheck, error) {
	fc := FileCheck{Missing: []string{}, Changed: []string{}}
	rows, err := l.st.HeldFiles(ctx)
	if err != nil {
		return fc, err
	}
	fc.Files = len(rows)
	if l.files == nil {
		for _, r := range rows {
			fc.Missing = append(fc.Missing, fmt.Sprintf("%s v%d %s", r.ResourceID, r.Version, r.SHA256))
		}
		return fc, nil
	}
	state := map[string]string{} // sha256 -> "", "missing", "changed"
	for _, r := range rows {
		if err := ctx.Err(); err != nil {
			return fc, err
		}
		s, seen := state[r.SHA256]
		if !seen {
			s = blobState(l.files.path(r.SHA256), r.SHA256)
			state[r.SHA256] = s
		}
		what := fmt.Sprintf("%s v%d %s", r.ResourceID, r.Version, r.SHA256)
		switch s {
		case "missing":
			fc.Missing = append(fc.Missing, what)
		case "changed":
			fc.Changed = append(fc.Changed, what)
		}
	}
	blobs, err := l.files.list()
	if err != nil {
		return fc, err
	}
	for _, sum := range blobs {
		if _, ok := state[sum]; !ok {
			fc.Orphans++
		}
	}
	return fc, nil
}

// blobState says whether the blob at path is there with hash sum.
func blobState(path, sum string) string {
	got, err := hashFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "missing"
	}
	if err != nil || got != sum {
		return "changed"
	}
	return ""
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// list returns the names of the blobs on disk.
func (fs *fileStore) list() ([]string, error) {
	dirs, err := os.ReadDir(fs.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	var out []string
	for _, d := range dirs {
		if !d.IsDir() || len(d.Name()) != 2 {
			continue
		}
		names, err := os.ReadDir(filepath.Join(fs.dir, d.Name()))
		if err != nil {
			return nil, fmt.Errorf("files: %w", err)
		}
		for _, n := range names {
			if len(n.Name()) == 64 && strings.HasPrefix(n.Name(), d.Name()) {
				out = append(out, n.Name())
			}
		}
	}
	return out, nil
}

// copyBlob copies the blob sum from srcPath to dstPath, checking its hash
// as it goes and syncing it before it appears under its name; a blob
// already at dstPath is kept (the content is the same). It returns the
// bytes copied.
func copyBlob(srcPath, dstPath, sum string) (int64, error) {
	if st, err := os.Stat(dstPath); err == nil && st.Size() > 0 {
		return 0, nil
	}
	in, err := os.Open(srcPath)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	var buf bytes.Buffer
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(&buf, h), io.LimitReader(in, catalog.MaxUpload+1))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", srcPath, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return 0, fmt.Errorf("%s does not have the hash %s (changed or damaged)", srcPath, sum)
	}
	if err := os.MkdirAll(filepath.Dir(dstPath), 0o750); err != nil {
		return 0, err
	}
	tmp := dstPath + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o640); err != nil {
		return 0, err
	}
	f, err := os.Open(tmp)
	if err == nil {
		err = f.Sync()
		f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, dstPath)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return n, nil
}
