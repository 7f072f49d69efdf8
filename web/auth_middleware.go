package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/config"
)

// Cookies. All are HttpOnly and SameSite=Lax, and Secure when the request
// came over TLS or the site's public URL is https.
const (
	// sessionCookie holds the session secret; the store keeps its SHA-256.
	sessionCookie = "safelib_session"
	// preCSRFCookie is the double-submit token of forms shown before a
	// session exists (sign-in, reset): the form's hidden field must match
	// it, which a cross-site page can neither read nor set.
	preCSRFCookie = "safelib_csrf"
	// flashCookie carries a one-shot message code across a redirect.
	flashCookie = "safelib_flash"
)

// Context keys the middleware fills in.
const (
	ctxIdentity     = "web.identity"
	ctxSessionToken = "web.session_token"
	ctxViaToken     = "web.via_token"
)

// maxFormBytes bounds form bodies (sign-in, admin forms).
const maxFormBytes = 64 << 10

// identity returns who the request is from, or nil for anonymous.
func identity(c *gin.Context) *auth.Identity {
	v, ok := c.Get(ctxIdentity)
	if !ok {
		return nil
	}
	id, _ := v.(*auth.Identity)
	return id
}

// actor is the signed-in person as an auth.Actor (zero when anonymous).
func actor(c *gin.Context) auth.Actor {
	if id := identity(c); id != nil {
		return auth.ActorFor(id.User, c.ClientIP())
	}
	return auth.Actor{IP: c.ClientIP()}
}

func clientOf(c *gin.Context) auth.Client {
	return auth.Client{IP: c.ClientIP(), UserAgent: c.Request.UserAgent(), Shared: sharedAddr(c)}
}

func isEmbed(path string) bool { return path == "/embed" || strings.HasPrefix(path, "/embed/") }

// identify finds who is asking, for every route except embeds (which other
// sites frame and which must read as anonymous) and static files:
//
//   - Authorization: Bearer TOKEN (scripts). A malformed, unknown or
//     revoked token is refused with 401 at once rather than read as
//     anonymous, so a script notices.
//   - the session cookie (browsers). An unknown or expired session is
//     cleared and the request goes on as anonymous.
func (s *Server) identify() gin.HandlerFunc {
	return func(c *gin.Context) {
		p := c.Request.URL.Path
		if isEmbed(p) || strings.HasPrefix(p, "/static/") {
			c.Next()
			return
		}
		ctx := c.Request.Context()
		if h := c.GetHeader("Authorization"); h != "" {
			scheme, raw, ok := strings.Cut(h, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") {
				s.unauthorized(c, `error="invalid_request"`)
				return
			}
			id, err := s.auth.TokenIdentity(ctx, strings.TrimSpace(raw))
			if errors.Is(err, auth.ErrUnauthenticated) {
				s.unauthorized(c, `error="invalid_token"`)
				return
			}
			if err != nil {
				s.apiError(c, err)
				c.Abort()
				return
			}
			c.Set(ctxIdentity, id)
			c.Set(ctxViaToken, true)
			c.Next()
			return
		}
		if tok, err := c.Cookie(sessionCookie); err == nil && tok != "" {
			id, err := s.auth.Session(ctx, tok)
			switch {
			case err == nil:
				c.Set(ctxIdentity, id)
				c.Set(ctxSessionToken, tok)
				c.Set(ctxCSRFToken, auth.CSRFToken(tok))
			case errors.Is(err, auth.ErrUnauthenticated):
				s.setCookie(c, sessionCookie, "", -1)
			default:
				// Fail closed: an error here must not become a guess.
				s.pageError(c, err)
				c.Abort()
				return
			}
		}
		c.Next()
	}
}

// unauthorized answers 401 with a Bearer challenge.
func (s *Server) unauthorized(c *gin.Context, challenge string) {
	c.Header("WWW-Authenticate", `Bearer realm="safelib", `+challenge)
	const detail = "The API token is missing, malformed, unknown or revoked."
	if isAPI(c) {
		writeProblem(c, http.StatusUnauthorized, detail)
	} else {
		s.renderError(c, http.StatusUnauthorized, detail)
	}
	c.Abort()
}

// csrf checks every unsafe request that matched a route:
//
//  1. net/http.CrossOriginProtection refuses cross-origin browser requests
//     (Sec-Fetch-Site / Origin);
//  2. with a session, the csrf_token form field (or X-CSRF-Token header)
//     must be the session's token;
//  3. without one, a form must double-submit the pre-session cookie.
//
// Requests with a bearer token carry no ambient credentials and skip 2-3,
// and so do mail links (/mail/...), whose signed token is the credential;
// so do API requests with no credentials at all (they get 401 or 403 from
// the handler: there is nothing to forge).
func (s *Server) csrf() gin.HandlerFunc {
	return func(c *gin.Context) {
		switch c.Request.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			c.Next()
			return
		}
		if c.FullPath() == "" { // 404 and 405 answers change nothing
			c.Next()
			return
		}
		if err := s.cop.Check(c.Request); err != nil {
			s.refuseForgery(c, "This request came from another site, so it was refused.")
			return
		}
		if c.GetBool(ctxViaToken) {
			c.Next()
			return
		}
		if strings.HasPrefix(c.FullPath(), mailLinkPrefix) {
			// Mail links are authenticated by their signed token, not by
			// ambient cookies: the RFC 8058 one-click POST comes from a
			// mail provider with no session or form token, and a forger
			// would need the token itself (mail_links.go).
			c.Next()
			return
		}
		api := isAPI(c)
		got := c.GetHeader("X-CSRF-Token")
		if !api {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.formLimit(c))
			if got == "" {
				// Parse here to tell a form over the limit (413, said so)
				// from one without a token (403).
				var tooBig *http.MaxBytesError
				// (ParseMultipartForm reports a non-multipart body's read
				// error only after its own, so ParseForm goes first.)
				err := c.Request.ParseForm()
				if err == nil && strings.HasPrefix(c.ContentType(), "multipart/") {
					err = c.Request.ParseMultipartForm(32 << 20)
				}
				if errors.As(err, &tooBig) {
					limit := catalog.SizeText(s.formLimit(c))
					s.renderError(c, http.StatusRequestEntityTooLarge,
						"This form is larger than this page accepts ("+limit+"). Shorten what you entered, or choose a smaller file, and try again.")
					c.Abort()
					return
				}
				got = c.PostForm("csrf_token")
			}
		}
		switch tok := c.GetString(ctxSessionToken); {
		case tok != "":
			if !auth.CheckCSRF(tok, got) {
				s.refuseForgery(c, "This form has expired or did not come from this site. Go back, reload the page and try again.")
				return
			}
		case api:
		case c.FullPath() == "/logout":
			// No session to end (it expired): signing out only clears the
			// cookie, which a forged request gains nothing from.
		default:
			ck, _ := c.Cookie(preCSRFCookie)
			if !auth.EqualSecret(ck, got) {
				s.refuseForgery(c, "This form has expired or did not come from this site. Go back, reload the page and try again.")
				return
			}
		}
		c.Next()
	}
}

func (s *Server) refuseForgery(c *gin.Context, detail string) {
	s.log.Info("refused a possibly forged request", "method", c.Request.Method, "path", c.Request.URL.Path, "ip", c.ClientIP())
	if isAPI(c) {
		writeProblem(c, http.StatusForbidden, detail)
	} else {
		s.renderError(c, http.StatusForbidden, detail)
	}
	c.Abort()
}

// crossOriginProtection trusts the site's public origin besides the
// request's own host (for a proxy that rewrites Host).
func crossOriginProtection(cfg config.Config) (*http.CrossOriginProtection, error) {
	cop := http.NewCrossOriginProtection()
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("web: base URL: %w", err)
		}
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: trusted origin: %w", err)
		}
	}
	return cop, nil
}

// preCSRF returns the token for a form shown before sign-in, setting the
// double-submit cookie when needed; with a session it is the session's.
func (s *Server) preCSRF(c *gin.Context) string {
	if tok := c.GetString(ctxCSRFToken); tok != "" {
		return tok
	}
	tok, err := c.Cookie(preCSRFCookie)
	if err != nil || len(tok) != 43 {
		tok = auth.NewCSRFSecret()
		s.setCookie(c, preCSRFCookie, tok, 0)
	}
	c.Set(ctxCSRFToken, tok)
	return tok
}

// secure reports whether cookies must be Secure.
func (s *Server) secure(c *gin.Context) bool {
	return c.Request.TLS != nil || strings.HasPrefix(s.cfg.BaseURL, "https://")
}

// setCookie sets (maxAge > 0: for that many seconds; 0: for the browser
// session) or deletes (maxAge < 0) a cookie.
func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode,
	})
}

// flashes are the one-shot messages a redirect can carry: the cookie holds
// only a code, so no one can make the site say something else.
var flashes = map[string]string{
	"signed-out":       "You have signed out.",
	"password-set":     "Your password is set. Sign in with it now.",
	"password-changed": "Your password is changed. Your other sessions have ended.",
	"saved":            "Saved.",
	"sessions-ended":   "Their sessions have ended.",
	"token-revoked":    "The token is revoked.",
	"invited":          "The invitation is queued: it goes out with the next email the library sends.",
	"alert-created":    "Your alert is saved. Its first email comes when something new matches.",
	"list-added":       "Added to your reading list.",
	"list-deleted":     "The list is deleted.",
	"edition-sent":     "The edition is queued to its readers and published.",
	"edition-deleted":  "The draft is deleted.",
	"email-changed":    "Your sign-in address is changed. A notice went to the old one.",
	"newsletter-on":    "The newsletter will come to you by email.",
	"newsletter-off":   "The newsletter will no longer come to you by email.",
}

func (s *Server) setFlash(c *gin.Context, code string) { s.setCookie(c, flashCookie, code, 60) }

// flash moves a flash message from its cookie to the page.
func (s *Server) flash() gin.HandlerFunc {
	return func(c *gin.Context) {
		if code, err := c.Cookie(flashCookie); err == nil && code != "" {
			if msg, ok := flashes[code]; ok && c.Request.Method == http.MethodGet {
				c.Set(ctxFlash, msg)
				s.setCookie(c, flashCookie, "", -1)
			}
		}
		c.Next()
	}
}

// requireSignIn sends anonymous visitors to the sign-in page (API: 401).
func (s *Server) requireSignIn() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.signedIn(c) {
			c.Next()
		}
	}
}

// signedIn reports whether someone is signed in, else answers and aborts.
func (s *Server) signedIn(c *gin.Context) bool {
	if identity(c) != nil {
		return true
	}
	if isAPI(c) {
		s.unauthorized(c, `error="invalid_token"`)
	} else {
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
	}
	return false
}

// requireRole lets through people with role or a higher one.
func (s *Server) requireRole(role catalog.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !s.signedIn(c) {
			return
		}
		if !hasRole(identity(c), role) {
			if isAPI(c) {
				writeProblem(c, http.StatusForbidden, "")
			} else {
				s.renderError(c, http.StatusForbidden, "This page is for "+string(role)+"s.")
			}
			c.Abort()
			return
		}
		c.Next()
	}
}

// hasRole reports whether id holds role or a higher one.
func hasRole(id *auth.Identity, role catalog.Role) bool {
	if id == nil {
		return false
	}
	rank := map[catalog.Role]int{catalog.RoleMember: 1, catalog.RoleStaff: 2, catalog.RoleAdmin: 3}
	return rank[id.User.Role] >= rank[role]
}

// noStore keeps account pages out of every cache, the browser's included.
func noStore() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		c.Next()
	}
}

// safeNext keeps a post-sign-in destination on this site: a path, never a
// scheme, host or protocol-relative "//".
func safeNext(next string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t\\") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
