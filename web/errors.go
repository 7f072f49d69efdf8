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
	// A version of a held file staff withdrew: the message says which.
	catalog.Gone: {http.StatusGone, ""},
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

// problemKind is one kind of error: its type URI is BASE/problems/SLUG,
// a page that explains it (problems.go). Each status the site answers
// with is one kind, so the kind follows from the status.
type problemKind struct {
	Status int
	Slug   string
	// Means says what happened, Do what the client can do about it.
	Means, Do string
}

// problemKinds is the one table of error kinds, in the order the
// /problems page lists them.
var problemKinds = []problemKind{
	{http.StatusBadRequest, "invalid", "A parameter or the body is malformed, out of its bounds or unknown (an unknown facet, a page past 500, a date that does not exist, too many facet selections). The detail names it; a body with fields at fault carries errors: {field: message}.", "Correct the request as the detail says; sending it again unchanged gets the same answer."},
	{http.StatusUnauthorized, "unauthorized", "The request needs a signed-in person, or its API token is missing, malformed, unknown or revoked.", "Send Authorization: Bearer with a valid token (made with safelib token or on the account page), or sign in."},
	{http.StatusForbidden, "forbidden", "The person signed in may not do this (staff only, admins only), or a form lacked its CSRF token.", "Ask an admin for the role, or reload the form and send it again."},
	{http.StatusNotFound, "not-found", "There is nothing at this address, or nothing this reader may see: an item the reader may not read looks like a missing one.", "Check the address or id."},
	{http.StatusMethodNotAllowed, "method-not-allowed", "The address exists but does not accept that method.", "Use a method the API description (/api/v1/openapi.json) gives for it."},
	{http.StatusConflict, "conflict", "The change conflicts with the library's state: someone saved the resource since the version you edited (current_version and differences say what changed; nothing was written), or a limit of lists or alerts is reached, or the job is already running.", "Fetch the current version, merge, and send the change again with it."},
	{http.StatusGone, "gone", "Staff withdrew this version of the item's file; it is no longer served to anyone.", "Download the current version from the item's page or its file.url."},
	{http.StatusRequestEntityTooLarge, "too-large", "The body is larger than this address accepts.", "Send less: the detail gives the limit."},
	{http.StatusRequestURITooLong, "query-too-long", "The query string is longer than 8 KiB.", "Ask for fewer selections at once."},
	{http.StatusUnsupportedMediaType, "unsupported-media-type", "The body's Content-Type is not one this address reads.", "Send application/json (or application/merge-patch+json for a PATCH of a resource)."},
	{http.StatusUnprocessableEntity, "unprocessable", "The form was read but a field could not be used (a file not chosen, a date that is none).", "Choose the file again; the page says what was wrong."},
	{http.StatusPreconditionRequired, "version-required", "A change to a resource must name the version it was made from.", "Send the version field, or If-Match with the version a GET gave."},
	{http.StatusTooManyRequests, "too-many-requests", "This client made more requests than its rate limit (--rate-limit a second, --rate-burst at once), or too many failed sign-ins.", "Wait the Retry-After seconds, then go on more slowly."},
	{http.StatusInternalServerError, "internal", "Something failed on the server; it is logged.", "Try again later; tell the library's admin if it goes on."},
	{http.StatusServiceUnavailable, "unavailable", "The request took too long or the server is busy.", "Try again in a moment."},
	{http.StatusInsufficientStorage, "storage-full", "The server's disk is full; the detail says whether your change was kept.", "Try again later; tell the library's admin."},
}

// problemBySlug and problemByStatus index problemKinds.
var problemBySlug, problemByStatus = func() (map[string]problemKind, map[int]problemKind) {
	bySlug, byStatus := map[string]problemKind{}, map[int]problemKind{}
	for _, k := range problemKinds {
		bySlug[k.Slug], byStatus[k.Status] = k, k
	}
	return bySlug, byStatus
}()

// ctxBaseURL holds the site's public address for the request (proxy.go
// sets it), so problem types are absolute.
const ctxBaseURL = "web.base_url"

// problemType is the type URI of an error with status: the page that
// explains its kind, or about:blank for a status without one.
func problemType(c *gin.Context, status int) string {
	k, ok := problemByStatus[status]
	if !ok {
		return "about:blank"
	}
	return c.GetString(ctxBaseURL) + "/problems/" + k.Slug
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
	b, err := json.Marshal(problem{Type: problemType(c, status), Title: http.StatusText(status), Status: status, Detail: detail})
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

// isAPI says whether the request's answers are for a program, so its
// errors are problem documents rather than pages: the API, and the feed
// and OpenSearch description that feed readers and browsers fetch.
func isAPI(c *gin.Context) bool { return programPath(c.Request.URL.Path) }

func programPath(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/feed.atom" || path == "/opensearch.xml"
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
