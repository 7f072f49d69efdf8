package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes registers every route. Groups carry their own security headers:
// pages may never be framed, embeds (a later issue) must be.
func (s *Server) routes() {
	e := s.engine
	// Outermost first: the request log sees the status recovery chose.
	e.Use(s.requestLog(), s.recovery(), limitQuery(maxQueryString))

	e.NoRoute(pageHeaders(), s.notFound)
	e.NoMethod(pageHeaders(), s.methodNotAllowed)

	e.GET("/healthz", apiHeaders(), s.healthz)
	e.GET("/static/*file", staticHeaders(), s.serveStatic)

	// Public pages, readable by anyone; what each reader sees is decided by
	// the library from s.reader(c).
	public := e.Group("/", pageHeaders())
	public.GET("/", s.searchPage)
	public.GET("/search", s.searchPage)
	public.GET("/resources/:id", s.resourcePage)
	public.GET("/themes", s.themesPage)

	// The JSON API. CORS (a later issue) goes on this group only.
	api := e.Group("/api/v1", apiHeaders())
	api.GET("/search", s.apiSearch)
	api.GET("/resources/:id", s.apiResource)
	api.GET("/themes", s.apiThemes)

	// Groups for later issues, so their routes get the right headers by
	// construction.
	s.memberRoutes(e.Group("/members", pageHeaders()))
	s.staffRoutes(e.Group("/staff", pageHeaders()))
	s.embedRoutes(e.Group("/embed", embedHeaders()))
}

// memberRoutes registers pages for signed-in members (the auth issue adds
// its sign-in requirement to the group).
func (s *Server) memberRoutes(g *gin.RouterGroup) {}

// staffRoutes registers curation pages (the auth issue adds the role check
// and CSRF protection to the group).
func (s *Server) staffRoutes(g *gin.RouterGroup) {}

// embedRoutes registers widgets other sites frame: no session, anonymous
// reader, frame-ancestors open.
func (s *Server) embedRoutes(g *gin.RouterGroup) {}

// maxQueryString bounds the raw query string; longer ones get 414 before
// anything parses them.
const maxQueryString = 8 << 10

var _ http.Handler = (*Server)(nil)
