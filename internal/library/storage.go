package library

import (
	"errors"
	"strings"
	"syscall"
)

// StorageFull reports whether err comes from a full disk (or an exhausted
// quota): SQLite's SQLITE_FULL, or ENOSPC from the index's files. Such a
// write failed whole (the transaction was rolled back) unless the error
// says the change was saved and only indexing failed; nothing is
// corrupted, and writes work again once there is room.
func StorageFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) && coded.Code()&0xff == sqliteFull {
		return true
	}
	// Bleve reports its write errors as text.
	msg := err.Error()
	return strings.Contains(msg, "no space left on device") || strings.Contains(msg, "database or disk is full") ||
		strings.Contains(msg, "disk quota exceeded")
}

// sqliteFull is SQLite's SQLITE_FULL result code.
const sqliteFull = 13
