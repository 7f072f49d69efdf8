package web

import (
	"errors"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// Uploads by API (staff: Bearer token, or session with X-CSRF-Token):
//
//	POST /api/v1/resources             multipart/form-data: file + the JSON create's fields; 201 {"id"}
//	POST /api/v1/resources/{id}/versions  multipart/form-data: file, label, published; 201 with the resource
//
// Bad files answer problem+json: 413 over the size limit, 415 for a type
// the library does not hold (sniffed by content; a name that says another
// type is refused too), 400 for encrypted, broken or hostile documents.
// Nothing is kept of a refused upload.

// maxUploadRequest bounds an upload request: the file (serve's
// --max-upload) and its fields.
func (s *Server) maxUploadRequest() int64 { return s.lib.MaxUpload() + 1<<20 }

// uploadFields are the form fields POST /api/v1/resources takes beside the
// file: those of the JSON create.
var uploadFields = []string{"title", "url", "publisher", "type", "themes", "published", "summary", "access",
	"area", "region", "last_reviewed"}

// readUploadForm parses a multipart upload request within the size limit
// and returns its one file part; allowed names the other fields it may
// have. The caller removes the form's temporary files (form.RemoveAll).
func (s *Server) readUploadForm(c *gin.Context, allowed []string) (*multipart.Form, *multipart.FileHeader, error) {
	if !strings.HasPrefix(c.ContentType(), "multipart/form-data") {
		return nil, nil, catalog.Errorf(catalog.Unsupported, "send the file as multipart/form-data with a \"file\" part")
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.maxUploadRequest())
	if err := c.Request.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, nil, library.TooLarge(s.lib.MaxUpload())
		}
		return nil, nil, catalog.Errorf(catalog.Invalid, "unreadable multipart form: %v", err)
	}
	form := c.Request.MultipartForm
	for k := range form.Value {
		if !slices.Contains(allowed, k) {
			form.RemoveAll()
			return nil, nil, catalog.Errorf(catalog.Invalid, "unknown field %q (known: file, %s)", k, strings.Join(allowed, ", "))
		}
	}
	for k := range form.File {
		if k != "file" {
			form.RemoveAll()
			return nil, nil, catalog.Errorf(catalog.Invalid, "unknown file part %q: send the document as \"file\"", k)
		}
	}
	files := form.File["file"]
	if len(files) != 1 {
		form.RemoveAll()
		return nil, nil, catalog.Errorf(catalog.Invalid, "%w", &catalog.FieldError{Field: "file", Message: "send exactly one file part named \"file\""})
	}
	return form, files[0], nil
}

// uploadOf opens the file part as a library upload.
func uploadOf(fh *multipart.FileHeader) (library.Upload, func(), error) {
	f, err := fh.Open()
	if err != nil {
		return library.Upload{}, nil, err
	}
	return library.Upload{Name: fh.Filename, Data: f}, func() { f.Close() }, nil
}

// splitThemes reads themes given repeated or separated by ";".
func splitThemes(values []string) []string {
	var out []string
	for _, v := range values {
		for t := range strings.SplitSeq(v, ";") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// apiUploadResource answers a multipart POST /api/v1/resources: a new
// resource holding the file, its missing metadata filled from the
// document as add-a-link does.
func (s *Server) apiUploadResource(c *gin.Context, rd catalog.Reader) {
	form, fh, err := s.readUploadForm(c, uploadFields)
	if err != nil {
		s.apiError(c, err)
		return
	}
	defer form.RemoveAll()
	get := func(k string) string { return strings.TrimSpace(strings.Join(form.Value[k], " ")) }
	r := &catalog.Resource{Title: get("title"), URL: get("url"), Publisher: get("publisher"), Type: get("type"),
		Themes: splitThemes(form.Value["themes"]), Published: catalog.Date(get("published")), Summary: get("summary"),
		Access: catalog.Access(get("access")), Area: get("area"), Region: get("region"),
		LastReviewed: catalog.Date(get("last_reviewed"))}
	up, done, err := uploadOf(fh)
	if err != nil {
		s.apiError(c, err)
		return
	}
	defer done()
	saved, err := s.lib.UploadResource(c.Request.Context(), rd, r, up)
	if err != nil && (saved == nil || !errors.Is(err, catalog.ErrNotIndexed)) {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/resources/"+saved.ID)
	out := gin.H{"id": saved.ID}
	if note := s.textNote(c, rd, saved.ID); note != "" {
		out["text_note"] = note // kept, but its text could not be read
	}
	s.writeJSON(c, http.StatusCreated, out)
}

// apiAddVersion answers POST /api/v1/resources/:id/versions (staff): the
// file becomes the resource's newest version (and its text the search
// text); 201 with the resource as staff see it.
func (s *Server) apiAddVersion(c *gin.Context) {
	rd, ok := s.apiStaff(c)
	if !ok {
		return
	}
	form, fh, err := s.readUploadForm(c, []string{"label", "published"})
	if err != nil {
		s.apiError(c, err)
		return
	}
	defer form.RemoveAll()
	up, done, err := uploadOf(fh)
	if err != nil {
		s.apiError(c, err)
		return
	}
	defer done()
	ctx := c.Request.Context()
	id := c.Param("id")
	first := func(k string) string {
		if v := form.Value[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if _, err := s.lib.AddFileVersion(ctx, rd, id, up, first("label"), first("published")); err != nil && !errors.Is(err, catalog.ErrNotIndexed) {
		s.apiError(c, err)
		return
	}
	v, err := s.lib.Resource(ctx, rd, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := staffJSON(v.Resource)
	out.TextNote = v.TextNote
	s.fileJSON(c, &out.apiResource, id, v.Files)
	c.Header("Location", "/api/v1/resources/"+id)
	s.writeJSON(c, http.StatusCreated, out)
}
