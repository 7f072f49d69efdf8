package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/library"
)

// statuses is the one table from application error codes to HTTP
// statuses, with the detail said when the error's own message is not for
// the client ("" means the message is said).
var statuses = map[catalog.Code]struct {
	status int
	detail string
}{
	catalog.Invalid: {http.StatusBadRequest, ""},
	// An upload over the size limit, or of a type the library does not hold.
	catalog.TooLarge:    {http.StatusRequestEntityTooLarge, ""},
	catalog.Unsupported: {http.StatusUnsupportedMediaType, ""},
	catalog.Conflict:    {http.StatusConflict, ""},
	// Say no more: an item the reader may not see looks like a missing one.
	catalog.NotFound:     {http.StatusNotFound, "There is nothing at this address."},
	catalog.Forbidden:    {http.StatusForbidden, "You may not do this."},
	catalog.Unauthorized: {http.StatusUnauthorized, "Sign in first (or send a valid API token)."},
	catalog.Unavailable:  {http.StatusServiceUnavailable, "The request took too long. Please try again."},
	// Saved, but the index could not follow: a server-side failure.
	catalog.NotIndexed: {http.StatusInternalServerError, genericDetail(http.StatusInternalServerError)},
}

// statusOf maps an error to an HTTP status and the detail a client may see.
// It is the one place error codes become statuses. Anything unexpected is
// a 500 with a generic detail; the caller logs the error.
func statusOf(err error) (int, string) {
	if errors.Is(err, auth.ErrThrottled) {
		return http.StatusTooManyRequests, "Too many failed sign-ins. Please wait and try again."
	}
	code := catalog.ErrorCode(err)
	if library.StorageFull(err) && (code == "" || code == catalog.NotIndexed) {
		// The log has the details; the client learns it was not its fault
		// and whether its change was kept (library/storage.go).
		if code == catalog.NotIndexed {
			return http.StatusInsufficientStorage, "Saved, but the server's disk is full, so search will show the change only once there is room again."
		}
		return http.StatusInsufficientStorage, "The server's disk is full, so nothing was saved. Please try again later."
	}
	st, ok := statuses[code]
	if !ok {
		return http.StatusInternalServerError, ""
	}
	if st.detail != "" {
		return st.status, st.detail
	}
	return st.status, catalog.ErrorMessage(err)
}

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

// genericDetail is said when there is nothing more specific.
func genericDetail(status int) string {
	switch status {
	case http.StatusNotFound:
		return "There is nothing at this address."
	case http.StatusMethodNotAllowed:
		return "This address does not accept that method."
	case http.StatusInternalServerError:
		return "Something went wrong on our side. Please try again later."
	}
	return http.StatusText(status)
}

// writeProblem answers with an application/problem+json document.
func writeProblem(c *gin.Context, status int, detail string) {
	if detail == "" {
		detail = genericDetail(status)
	}
	b, err := json.Marshal(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
	if err != nil { // cannot happen for this struct
		c.Status(http.StatusInternalServerError)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "application/problem+json", b)
}

// apiError answers an API request that failed with err.
func (s *Server) apiError(c *gin.Context, err error) {
	status, detail := statusOf(err)
	s.logFailure(c, status, err)
	writeProblem(c, status, detail)
}

// pageError answers a page request that failed with err, as an HTML page.
func (s *Server) pageError(c *gin.Context, err error) {
	status, detail := statusOf(err)
	s.logFailure(c, status, err)
	s.renderError(c, status, detail)
}

// logFailure logs server-side failures; a client that went away is not one.
func (s *Server) logFailure(c *gin.Context, status int, err error) {
	if status < 500 {
		return
	}
	level := slog.LevelError
	if errors.Is(err, context.Canceled) {
		level = slog.LevelDebug
	}
	s.log.Log(c.Request.Context(), level, "request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
}

func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/")
}

func (s *Server) notFound(c *gin.Context) {
	if isAPI(c) {
		writeProblem(c, http.StatusNotFound, "")
		return
	}
	s.renderError(c, http.StatusNotFound, "")
}

func (s *Server) methodNotAllowed(c *gin.Context) {
	if isAPI(c) {
		writeProblem(c, http.StatusMethodNotAllowed, "")
		return
	}
	s.renderError(c, http.StatusMethodNotAllowed, "")
}
