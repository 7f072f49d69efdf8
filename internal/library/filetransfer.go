package library

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"safelib/internal/catalog"
	"safelib/internal/store"
)

// Held files in exports, imports, backups and restores: a JSONL line names
// each version's bytes by SHA-256, and a directory beside the export (or
// the backup) holds them flat, as DIR/<sha256>, so the two together are
// the whole library and a round trip is exact.

// FileRecord is a held file in an export line.
type FileRecord struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
}

// VersionRecord is one version of a held file in an export line.
type VersionRecord struct {
	Label     string     `json:"label"`
	Published string     `json:"published"`
	Added     time.Time  `json:"added"`
	File      FileRecord `json:"file"`
	// Withdrawn is when staff withdrew the version (absent: served).
	Withdrawn *time.Time `json:"withdrawn,omitempty"`
	// TextNote says why the version gave no text (absent: it did).
	TextNote string `json:"text_note,omitempty"`
}

func fileRecords(fs []catalog.File) (*FileRecord, []VersionRecord) {
	if len(fs) == 0 {
		return nil, nil
	}
	vs := make([]VersionRecord, len(fs))
	for i, f := range fs {
		vs[i] = VersionRecord{Label: f.Label, Published: string(f.Published), Added: f.Added.UTC(),
			File: FileRecord{Name: f.Name, Size: f.Size, ContentType: f.ContentType, SHA256: f.SHA256}, TextNote: f.TextNote}
		if !f.Withdrawn.IsZero() {
			w := f.Withdrawn.UTC()
			vs[i].Withdrawn = &w
		}
	}
	c := catalog.CurrentFile(fs)
	if c < 0 {
		return nil, vs
	}
	cur := vs[c].File
	return &cur, vs
}

// files converts the record's versions back, numbered from 1.
func (rec Record) files() []catalog.File {
	out := make([]catalog.File, len(rec.Versions))
	for i, v := range rec.Versions {
		out[i] = catalog.File{Version: i + 1, Label: v.Label, Published: catalog.Date(v.Published), Name: v.File.Name,
			Size: v.File.Size, ContentType: v.File.ContentType, SHA256: v.File.SHA256, Added: v.Added, TextNote: v.TextNote}
		if v.Withdrawn != nil {
			out[i].Withdrawn = *v.Withdrawn
		}
	}
	return out
}

// exportFiles loads the files of rs and, when dir is not "", copies their
// bytes into dir.
func (l *Library) exportFiles(ctx context.Context, rs []*catalog.Resource, dir string) (map[string][]catalog.File, error) {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	files, err := l.st.FilesOf(ctx, ids)
	if err != nil || dir == "" || len(files) == 0 {
		return files, err
	}
	if l.files == nil {
		return nil, errNoFiles
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("export files: %w", err)
	}
	for id, fs := range files {
		for _, f := range fs {
			if _, err := copyBlob(l.files.path(f.SHA256), filepath.Join(dir, f.SHA256), f.SHA256); err != nil {
				return nil, fmt.Errorf("export file %d of %s: %w", f.Version, id, err)
			}
		}
	}
	return files, nil
}

// checkImportFiles checks that the files rec names are in dir (or already
// held) with the sizes it says.
func (l *Library) checkImportFiles(rec Record, dir string) error {
	if dir == "" || len(rec.Versions) == 0 {
		return nil
	}
	if l.files == nil {
		return errNoFiles
	}
	for i, f := range rec.files() {
		if len(f.SHA256) != 64 || f.Name == "" || f.ContentType == "" {
			return fmt.Errorf("version %d: a file needs name, content_type and a 64-digit sha256", i+1)
		}
		if _, ok := catalog.DocumentTypes[typeOfMedia(f.ContentType)]; !ok {
			return fmt.Errorf("version %d: %q is not a document type the library holds", i+1, f.ContentType)
		}
		st, err := os.Stat(filepath.Join(dir, f.SHA256))
		if err != nil {
			if st, err = os.Stat(l.files.path(f.SHA256)); err != nil {
				return fmt.Errorf("version %d: the file %s (%s) is not in %s", i+1, f.Name, f.SHA256, dir)
			}
		}
		if st.Size() != f.Size {
			return fmt.Errorf("version %d: the file %s is %d bytes, the line says %d", i+1, f.SHA256, st.Size(), f.Size)
		}
	}
	return nil
}

// typeOfMedia is the document type served as media type mt, or "".
func typeOfMedia(mt string) string {
	for k, t := range catalog.DocumentTypes {
		if t.MediaType == mt {
			return k
		}
	}
	return ""
}

// importBlobs copies the files of an import batch from dir into the
// library, each checked against its hash.
func (l *Library) importBlobs(files map[string][]catalog.File, dir string) error {
	for id, fs := range files {
		for _, f := range fs {
			dst := l.files.path(f.SHA256)
			if _, err := copyBlob(filepath.Join(dir, f.SHA256), dst, f.SHA256); err != nil {
				return fmt.Errorf("import file %d of %s: %w", f.Version, id, err)
			}
			if err := syncDir(filepath.Dir(dst)); err != nil {
				return err
			}
		}
	}
	return nil
}

// BackupFiles copies the files the backup database backupDB names into
// the directory backupDB+".files" (flat, by SHA-256), from the data
// directory dataDir, each checked against its hash. It works while serve
// runs: held files never change once written, and a file a later upload
// adds is not named by the snapshot. It returns how many files were
// copied (those already there are kept) and their bytes; a file that is
// missing or changed is an error naming it, after the others are copied.
func BackupFiles(ctx context.Context, dataDir, backupDB string) (int, int64, error) {
	rows, err := store.HeldFilesIn(ctx, backupDB)
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	fs := &fileStore{dir: filepath.Join(dataDir, "files")}
	dst := FilesDirOf(backupDB)
	if err := os.MkdirAll(dst, 0o750); err != nil {
		return 0, 0, fmt.Errorf("backup files: %w", err)
	}
	var n int
	var bytes int64
	var failed []string
	for _, r := range rows {
		if err := ctx.Err(); err != nil {
			return n, bytes, err
		}
		b, err := copyBlob(fs.path(r.SHA256), filepath.Join(dst, r.SHA256), r.SHA256)
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s v%d: %v", r.ResourceID, r.Version, err))
			continue
		}
		if b > 0 {
			n++
			bytes += b
		}
	}
	if err := syncDir(dst); err != nil {
		return n, bytes, err
	}
	if len(failed) > 0 {
		return n, bytes, fmt.Errorf("backed up the database, but %d held files could not be copied (run verify): %v", len(failed), failed)
	}
	return n, bytes, nil
}

// FilesDirOf is where the files of a backup or export at file are kept.
func FilesDirOf(file string) string { return file + ".files" }

// restoreFiles copies the files a restored database names from the
// backup's files directory into dataDir. Missing ones are left for the
// check after the restore to report.
func restoreFiles(ctx context.Context, dataDir, backupDB string) error {
	rows, err := store.HeldFilesIn(ctx, filepath.Join(dataDir, "safelib.db"))
	if err != nil || len(rows) == 0 {
		return err
	}
	fs := &fileStore{dir: filepath.Join(dataDir, "files")}
	src := FilesDirOf(backupDB)
	for _, r := range rows {
		if _, err := copyBlob(filepath.Join(src, r.SHA256), fs.path(r.SHA256), r.SHA256); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("restore file %d of %s: %w", r.Version, r.ResourceID, err)
		}
	}
	return nil
}
