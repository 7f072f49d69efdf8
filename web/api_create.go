package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

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
	ID           string       `json:"id"`
	Title        string       `json:"title"`
	URL          string       `json:"url"`
	Publisher    string       `json:"publisher"`
	Type         string       `json:"type"`
	Themes       []string     `json:"themes"`
	Published    string       `json:"published"`
	Area         string       `json:"area"`
	Region       string       `json:"region"`
	Summary      string       `json:"summary"`
	Body         string       `json:"body"`
	Access       string       `json:"access"`
	Source       string       `json:"source"`
	Sport        string       `json:"sport"`
	Phone        string       `json:"phone"`
	Email        string       `json:"email"`
	LastVerified string       `json:"last_verified"`
	LastReviewed string       `json:"last_reviewed"`
	Teaser       *bool        `json:"teaser"`
	Highlights   ignoredField `json:"highlights"`
	Page         ignoredField `json:"page"`
	Created      ignoredField `json:"created"`
	Updated      ignoredField `json:"updated"`
}

type ignoredField = json.RawMessage

// maxCreateBytes bounds a create request: the largest body plus the rest.
const maxCreateBytes = catalog.MaxBody + 1<<20

// apiCreateResource answers POST /api/v1/resources (staff): 201 with the
// new id, 401 without credentials, 403 for members. The library checks
// the role itself; the early check here only spares reading the body.
func (s *Server) apiCreateResource(c *gin.Context) {
	rd := s.reader(c)
	if rd.Role == "" {
		c.Header("WWW-Authenticate", `Bearer realm="safelib"`)
		s.apiError(c, library.ErrUnauthorized)
		return
	}
	if !rd.IsStaff() {
		s.apiError(c, library.ErrForbidden)
		return
	}
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		writeProblem(c, http.StatusUnsupportedMediaType, "Send the resource as application/json.")
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxCreateBytes))
	dec.DisallowUnknownFields()
	var in apiResourceInput
	if err := dec.Decode(&in); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request is larger than %d bytes.", maxCreateBytes))
			return
		}
		s.apiError(c, fmt.Errorf("%w: the body is not a resource in JSON: %v", library.ErrInvalid, err))
		return
	}
	if _, err := dec.Token(); err != io.EOF {
		s.apiError(c, fmt.Errorf("%w: the body holds more than one JSON value", library.ErrInvalid))
		return
	}
	if in.Teaser != nil && *in.Teaser {
		s.apiError(c, fmt.Errorf("%w: a teaser is not a whole resource", library.ErrInvalid))
		return
	}
	r := &catalog.Resource{
		ID: in.ID, Title: in.Title, URL: in.URL, Publisher: in.Publisher, Type: in.Type, Themes: in.Themes,
		Published: catalog.Date(in.Published), Area: in.Area, Region: in.Region, Summary: in.Summary,
		Body: in.Body, Access: catalog.Access(in.Access), Source: in.Source, Sport: in.Sport,
		Phone: in.Phone, Email: in.Email, LastVerified: catalog.Date(in.LastVerified),
		LastReviewed: catalog.Date(in.LastReviewed),
	}
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
