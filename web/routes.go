package web

import (
	"net/http"

	"safelib/internal/catalog"

	"github.com/gin-gonic/gin"
)

// routes registers every route. Groups carry their own security headers:
// pages may never be framed, embeds must be.
func (s *Server) routes() {
	e := s.engine
	// Outermost first: the request log sees the status recovery chose.
	e.Use(s.requestLog(), s.recovery(), s.proxyMiddleware(), s.limitQuery(maxQueryString))
	// shareGuard answers what other sites use (CORS, no credentials, cached;
	// cors.go, cache.go): it runs before identify so those are anonymous.
	// The per-client rate limit runs before the response cache, so cached
	// answers count too (ratelimit.go).
	e.Use(s.rateLimit())
	e.Use(s.shareGuard())
	// identify finds the reader (session cookie or API token) for every
	// route but embeds; csrf checks every unsafe request that matched a
	// route (auth_middleware.go).
	// longDeadlines lets staff imports outlast the server's timeouts; it
	// runs before csrf, which reads the uploaded form (deadlines.go).
	e.Use(s.identify(), s.longDeadlines(), s.flash(), s.csrf())

	e.NoRoute(pageHeaders(), s.notFound)
	e.NoMethod(pageHeaders(), s.methodNotAllowed)

	e.GET("/healthz", apiHeaders(), s.healthz)
	e.GET("/static/*file", staticHeaders(), s.serveStatic)
	// Browsers and embed frames ask for /favicon.ico whatever the page says.
	e.GET("/favicon.ico", staticHeaders(), s.favicon)
	e.GET("/robots.txt", staticHeaders(), s.robots)
	e.GET("/sitemap.xml", staticHeaders(), s.sitemap)
	e.GET("/sitemaps/:part", staticHeaders(), s.sitemapPart)

	// Public pages, readable by anyone; what each reader sees is decided by
	// the library from s.reader(c).
	public := e.Group("/", pageHeaders())
	public.GET("/", s.searchPage)
	public.GET("/search", s.searchPage)
	public.GET("/resources/:id", s.resourcePage)
	public.GET("/themes", s.themesPage)
	public.GET("/problems", s.problemsPage)
	public.GET("/problems/:kind", s.problemsPage)
	// Files the library holds (file_download.go); the library decides who gets them.
	public.GET("/files/:id/:version/:name", s.fileDownload)
	public.HEAD("/files/:id/:version/:name", s.fileDownload)
	s.curationPublic(public)
	// The association's newsletter: the archive and each sent edition.
	s.newsletterRoutes(public)

	// The JSON API. CORS is decided by shareGuard for the shared paths only
	// (cors.go).
	api := e.Group("/api/v1", apiHeaders())
	api.GET("/openapi.json", s.openapi)
	api.GET("/search", s.apiSearch)
	api.GET("/resources/:id", s.apiResource)
	api.GET("/resources/:id/similar", s.apiSimilar)
	api.GET("/themes", s.apiThemes)
	api.POST("/resources", s.apiCreateResource)
	api.POST("/resources/:id/versions", s.apiAddVersion)
	api.DELETE("/resources/:id/versions/:n", s.apiWithdrawFile)
	s.curationAPI(api)
	s.alertRoutes(api)
	s.listAPIRoutes(api)
	s.jobRoutes(api)

	// Sign-in, sign-out, password reset and change (auth_*.go), and the
	// people and audit pages (admin_*.go).
	s.authRoutes(e.Group("/", pageHeaders(), noStore()))
	s.adminRoutes(e.Group("/admin", pageHeaders(), noStore(), s.requireRole(catalog.RoleStaff)))

	// Members, staff and embed groups: their routes get the right headers
	// and checks by construction.
	s.memberRoutes(e.Group("/members", pageHeaders(), s.requireSignIn()))
	s.staffRoutes(e.Group("/staff", pageHeaders(), s.requireRole(catalog.RoleStaff)))
	s.embedRoutes(e.Group("/embed", embedHeaders()))
	// The listings API, embed.js, feeds, OpenSearch and the Embed page (embed.go).
	s.shareRoutes(e, api)
	// Reading lists (lists.go, api_lists.go).
	s.listRoutes(e)
	// Unsubscribe, pause, change and manage links of emails (mail_links.go).
	s.mailRoutes(e.Group("/mail", pageHeaders()))
}

// memberRoutes registers pages for signed-in people (the group requires a
// sign-in; what each reads is still decided by the library).
func (s *Server) memberRoutes(g *gin.RouterGroup) {
	g.Use(noStore())
	s.membersRoutes(g)
	g.POST("/alerts", s.alertCreate)
	g.POST("/alerts/:id", s.alertChange)
}

// staffRoutes registers curation pages (the group requires staff or admin;
// the global csrf middleware checks every unsafe request).
func (s *Server) staffRoutes(g *gin.RouterGroup) {
	s.curationRoutes(g)
	s.staffNewsletterRoutes(g)
}

// maxQueryString bounds the raw query string; longer ones get 414 before
// anything parses them.
const maxQueryString = 8 << 10

var _ http.Handler = (*Server)(nil)
