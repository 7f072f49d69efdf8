package library

import (
	"context"
	"fmt"
	"os"
	"sort"
	"time"
)

// OrphanMinAge is how old an orphaned blob must be before RemoveOrphans
// removes it: an upload writes its blob (synced) before the row naming it
// commits, so a young blob may be one whose row is about to appear.
const OrphanMinAge = time.Hour

// RemovedBlob is an orphaned blob RemoveOrphans deleted.
type RemovedBlob struct {
	SHA256 string    `json:"sha256"`
	Size   int64     `json:"size"`
	Mod    time.Time `json:"modified"`
}

// RemoveOrphans deletes the held-file blobs no file row names (every
// version's row counts, a withdrawn version's too) that were last written
// more than minAge ago (OrphanMinAge when minAge is less), and returns what
// it removed, by hash. Uploads wait for it (it holds the write lock), and
// the set of names is read inside that lock, so a blob a row commits
// meanwhile is never taken for an orphan.
func (l *Library) RemoveOrphans(ctx context.Context, minAge time.Duration) ([]RemovedBlob, error) {
	if l.files == nil {
		return nil, nil
	}
	minAge = max(minAge, OrphanMinAge)
	l.writeMu.Lock()
	defer l.writeMu.Unlock()
	rows, err := l.st.HeldFiles(ctx)
	if err != nil {
		return nil, err
	}
	named := make(map[string]bool, len(rows))
	for _, r := range rows {
		named[r.SHA256] = true
	}
	blobs, err := l.files.list()
	if err != nil {
		return nil, err
	}
	sort.Strings(blobs)
	cutoff := l.now().Add(-minAge)
	removed := []RemovedBlob{}
	for _, sum := range blobs {
		if named[sum] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		p := l.files.path(sum)
		st, err := os.Stat(p)
		if err != nil {
			return removed, fmt.Errorf("files: %w", err)
		}
		if st.ModTime().After(cutoff) {
			l.log.Info("orphaned file kept: written too recently to be sure no upload is about to name it", "sha256", sum, "modified", st.ModTime())
			continue
		}
		if err := os.Remove(p); err != nil {
			return removed, fmt.Errorf("files: remove orphan %s: %w", sum, err)
		}
		removed = append(removed, RemovedBlob{SHA256: sum, Size: st.Size(), Mod: st.ModTime().UTC()})
	}
	return removed, nil
}
