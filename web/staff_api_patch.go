package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
)

// apiPatchResource answers PATCH /api/v1/resources/{id}: 200 with the
// saved resource (ETag: its version); 428 without a version (in the body
// or If-Match); 409 when the resource was saved since that version, with
// the differences; 400 with a message per field when invalid.
func (s *Server) apiPatchResource(c *gin.Context) {
	rd, ok := s.staffAPI(c)
	if !ok {
		return
	}
	switch mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt {
	case "application/merge-patch+json", "application/json":
	default:
		writeProblem(c, http.StatusUnsupportedMediaType, "Send a JSON merge patch (application/merge-patch+json).")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxCreateBytes))
	if err != nil {
		writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request is larger than %d bytes.", maxCreateBytes))
		return
	}
	e, version, err := parsePatch(body)
	if err != nil {
		s.apiError(c, err)
		return
	}
	h, err := ifMatch(c)
	switch {
	case err != nil:
		s.apiError(c, err)
		return
	case h > 0 && version > 0 && h != version:
		s.apiError(c, catalog.Errorf(catalog.Invalid, "If-Match and the body name different versions"))
		return
	case h > 0:
		version = h
	}
	if version == 0 {
		writeProblem(c, http.StatusPreconditionRequired,
			"Name the version you edited: a \"version\" field in the patch, or an If-Match header with it (GET gives it).")
		return
	}
	r, err := s.lib.Update(c.Request.Context(), rd, c.Param("id"), version, e)
	if err != nil {
		s.curationError(c, err)
		return
	}
	s.writeJSON(c, http.StatusOK, staffJSON(r))
}
