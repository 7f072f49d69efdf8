package library

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"safelib/internal/catalog"
)

type codedErr int

func (e codedErr) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e codedErr) Code() int     { return int(e) }

func TestStorageFull(t *testing.T) {
	for _, tc := range []struct {
		err         error
		full, saved bool
	}{
		{nil, false, false},
		{errors.New("boom"), false, false},
		{fmt.Errorf("write: %w", &fs.PathError{Op: "write", Path: "/d/x", Err: syscall.ENOSPC}), true, false},
		{fmt.Errorf("commit: %w", codedErr(13)), true, false},
		{fmt.Errorf("commit: %w", codedErr(13|(3<<8))), true, false}, // an extended code of SQLITE_FULL
		{fmt.Errorf("commit: %w", codedErr(5)), false, false},        // SQLITE_BUSY
		{catalog.Errorf(catalog.NotIndexed, "saved, but indexing failed (will retry at next start): %w",
			errors.New("persist err: write /d/index/store/2.zap: no space left on device")), true, true},
		{errors.New("insert resource \"x\": database or disk is full (13)"), true, false},
		{fmt.Errorf("x: %w", syscall.EDQUOT), true, false},
	} {
		if got := StorageFull(tc.err); got != tc.full {
			t.Errorf("StorageFull(%v) = %v", tc.err, got)
		}
		if got := catalog.ErrorCode(tc.err) == catalog.NotIndexed; got != tc.saved {
			t.Errorf("ErrorCode(%v) == NotIndexed: %v", tc.err, got)
		}
	}
}
