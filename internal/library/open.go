package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"safelib/index"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

// ErrInUse is returned when another process owns the data directory.
var ErrInUse = errors.New("data directory in use")

// Handle is an open data directory: its lock, store, index and library.
type Handle struct {
	*Library
	dir     string
	lock    *os.File
	rebuilt bool // Open rebuilt the index (it was missing, unreadable or of an older mapping)
}

// Rebuilt reports whether Open rebuilt the index from the store.
func (h *Handle) Rebuilt() bool { return h.rebuilt }

// Store returns the open store, for the command that wires the services
// whose tables carry no resource text (auth, crawl state, link runs).
// Only cmd holds a Handle; web and crawl are given the Library.
func (h *Handle) Store() *store.Store { return h.st }

// OpenOptions tune Open.
type OpenOptions struct {
	// Seed loads the embedded default library into an empty store.
	Seed bool
	// Progress, when not nil, hears about a rebuild's progress.
	Progress func(done, total int)
	// WarmIndex has the index read what facets and sorts need in the
	// background at start and after each write (for serve).
	WarmIndex bool
	// YieldToSearches has index writes give way to searches waiting for a
	// turn (for serve: imports and crawls slow down, searches don't).
	YieldToSearches bool
}

// Open locks dir (creating it), opens the store and the index, rebuilds
// the index when it is missing, corrupt or of an older mapping version,
// heals writes a crash interrupted, and optionally seeds an empty store.
func Open(ctx context.Context, dir string, tax *taxonomy.Taxonomy, log *slog.Logger, opt OpenOptions) (*Handle, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	h := &Handle{dir: dir, lock: lock}
	ok := false
	defer func() {
		if !ok {
			h.Close()
		}
	}()
	st, err := store.Open(ctx, filepath.Join(dir, "safelib.db"))
	if err != nil {
		return nil, err
	}
	idxDir := filepath.Join(dir, "index")
	opts := index.Options{Synonyms: tax.SynonymMap(), Warm: opt.WarmIndex, YieldToSearches: opt.YieldToSearches}
	ix, err := index.Open(idxDir, opts)
	rebuild := false
	if errors.Is(err, index.ErrNeedsRebuild) {
		log.Warn("index needs a rebuild", "reason", err)
		if err := os.RemoveAll(idxDir); err != nil {
			st.Close()
			return nil, fmt.Errorf("remove old index: %w", err)
		}
		ix, err = index.Open(idxDir, opts)
		rebuild = true
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open index: %w", err)
	}
	h.Library = New(st, ix, tax, log)
	h.SetFilesDir(filepath.Join(dir, "files"))
	// Uploads a crash interrupted left their temp files; no row names them.
	if err := os.RemoveAll(filepath.Join(dir, "files", "tmp")); err != nil {
		log.Warn("could not remove unfinished uploads", "err", err)
	}
	if rebuild {
		if err := h.Rebuild(ctx, opt.Progress); err != nil {
			return nil, err
		}
		h.rebuilt = true
	} else if n, err := h.Heal(ctx); err != nil {
		return nil, fmt.Errorf("heal index: %w", err)
	} else if n > 0 {
		log.Info("indexed writes left pending", "resources", n)
	}
	if opt.Seed {
		if _, err := h.SeedIfEmpty(ctx); err != nil {
			return nil, err
		}
	}
	ok = true
	return h, nil
}

// OpenAccounts opens only the database of dir, without the lock and
// without the index, for commands that touch accounts, organisations and
// tokens while serve runs (SQLite's WAL lets both write; each write is a
// short transaction, and busy_timeout waits out the other's). The Handle's
// Library must not be asked to search or write resources: it has no index.
func OpenAccounts(ctx context.Context, dir string, tax *taxonomy.Taxonomy, log *slog.Logger) (*Handle, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "safelib.db"))
	if err != nil {
		return nil, err
	}
	return &Handle{Library: New(st, nil, tax, log), dir: dir}, nil
}

// Dir returns the data directory.
func (h *Handle) Dir() string { return h.dir }

// Close closes the index, then the store, then releases the lock.
func (h *Handle) Close() error {
	var errs []error
	if h.Library != nil {
		if h.ix != nil {
			if err := h.ix.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close index: %w", err))
			}
		}
		if err := h.st.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
	}
	if h.lock != nil {
		syscall.Flock(int(h.lock.Fd()), syscall.LOCK_UN)
		h.lock.Close()
	}
	return errors.Join(errs...)
}

// lockDir takes an exclusive advisory lock on dir/safelib.lock and writes
// our PID into it. The kernel drops the lock when the process dies, so a
// crash never leaves the directory locked.
func lockDir(dir string) (*os.File, error) {
	name := filepath.Join(dir, "safelib.lock")
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		b, _ := os.ReadFile(name)
		f.Close()
		pid := strings.TrimSpace(string(b))
		if _, perr := strconv.Atoi(pid); perr != nil {
			pid = "unknown"
		}
		return nil, fmt.Errorf("%w: %s is in use by PID %s: this command needs the search index, which one process holds at a time (stop that process, or use another --data; user, org, token and feed-token commands work while serve runs)", ErrInUse, dir, pid)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// Ping checks the store answers, for health checks.
func (l *Library) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return l.st.Ping(ctx)
}

// RebuildIndex throws the index away and rebuilds it from the store.
func (h *Handle) RebuildIndex(ctx context.Context, progress func(done, total int)) error {
	h.writeMu.Lock()
	idxDir := filepath.Join(h.dir, "index")
	if err := h.ix.Close(); err != nil {
		h.log.Warn("close index before rebuild", "err", err)
	}
	if err := os.RemoveAll(idxDir); err != nil {
		h.writeMu.Unlock()
		return fmt.Errorf("remove index: %w", err)
	}
	ix, err := index.Open(idxDir, index.Options{Synonyms: h.tax.SynonymMap()})
	if err != nil {
		h.writeMu.Unlock()
		return fmt.Errorf("create index: %w", err)
	}
	h.ix = ix
	h.writeMu.Unlock()
	return h.Rebuild(ctx, progress)
}
