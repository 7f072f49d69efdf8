package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// The curation API for scripts: PATCH /api/v1/resources/{id} (a JSON
// merge patch of the resource's fields, on a named version), DELETE
// /api/v1/resources/{id} (withdraw), POST /api/v1/resources/{id}/restore,
// and POST /api/v1/resources with little more than a url (fetched, and
// every missing field filled from the page). Staff only; the library
// checks the role itself.

// curationAPI registers the curation endpoints on the API group.
func (s *Server) curationAPI(api *gin.RouterGroup) {
	api.PATCH("/resources/:id", s.apiPatchResource)
	api.DELETE("/resources/:id", s.apiWithdrawResource)
	api.POST("/resources/:id/restore", s.apiRestoreResource)
}

// apiStaffResource is a resource as staff scripts see it: the API fields
// plus what editing needs.
type apiStaffResource struct {
	apiResource
	Version       int64    `json:"version"`
	Status        string   `json:"status"`
	Source        string   `json:"source"`
	MachineThemes []string `json:"machine_themes"`
	// TextNote says why the item has no text ("kept without text: ...",
	// a legacy format the library keeps but does not read); staff only.
	TextNote string `json:"text_note,omitempty"`
}

func staffJSON(r *catalog.Resource) apiStaffResource {
	out := apiStaffResource{
		apiResource: apiResource{apiHit: newAPIHit(r, false), Body: r.Body, LastVerified: string(r.LastVerified),
			LastReviewed: string(r.LastReviewed), Created: r.Created, Updated: r.Updated},
		Version: r.Version, Status: r.Status, Source: r.Source, MachineThemes: r.MachineThemes,
	}
	if out.MachineThemes == nil {
		out.MachineThemes = []string{}
	}
	return out
}

// ifMatch reads the version an If-Match header names ("3", 3, W/"3"):
// 0 when absent, an ErrInvalid when unreadable. (The ETag of a GET answer
// is a hash of its bytes, for caches; If-Match here carries the
// resource's version number, the "version" field of what GET answers to
// staff.)
func ifMatch(c *gin.Context) (int64, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" {
		return 0, nil
	}
	h = strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	v, err := strconv.ParseInt(strings.TrimPrefix(h, "v"), 10, 64)
	if err != nil || v <= 0 {
		return 0, catalog.Errorf(catalog.Invalid, "If-Match must carry the resource's version number (its \"version\" field), like \"3\"")
	}
	return v, nil
}

// staffAPI checks the caller may curate, answering 401 or 403 otherwise.
func (s *Server) staffAPI(c *gin.Context) (catalog.Reader, bool) {
	rd, ok := s.apiSignedIn(c, catalog.ErrUnauthorized)
	if !ok {
		return rd, false
	}
	if !rd.IsStaff() {
		s.apiError(c, catalog.ErrForbidden)
		return rd, false
	}
	return rd, true
}

// patchStrings are the string fields a patch may set; null clears one.
var patchStrings = map[string]func(*library.Edit, *string){
	"title":         func(e *library.Edit, v *string) { e.Title = v },
	"url":           func(e *library.Edit, v *string) { e.URL = v },
	"publisher":     func(e *library.Edit, v *string) { e.Publisher = v },
	"type":          func(e *library.Edit, v *string) { e.Type = v },
	"published":     func(e *library.Edit, v *string) { e.Published = v },
	"area":          func(e *library.Edit, v *string) { e.Area = v },
	"region":        func(e *library.Edit, v *string) { e.Region = v },
	"summary":       func(e *library.Edit, v *string) { e.Summary = v },
	"body":          func(e *library.Edit, v *string) { e.Body = v },
	"access":        func(e *library.Edit, v *string) { e.Access = v },
	"sport":         func(e *library.Edit, v *string) { e.Sport = v },
	"phone":         func(e *library.Edit, v *string) { e.Phone = v },
	"email":         func(e *library.Edit, v *string) { e.Email = v },
	"last_verified": func(e *library.Edit, v *string) { e.LastVerified = v },
	"last_reviewed": func(e *library.Edit, v *string) { e.LastReviewed = v },
}

// patchLists are the list fields a patch may set; null empties one.
var patchLists = map[string]func(*library.Edit, *[]string){
	"themes":         func(e *library.Edit, v *[]string) { e.Themes = v },
	"machine_themes": func(e *library.Edit, v *[]string) { e.MachineThemes = v },
}

// readOnly are fields of the resource answer a patch can't change.
var readOnly = map[string]string{
	"id": "", "created": "", "updated": "", "source": "", "teaser": "", "highlights": "", "page": "",
	"status": "; withdraw with DELETE and restore with POST /api/v1/resources/{id}/restore",
}

// parsePatch turns a JSON merge patch into an Edit and the version it
// names (0 when none).
func parsePatch(body []byte) (library.Edit, int64, error) {
	var e library.Edit
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return e, 0, catalog.Errorf(catalog.Invalid, "the body must be a JSON object (a merge patch of the resource's fields)")
	}
	var version int64
	var bad []string
	for k, raw := range m {
		null := string(raw) == "null"
		switch {
		case k == "version":
			if err := json.Unmarshal(raw, &version); err != nil || version <= 0 {
				bad = append(bad, "version must be a positive whole number")
			}
		case patchStrings[k] != nil:
			v := ""
			if !null {
				if err := json.Unmarshal(raw, &v); err != nil {
					bad = append(bad, k+" must be a string or null")
					continue
				}
			}
			patchStrings[k](&e, &v)
		case patchLists[k] != nil:
			v := []string{}
			if !null {
				if err := json.Unmarshal(raw, &v); err != nil {
					bad = append(bad, k+" must be a list of strings or null")
					continue
				}
			}
			patchLists[k](&e, &v)
		default:
			if why, ok := readOnly[k]; ok {
				bad = append(bad, k+" can't be changed"+why)
			} else {
				bad = append(bad, "unknown field "+strconv.Quote(k))
			}
		}
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return e, 0, catalog.Errorf(catalog.Invalid, "%s", strings.Join(bad, "; "))
	}
	return e, version, nil
}

// curationError answers a failed curation request: conflicts with the
// differences, invalid input with a message per field.
func (s *Server) curationError(c *gin.Context, err error) {
	var ce *library.ConflictError
	if errors.As(err, &ce) {
		c.Header("Cache-Control", "no-store")
		b, merr := json.Marshal(map[string]any{
			"type": problemType(c, http.StatusConflict), "title": http.StatusText(http.StatusConflict), "status": http.StatusConflict,
			"detail":          ce.Error() + ": nothing was saved. Compare, then send the patch again with the current version.",
			"edited_version":  ce.Edited,
			"current_version": ce.Current.Version,
			// before: the saved value; after: yours.
			"differences": ce.Diffs,
		})
		if merr != nil {
			s.apiError(c, merr)
			return
		}
		c.Data(http.StatusConflict, "application/problem+json", b)
		return
	}
	if errors.Is(err, catalog.ErrInvalid) {
		fe := library.FieldErrors(err)
		if len(fe) > 0 {
			var parts []string
			for k, v := range fe {
				if k != "" {
					v = k + ": " + v
				}
				parts = append(parts, v)
			}
			sort.Strings(parts)
			b, merr := json.Marshal(map[string]any{
				"type": problemType(c, http.StatusBadRequest), "title": http.StatusText(http.StatusBadRequest), "status": http.StatusBadRequest,
				"detail": strings.Join(parts, "; "), "errors": fe,
			})
			if merr == nil {
				c.Header("Cache-Control", "no-store")
				c.Data(http.StatusBadRequest, "application/problem+json", b)
				return
			}
		}
	}
	s.apiError(c, err)
}

// apiCreateFromURL answers POST /api/v1/resources when the body has a url
// but no title: the page is fetched and fills every field left empty.
// 201 with the new id; when the link is already in the library, 303 to
// the existing resource (nothing is added).
func (s *Server) apiCreateFromURL(c *gin.Context, rd catalog.Reader, r *catalog.Resource) {
	saved, err := s.lib.CreateFromURL(c.Request.Context(), rd, r)
	var exists *library.ExistsError
	switch {
	case errors.As(err, &exists):
		c.Header("Location", "/api/v1/resources/"+exists.Resource.ID)
		s.writeJSON(c, http.StatusSeeOther, gin.H{"id": exists.Resource.ID, "existing": true})
	case err != nil:
		s.curationError(c, err)
	default:
		c.Header("Location", "/api/v1/resources/"+saved.ID)
		s.writeJSON(c, http.StatusCreated, gin.H{"id": saved.ID, "existing": false})
	}
}
