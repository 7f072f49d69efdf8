package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// apiList is a reading list in API answers (a contract: fields are added,
// never renamed).
type apiList struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Note     string        `json:"note"`
	Items    []apiListItem `json:"items"`
	Shared   bool          `json:"shared"`
	ShareURL string        `json:"share_url,omitempty"`
	Created  time.Time     `json:"created"`
	Updated  time.Time     `json:"updated"`
}

// apiListItem is a resource of a list, in the search hits' shape (a
// teaser when the reader can't read it), with the owner's note.
type apiListItem struct {
	apiHit
	Note  string    `json:"note"`
	Added time.Time `json:"added"`
}

func (s *Server) listJSON(c *gin.Context, v *library.ListView) apiList {
	out := apiList{ID: v.List.ID, Name: v.List.Name, Note: v.List.Note, Items: []apiListItem{},
		Shared: v.List.ShareToken != "", Created: v.List.Created, Updated: v.List.Updated}
	if out.Shared {
		out.ShareURL = s.shareURL(c, v.List.ShareToken)
	}
	for _, e := range v.Entries {
		out.Items = append(out.Items, apiListItem{apiHit: newAPIHit(e.Resource, e.Teaser), Note: e.Item.Note, Added: e.Item.Added})
	}
	return out
}

// shareURL is the public address of a shared list.
func (s *Server) shareURL(c *gin.Context, token string) string {
	return s.baseURL(c) + "/lists/shared/" + token
}

// apiSignedIn is the signed-in reader, or false after answering 401 with
// err and a Bearer challenge.
func (s *Server) apiSignedIn(c *gin.Context, err error) (catalog.Reader, bool) {
	rd := s.reader(c)
	if rd.UserID == 0 {
		c.Header("WWW-Authenticate", `Bearer realm="safelib"`)
		s.apiError(c, err)
		return rd, false
	}
	return rd, true
}

// apiStaff is the reader when they are staff, or false after answering
// 401 (with a Bearer challenge) to anyone not signed in and 403 to members.
// The library checks the role itself; checking here spares reading a body.
func (s *Server) apiStaff(c *gin.Context) (catalog.Reader, bool) {
	rd := s.reader(c)
	switch {
	case rd.Role == "":
		c.Header("WWW-Authenticate", `Bearer realm="safelib"`)
		s.apiError(c, catalog.ErrUnauthorized)
		return rd, false
	case !rd.IsStaff():
		s.apiError(c, catalog.ErrForbidden)
		return rd, false
	}
	return rd, true
}

// listReader is the signed-in reader, or false after answering 401.
func (s *Server) listReader(c *gin.Context) (catalog.Reader, bool) {
	return s.apiSignedIn(c, catalog.Errorf(catalog.Unauthorized, "sign in (or send a member's API token) to keep reading lists"))
}

// maxListBodyBytes bounds a list request's JSON body.
const maxListBodyBytes = 16 << 10

// readJSON decodes one JSON object of an application/json body (at most
// limit bytes) into v, unknown fields being an error; it answers 4xx and
// returns false when it can't. what names the thing sent, for messages
// ("resource").
func (s *Server) readJSON(c *gin.Context, v any, limit int64, what string) bool {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		writeProblem(c, http.StatusUnsupportedMediaType, "Send the "+what+" as application/json.")
		return false
	}
	return s.decodeJSON(c, v, limit, "a "+what)
}

// decodeJSON is readJSON without the Content-Type check; what has its
// article ("an alert").
func (s *Server) decodeJSON(c *gin.Context, v any, limit int64, what string) bool {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeProblem(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request is larger than %d bytes.", limit))
			return false
		}
		s.apiError(c, catalog.Errorf(catalog.Invalid, "the body is not %s in JSON: %v", what, err))
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		s.apiError(c, catalog.Errorf(catalog.Invalid, "the body holds more than one JSON value"))
		return false
	}
	return true
}

// answerList answers err, or else the list as it now is with status.
func (s *Server) answerList(c *gin.Context, rd catalog.Reader, err error, status int) {
	if err != nil {
		s.apiError(c, err)
		return
	}
	v, err := s.lib.List(c.Request.Context(), rd, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.writeJSON(c, status, s.listJSON(c, v))
}

// listAPIRoutes registers the reading-list API.
func (s *Server) listAPIRoutes(api *gin.RouterGroup) {
	api.GET("/lists", s.apiLists)
	api.POST("/lists", s.apiCreateList)
	api.GET("/lists/:id", s.apiList)
	api.PATCH("/lists/:id", s.apiPatchList)
	api.DELETE("/lists/:id", s.apiDeleteList)
	api.POST("/lists/:id/items", s.apiAddListItem)
	api.DELETE("/lists/:id/items/:resource_id", s.apiRemoveListItem)
}
