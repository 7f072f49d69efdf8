package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// What curation adds to the public resource page: an edit link for staff,
// a notice when the link is broken (the archived text is shown open
// below it), and the earlier versions of a re-published document, each
// readable on its own page.

// resourceCuration is the curation part of resource.html's data.
type resourceCuration struct {
	// StaffURL is the edit page, for staff.
	StaffURL string
	// Broken is set when the link failed two checks in a row.
	Broken   bool
	Reason   string
	LastGood string
	Versions []publicVersion
}

type publicVersion struct {
	Title, Published, Superseded, URL string
}

// curationOf gathers the curation part of the page of r for the reader.
// Problems only cost the extras: the page is shown without them.
func (s *Server) curationOf(c *gin.Context, r *catalog.Resource, teaser bool) resourceCuration {
	ctx := c.Request.Context()
	rd := s.reader(c)
	var out resourceCuration
	if rd.IsStaff() {
		out.StaffURL = staffURL(r.ID)
	}
	if !teaser {
		h, err := s.lib.LinkHealthOf(ctx, rd, r.ID)
		if err != nil && !errors.Is(err, catalog.ErrNotFound) {
			s.log.Warn("link health", "id", r.ID, "err", err)
		} else if err == nil && h.Broken {
			out.Broken, out.Reason, out.LastGood = true, h.Reason, clock(h.LastGood, "")
		}
	}
	vs, err := s.lib.Versions(ctx, rd, r.ID)
	if err != nil {
		s.log.Warn("versions", "id", r.ID, "err", err)
		return out
	}
	for _, v := range vs {
		pv := publicVersion{Title: v.Title, Published: formatDate(v.Published),
			Superseded: v.Superseded.In(london).Format("2 January 2006")}
		if !teaser {
			pv.URL = "/resources/" + r.ID + "/versions/" + strconv.FormatInt(v.ID, 10)
		}
		out.Versions = append(out.Versions, pv)
	}
	return out
}

// curationPublic registers the public pages curation adds.
func (s *Server) curationPublic(g *gin.RouterGroup) {
	g.GET("/resources/:id/versions/:vid", s.resourceVersionPage)
}

// resourceVersionData is the data of resource_version.html.
type resourceVersionData struct {
	Page
	R          *catalog.Resource
	V          *library.Version
	Published  string
	Superseded string
	BodyText   []string
	Truncated  bool
}

// resourceVersionPage answers GET /resources/:id/versions/:vid: the text
// of an earlier version, for readers who may read the resource.
func (s *Server) resourceVersionPage(c *gin.Context) {
	ctx := c.Request.Context()
	vid, err := strconv.ParseInt(c.Param("vid"), 10, 64)
	if err != nil || vid <= 0 {
		s.pageError(c, catalog.ErrNotFound)
		return
	}
	view, err := s.lib.Resource(ctx, s.reader(c), c.Param("id"))
	if err != nil {
		s.pageError(c, err)
		return
	}
	v, err := s.lib.VersionText(ctx, s.reader(c), view.Resource.ID, vid)
	if err != nil {
		s.pageError(c, err)
		return
	}
	d := resourceVersionData{Page: s.basePage(c, v.Title+" (earlier version)"), R: view.Resource, V: v,
		Published: formatDate(v.Published), Superseded: v.Superseded.In(london).Format("2 January 2006"),
		BodyText: paragraphs(v.Body, maxBodyShown), Truncated: len(v.Body) > maxBodyShown}
	s.render(c, http.StatusOK, "resource_version", d)
}
