package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// Uploading in the staff area (a plain multipart form with csrf_token; no
// JavaScript needed): /staff/upload adds a new item holding a file, and
// the edit page's "Upload a new version" form posts to
// /staff/resources/{id}/versions. The library checks the file (type by
// content, name, size, readable, not encrypted) before anything is kept.

func init() {
	flashes["staff-uploaded"] = "Uploaded. The document is in the library and searchable now."
	flashes["staff-version"] = "New version uploaded. Search now finds its text; earlier versions are still listed."
}

// staffUploadData is the data of staff_upload.html.
type staffUploadData struct {
	Page
	Form resourceForm
	// FileError is the message about the file, FileStatus its kind.
	FileError string
	// MaxUpload is the upload limit, for people ("32 MB").
	MaxUpload string
}

// uploadForm is the resource form for an upload: nothing is required, as
// the document fills what is left empty.
func (s *Server) uploadForm(v formValues, errs map[string]string) resourceForm {
	if v.Access == "" {
		v.Access = "public"
	}
	f := s.form("", 0, v, errs)
	for i := range f.Fields {
		switch f.Fields[i].Name {
		case "title":
			f.Fields[i].Required = false
			f.Fields[i].Hint = "Leave empty to take the title from the document."
		case "url":
			f.Fields[i].Hint = "Optional: where the document is published, if anywhere."
		case "published":
			f.Fields[i].Hint = "YYYY, YYYY-MM or YYYY-MM-DD. Leave empty to take the date from the document."
		case "summary":
			f.Fields[i].Hint = "Leave empty to take the start of the document's text."
		}
	}
	return f
}

// staffUploadForm answers GET /staff/upload.
func (s *Server) staffUploadForm(c *gin.Context) {
	s.render(c, http.StatusOK, "staff_upload", staffUploadData{Page: s.basePage(c, "Upload a document"), MaxUpload: catalog.SizeText(s.lib.MaxUpload()),
		Form: s.uploadForm(formValues{}, nil)})
}

// staffUploadSave answers POST /staff/upload.
func (s *Server) staffUploadSave(c *gin.Context) {
	v := parseValues(c)
	fail := func(status int, fileErr string, errs map[string]string) {
		s.render(c, status, "staff_upload", staffUploadData{Page: s.basePage(c, "Upload a document"), MaxUpload: catalog.SizeText(s.lib.MaxUpload()),
			Form: s.uploadForm(v, errs), FileError: fileErr})
	}
	up, done, ok := s.formUpload(c)
	if !ok {
		fail(http.StatusUnprocessableEntity, "Choose the document to upload.", nil)
		return
	}
	defer done()
	r, err := s.lib.UploadResource(c.Request.Context(), s.reader(c), v.resource(), up)
	var exists *library.ExistsError
	switch {
	case err == nil || r != nil && errors.Is(err, catalog.ErrNotIndexed):
		if s.textNote(c, s.reader(c), r.ID) != "" {
			s.setFlash(c, "staff-uploaded-notext")
		} else {
			s.setFlash(c, "staff-uploaded")
		}
		c.Redirect(http.StatusSeeOther, staffURL(r.ID))
	case errors.As(err, &exists):
		fail(http.StatusConflict, "", map[string]string{"url": exists.Error()})
	default:
		status, fileErr, errs := uploadFailure(err)
		if status == 0 {
			s.pageError(c, err)
			return
		}
		fail(status, fileErr, errs)
	}
}

// formUpload opens the form's file part.
func (s *Server) formUpload(c *gin.Context) (library.Upload, func(), bool) {
	fh, err := c.FormFile("file")
	if err != nil {
		return library.Upload{}, nil, false
	}
	up, done, err := uploadOf(fh)
	if err != nil {
		return library.Upload{}, nil, false
	}
	return up, done, true
}

// uploadFailure sorts an upload's error into the message about the file
// and those about other fields, with the status to answer (0: not the
// uploader's mistake). A refused document answers what the API answers
// for it (413, 415, and 400 for one unreadable, encrypted or empty); 422,
// as on every staff form, is for fields typed wrong (a label too long, a
// date that is none) and for a form sent without its file.
func uploadFailure(err error) (int, string, map[string]string) {
	switch catalog.ErrorCode(err) {
	case catalog.TooLarge, catalog.Unsupported:
		status, _ := statusOf(err)
		return status, catalog.ErrorMessage(err), nil
	case catalog.Invalid:
		errs := library.FieldErrors(err)
		fileErr := errs["file"]
		if msg, ok := errs[""]; ok {
			fileErr = msg
		}
		delete(errs, "file")
		delete(errs, "")
		if len(errs) == 0 {
			return http.StatusBadRequest, fileErr, nil
		}
		return http.StatusUnprocessableEntity, fileErr, errs
	}
	return 0, "", nil
}

// staffVersionSave answers POST /staff/resources/:id/versions: the file
// becomes the item's newest version.
func (s *Server) staffVersionSave(c *gin.Context) {
	ctx := c.Request.Context()
	rd := s.reader(c)
	id := c.Param("id")
	up, done, ok := s.formUpload(c)
	var err error
	if !ok {
		err = catalog.Errorf(catalog.Invalid, "%w", &catalog.FieldError{Field: "file", Message: "choose the new version's document"})
	} else {
		defer done()
		_, err = s.lib.AddFileVersion(ctx, rd, id, up, c.PostForm("label"), c.PostForm("published"))
	}
	if err == nil || errors.Is(err, catalog.ErrNotIndexed) {
		s.setFlash(c, "staff-version")
		c.Redirect(http.StatusSeeOther, staffURL(id))
		return
	}
	status, fileErr, errs := uploadFailure(err)
	if !ok {
		status = http.StatusUnprocessableEntity // the form came without its file
	}
	if status == 0 {
		s.pageError(c, err)
		return
	}
	r, ferr := s.lib.ForEdit(ctx, rd, id)
	if ferr != nil {
		s.pageError(c, ferr)
		return
	}
	if fileErr == "" {
		for k, msg := range errs {
			fileErr += k + ": " + msg + " "
		}
	}
	s.renderEditFile(c, status, r, fileErr)
}
