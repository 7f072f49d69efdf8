package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiResource answers GET /api/v1/resources/:id.
func (s *Server) apiResource(c *gin.Context) {
	format, err := citeFormat(c.Query("format"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	v, err := s.lib.Resource(c.Request.Context(), s.reader(c), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	r := v.Resource
	if format != "" {
		s.writeCitations(c, format, r.ID, []citeItem{s.citeItem(c, r, v.Teaser)})
		return
	}
	if s.reader(c).IsStaff() {
		// Staff get what editing needs: version (for PATCH), status,
		// source and suggested themes (staff_api.go).
		out := staffJSON(r)
		out.TextNote = v.TextNote
		s.fileJSON(c, &out.apiResource, r.ID, v.Files)
		s.writeJSON(c, http.StatusOK, out)
		return
	}
	out := apiResource{
		apiHit:  newAPIHit(r, v.Teaser),
		Created: r.Created,
		Updated: r.Updated,
	}
	if !v.Teaser {
		out.Body = r.Body
		out.LastVerified = string(r.LastVerified)
		out.LastReviewed = string(r.LastReviewed)
		s.fileJSON(c, &out, r.ID, v.Files)
	}
	s.writeJSON(c, http.StatusOK, out)
}
