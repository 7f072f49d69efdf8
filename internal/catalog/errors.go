package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Code says what kind of failure an error is. The web layer maps each code
// to one HTTP status (web/errors.go); nothing else turns errors into
// statuses.
type Code string

// The application's error codes.
const (
	// Invalid: the input is wrong; the message says how to put it right.
	Invalid Code = "invalid"
	// NotFound: there is nothing there, or nothing the reader may see (an
	// invisible record looks the same as a missing one).
	NotFound Code = "not found"
	// Conflict: the change clashes with what is stored (a taken id, an
	// edit of an older version).
	Conflict Code = "conflict"
	// Unauthorized: the reader must sign in (or present a valid token).
	Unauthorized Code = "unauthorized"
	// Forbidden: the reader is known and may not do this.
	Forbidden Code = "forbidden"
	// Unavailable: a part the request needs is not running or took too long.
	Unavailable Code = "unavailable"
	// NotIndexed: the change was saved, but the index could not follow; it
	// catches up at the next write or start.
	NotIndexed Code = "not indexed"
	// TooLarge: the input is over a size limit (an upload); nothing was kept.
	TooLarge Code = "too large"
	// Unsupported: the input is of a kind the library does not take (an
	// upload that is not one of the document types it holds).
	Unsupported Code = "unsupported"
	// Gone: it was there and staff withdrew it on purpose (a withdrawn
	// version of a held file); the message says what to have instead.
	Gone Code = "gone"
)

// label is how an error of each code starts when printed (kept from the
// sentinels these codes replace, so logs read as before).
var label = map[Code]string{
	Invalid:      "invalid input",
	NotFound:     "not found",
	Conflict:     "conflict",
	Unauthorized: "sign-in required",
	Forbidden:    "forbidden",
	Unavailable:  "unavailable",
	NotIndexed:   "not indexed",
	TooLarge:     "too large",
	Unsupported:  "unsupported type",
	Gone:         "gone",
}

// Error is the one application error type: a code for programs and a
// message for people. Err, when set, is the cause (for logs and errors.Is).
type Error struct {
	Code    Code
	Message string
	Err     error
}

// Errorf builds an Error whose message is the formatted text; a %w verb
// makes the wrapped error its cause.
func Errorf(code Code, format string, args ...any) *Error {
	w := fmt.Errorf(format, args...)
	e := &Error{Code: code, Message: w.Error()}
	if strings.Contains(format, "%w") {
		e.Err = w
	}
	return e
}

func (e *Error) Error() string {
	if e.Message == "" {
		return label[e.Code]
	}
	return label[e.Code] + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes every Error match the bare sentinel of its code, so
// errors.Is(err, catalog.ErrNotFound) asks "is this a not-found?".
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Code == e.Code
}

// Bare sentinels, one per code, for errors.Is and for answers that need
// no more words.
var (
	ErrInvalid      = &Error{Code: Invalid}
	ErrNotFound     = &Error{Code: NotFound}
	ErrConflict     = &Error{Code: Conflict}
	ErrUnauthorized = &Error{Code: Unauthorized}
	ErrForbidden    = &Error{Code: Forbidden}
	ErrUnavailable  = &Error{Code: Unavailable}
	ErrNotIndexed   = &Error{Code: NotIndexed}
	ErrGone         = &Error{Code: Gone}
)

// ErrorCode is the code of the first Error in err's chain. A context that
// ended is Unavailable; any other error has no code ("").
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Unavailable
	}
	return ""
}

// ErrorMessage is the message for people of the first Error in err's
// chain that has one ("" when none does).
func ErrorMessage(err error) string {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return ""
		}
		if e.Message != "" {
			return e.Message
		}
		err = e.Err
	}
	return ""
}
