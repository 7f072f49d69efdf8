package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// problemsPage answers /problems and /problems/{kind}: what each kind of
// error means and what to do about it. A problem document's type is the
// address of its kind's page, so a developer who meets one can read it.
func (s *Server) problemsPage(c *gin.Context) {
	type kindView struct {
		problemKind
		Title, URI string
	}
	kinds := problemKinds
	title := "Error kinds of the API and site"
	if slug := c.Param("kind"); slug != "" {
		k, ok := problemBySlug[slug]
		if !ok {
			s.notFound(c)
			return
		}
		kinds = []problemKind{k}
		title = "Error kind: " + slug
	}
	d := struct {
		Page
		Kinds []kindView
		One   bool
	}{Page: s.basePage(c, title), One: len(kinds) == 1}
	for _, k := range kinds {
		d.Kinds = append(d.Kinds, kindView{problemKind: k, Title: strconv.Itoa(k.Status) + " " + http.StatusText(k.Status),
			URI: problemType(c, k.Status)})
	}
	c.Header("Cache-Control", "public, max-age=86400")
	s.render(c, http.StatusOK, "problems", d)
}
