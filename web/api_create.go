package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// apiResourceInput is the body of POST /api/v1/resources: a resource in
// the shape the search API answers with, plus body. Read-only fields of
// that answer are accepted and ignored, so a hit can be posted back as it
// came; any other unknown field is an error (a typo must not be dropped
// silently).
type apiResourceInput struct {
	library.Record
	Teaser     *bool        `json:"teaser"`
	Highlights ignoredField `json:"highlights"`
	Page       ignoredField `json:"page"`
	Created    ignoredField `json:"created"`
	Updated    ignoredField `json:"updated"`
}

type ignoredField = json.RawMessage

// maxCreateBytes bounds a create request: the largest body plus the rest.
const maxCreateBytes = catalog.MaxBody + 1<<20

// apiCreateResource answers POST /api/v1/resources (staff): 201 with the
// new id, 401 without credentials, 403 for members. The library checks
// the role itself; the early check here only spares reading the body.
func (s *Server) apiCreateResource(c *gin.Context) {
	rd, ok := s.apiStaff(c)
	if !ok {
		return
	}
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		// A file with its metadata (api_upload.go).
		s.apiUploadResource(c, rd)
		return
	}
	var in apiResourceInput
	if !s.readJSON(c, &in, maxCreateBytes, "resource") {
		return
	}
	if in.Teaser != nil && *in.Teaser {
		s.apiError(c, catalog.Errorf(catalog.Invalid, "a teaser is not a whole resource"))
		return
	}
	if in.Status != "" || len(in.Pages) > 0 {
		s.apiError(c, catalog.Errorf(catalog.Invalid, "status and pages can't be set on create"))
		return
	}
	r := in.Resource()
	if r.URL != "" && r.Title == "" {
		// Only a link: fetch it and fill in the rest (staff_api.go).
		s.apiCreateFromURL(c, rd, r)
		return
	}
	id, err := s.lib.Create(c.Request.Context(), rd, r)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/resources/"+id)
	s.writeJSON(c, http.StatusCreated, gin.H{"id": id})
}
