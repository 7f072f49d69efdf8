package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/config"
	"safelib/internal/library"
	"safelib/internal/mail"
)

// Composing the newsletter (staff): /staff/newsletter lists editions and
// starts one; /staff/newsletter/{id} is one form holding the whole draft
// (title, address, introduction, then sections and items in order), whose
// buttons each save everything typed and then do one thing: add a
// section, add the ticked items (from "new since the last edition" or a
// search), move or remove a block. It needs no JavaScript. Preview shows
// the edition as a member, a lapsed member or the public would read it,
// with the email's plain text; send queues it to everyone who has not
// opted out (library.SendEdition), and publishes it at /newsletter/{slug}.

// maxEditionForm bounds an edition's form: 200 blocks of up to 20,000
// characters would be far more, but an edition is read, not archived.
const maxEditionForm = 1 << 20

// staffNewsletterRoutes registers the compose pages (the staff group
// requires staff or admin; csrf checks every form).
func (s *Server) staffNewsletterRoutes(g *gin.RouterGroup) {
	g.GET("/newsletter", s.staffNewsletter)
	g.POST("/newsletter", s.staffNewsletterCreate)
	g.GET("/newsletter/:id", s.staffEdition)
	g.POST("/newsletter/:id", s.staffEditionPost)
	g.GET("/newsletter/:id/preview", s.staffEditionPreview)
	g.GET("/newsletter/:id/preview/email", s.staffEditionPreviewEmail)
	g.POST("/newsletter/:id/send", s.staffEditionSend)
}

// staffNewsletterData is the data of staff_newsletter.html.
type staffNewsletterData struct {
	Page
	Drafts, Sent []staffEditionRow
	Error        string
	Title        string
}

type staffEditionRow struct {
	ID                     int64
	Slug, Title, When      string
	Recipients, Items, Len int
}

// staffEditionData is the data of staff_edition.html.
type staffEditionData struct {
	Page
	Edition *catalog.Edition
	Blocks  []editionBlockForm
	Error   string
	// NewSince are items added since the last edition (not yet in this one).
	NewSince      []pickItem
	NewSinceLabel string
	// Q and Found are a search for items to add.
	Q     string
	Found []pickItem
	// Recipients is how many people a send would reach now.
	Recipients int
}

type editionBlockForm struct {
	catalog.EditionBlock
	N                  int // 1-based position
	First, Last        bool
	Label              string // an item's title, for its legend
	Missing, Withdrawn bool
	MembersOnly        bool
}

type pickItem struct {
	ID, Title, Meta string
	MembersOnly     bool
}

func (s *Server) edition(c *gin.Context) (*catalog.Edition, bool) {
	id, err := parseID(c.Param("id"))
	var e *catalog.Edition
	if err == nil {
		e, err = s.lib.Edition(c.Request.Context(), s.reader(c), id)
	}
	if err != nil {
		s.pageError(c, err)
		return nil, false
	}
	return e, true
}

func (s *Server) renderEdition(c *gin.Context, status int, e *catalog.Edition, errMsg string) {
	ctx, rd := c.Request.Context(), s.reader(c)
	d := staffEditionData{Page: s.basePage(c, "Compose: "+e.Title), Edition: e, Error: errMsg, Q: trim(c.Query("q"), 500)}
	in := map[string]bool{}
	for _, b := range e.Blocks {
		if b.Kind == catalog.BlockItem {
			in[b.ResourceID] = true
		}
	}
	byID, err := s.lib.EditionResources(ctx, rd, e)
	if err != nil {
		s.pageError(c, err)
		return
	}
	for i, b := range e.Blocks {
		f := editionBlockForm{EditionBlock: b, N: i + 1, First: i == 0, Last: i == len(e.Blocks)-1}
		if b.Kind == catalog.BlockItem {
			r := byID[b.ResourceID]
			switch {
			case r == nil:
				f.Label, f.Missing = b.ResourceID, true
			default:
				f.Label, f.Withdrawn, f.MembersOnly = r.Title, r.Status != catalog.StatusActive, r.Access == catalog.Members
			}
		}
		d.Blocks = append(d.Blocks, f)
	}
	if e.State == catalog.EditionDraft {
		news, since, err := s.lib.NewSinceLastEdition(ctx, rd)
		if err != nil {
			s.pageError(c, err)
			return
		}
		d.NewSinceLabel = "Added to the library since the last edition was sent (" + when(since) + ")"
		if since.IsZero() {
			d.NewSinceLabel = "Newest in the library (no edition has been sent yet)"
		}
		for _, r := range news {
			if !in[r.ID] {
				d.NewSince = append(d.NewSince, pick(r))
			}
		}
		if d.Q != "" {
			res, err := s.lib.Search(ctx, rd, library.SearchParams{Q: d.Q, Page: 1, PerPage: 20})
			if err != nil {
				if st, detail := statusOf(err); st < 500 {
					d.Error = detail
				} else {
					s.pageError(c, err)
					return
				}
			} else {
				for _, h := range res.Hits {
					if !in[h.Resource.ID] {
						d.Found = append(d.Found, pick(h.Resource))
					}
				}
			}
		}
	}
	if d.Recipients, err = s.newsletterAudience(ctx, c); err != nil {
		s.pageError(c, err)
		return
	}
	s.render(c, status, "staff_edition", d)
}

func pick(r *catalog.Resource) pickItem {
	meta := typeLabel(r.Type)
	if r.Publisher != "" {
		meta += " · " + r.Publisher
	}
	if r.Published != "" {
		meta += " · " + formatDate(r.Published)
	}
	return pickItem{ID: r.ID, Title: r.Title, Meta: meta, MembersOnly: r.Access == catalog.Members}
}

// editionFromForm reads the whole draft from the form over e.
func editionFromForm(c *gin.Context, e *catalog.Edition) {
	e.Title, e.Slug, e.Intro = c.PostForm("title"), c.PostForm("slug"), c.PostForm("intro")
	kinds, heads, texts := c.PostFormArray("kind"), c.PostFormArray("heading"), c.PostFormArray("text")
	res, notes := c.PostFormArray("resource"), c.PostFormArray("note")
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return xs[i]
		}
		return ""
	}
	e.Blocks = e.Blocks[:0]
	for i, k := range kinds {
		if i >= catalog.MaxEditionBlocks+1 {
			break
		}
		e.Blocks = append(e.Blocks, catalog.EditionBlock{Kind: k, Heading: at(heads, i), Text: at(texts, i),
			ResourceID: at(res, i), Note: at(notes, i)})
	}
}

// previewReaders are whom staff may preview an edition as.
var previewReaders = map[string]struct {
	label string
	rd    catalog.Reader
}{
	"member": {"a member", catalog.Reader{Role: catalog.RoleMember, Members: true}},
	"lapsed": {"a member whose membership has lapsed", catalog.Reader{Role: catalog.RoleMember, Lapsed: true}},
	"public": {"the public (signed out)", catalog.Anonymous},
}

func (s *Server) preview(c *gin.Context) (label string, v *library.EditionView, m *catalog.OutMail, ok bool) {
	p, known := previewReaders[c.DefaultQuery("as", "member")]
	if !known {
		s.renderError(c, http.StatusBadRequest, "Preview as member, lapsed or public.")
		return "", nil, nil, false
	}
	id, err := parseID(c.Param("id"))
	if err == nil {
		v, err = s.lib.PreviewEdition(c.Request.Context(), s.reader(c), id, p.rd)
	}
	var em *editionMailer
	if err == nil {
		em, err = s.editionMailer(c.Request.Context())
	}
	if err == nil {
		// Links in a preview are signed for no one: they open nothing.
		m, err = em.mail(v, &catalog.User{Email: "reader@example.org"})
	}
	if err != nil {
		s.pageError(c, err)
		return "", nil, nil, false
	}
	return p.label, v, m, true
}

// newsletterReaders is everyone an edition would go to now, with their
// access: every enabled account (opt-outs are left out by the library).
func (s *Server) newsletterReaders(ctx context.Context, c *gin.Context) ([]library.NewsletterReader, error) {
	us, err := s.auth.Users(ctx, actor(c), auth.UserQuery{Limit: 10_000})
	if err != nil {
		return nil, err
	}
	out := make([]library.NewsletterReader, 0, len(us))
	for _, u := range us {
		if !u.Disabled {
			out = append(out, library.NewsletterReader{User: u, Reader: s.auth.ReaderFor(u)})
		}
	}
	return out, nil
}

// newsletterAudience counts whom a send would reach now.
func (s *Server) newsletterAudience(ctx context.Context, c *gin.Context) (int, error) {
	rs, err := s.newsletterReaders(ctx, c)
	if err != nil {
		return 0, err
	}
	return s.lib.NewsletterAudience(ctx, s.reader(c), rs)
}

// composer writes the library's messages with its public address.
func (s *Server) composer() *mail.Composer { return composerFor(s.cfg) }

func composerFor(cfg config.Config) *mail.Composer {
	return &mail.Composer{BaseURL: strings.TrimRight(cfg.PublicURL(), "/"), From: cfg.MailFrom, Loc: london}
}

// editionMailer writes each reader's message of an edition: its items
// come from library.MailItems (the digests' builder, through the access
// seam) for the reader's view, rendered by mail.Composer.ItemParts, and
// its links are signed mail links (no sign-in needed to stop it).
type editionMailer struct {
	lib    *library.Library
	ctx    context.Context
	c      *mail.Composer
	signer *auth.MailSigner
	// sections caches each view's sections with their items rendered:
	// one per kind of access, the same for every reader of that kind.
	sections map[*library.EditionView][]mail.EditionMailSection
}

func (s *Server) editionMailer(ctx context.Context) (*editionMailer, error) {
	return newEditionMailer(ctx, s.cfg, s.lib, s.auth)
}

func newEditionMailer(ctx context.Context, cfg config.Config, lib *library.Library, au *auth.Auth) (*editionMailer, error) {
	signer, err := au.MailSigner(ctx)
	if err != nil {
		return nil, err
	}
	return &editionMailer{lib: lib, ctx: ctx, c: composerFor(cfg), signer: signer,
		sections: map[*library.EditionView][]mail.EditionMailSection{}}, nil
}

// sectionsOf builds v's sections with their items as v's reader may see
// them, rendered once.
func (m *editionMailer) sectionsOf(v *library.EditionView) ([]mail.EditionMailSection, error) {
	if secs, ok := m.sections[v]; ok {
		return secs, nil
	}
	var refs []library.MailItemRef
	for _, sec := range v.Sections {
		for _, en := range sec.Entries {
			refs = append(refs, library.MailItemRef{ID: en.Resource.ID})
		}
	}
	items, err := m.lib.MailItems(m.ctx, v.Reader, "", refs)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]catalog.MailItem, len(items))
	for _, it := range items {
		byID[it.ID] = it
	}
	secs := make([]mail.EditionMailSection, 0, len(v.Sections))
	for _, sec := range v.Sections {
		ms := mail.EditionMailSection{Heading: sec.Heading, Paragraphs: sec.Paragraphs}
		for _, en := range sec.Entries {
			if it, ok := byID[en.Resource.ID]; ok {
				ms.Items = append(ms.Items, mail.EditionMailItem{Item: it, Note: en.Note})
			}
		}
		secs = append(secs, ms)
	}
	if err := m.c.RenderEditionItems(secs); err != nil {
		return nil, err
	}
	m.sections[v] = secs
	return secs, nil
}

// mail is u's message of the edition built for their access (v).
func (m *editionMailer) mail(v *library.EditionView, u *catalog.User) (*catalog.OutMail, error) {
	secs, err := m.sectionsOf(v)
	if err != nil {
		return nil, err
	}
	base := m.c.BaseURL
	link := func(action, scope string) string {
		return auth.MailLink(base, action, m.signer.Token(u, scope, 0))
	}
	em := mail.EditionMail{Title: v.Edition.Title, PageURL: base + "/newsletter/" + v.Edition.Slug, Intro: v.Intro,
		Lapsed: v.Reader.Lapsed, Sections: secs, Unsubscribe: link(auth.ActionUnsubscribe, auth.ScopeNewsletter),
		Everything: link(auth.ActionUnsubscribe, auth.ScopeAll), Manage: link(auth.ActionManage, auth.ScopeAll)}
	msg, err := m.c.Newsletter(u.Email, em)
	if err != nil {
		return nil, err
	}
	// What it shows, for the check just before sending (MailChecker).
	rc := catalog.MailRecheck{UserID: u.ID, Members: v.Reader.Members, Items: []string{}}
	for _, sec := range secs {
		for _, it := range sec.Items {
			rc.Items = append(rc.Items, it.Item.ID)
			if !it.Item.MembersOnly {
				rc.Full = append(rc.Full, it.Item.ID)
			}
		}
	}
	if rc.Plan, err = json.Marshal(newsletterPlan{Edition: v.Edition.ID}); err != nil {
		return nil, err
	}
	b, err := json.Marshal(rc)
	if err != nil {
		return nil, err
	}
	msg.Recheck = string(b)
	return msg, nil
}

// newsletterPlan is what a newsletter message's recheck record says about
// it: the edition, to build it again.
type newsletterPlan struct {
	Edition int64 `json:"edition"`
}

// NewsletterRebuild is how the sender's check just before sending
// (library.MailChecker) builds a newsletter message again when its
// reader's access, or one of its items, changed since it was queued: the
// edition as the reader may read it now, to their address now. serve
// registers it for the kind "newsletter".
func NewsletterRebuild(cfg config.Config, lib *library.Library, au *auth.Auth) library.Rebuild {
	return func(ctx context.Context, m *catalog.OutMail, rc *catalog.MailRecheck, u *catalog.User, rd catalog.Reader) (*catalog.OutMail, error) {
		var plan newsletterPlan
		if err := json.Unmarshal(rc.Plan, &plan); err != nil || plan.Edition == 0 {
			return nil, nil // not ours to rebuild: it is not sent
		}
		e, err := lib.Edition(ctx, catalog.System, plan.Edition)
		if err != nil {
			return nil, err
		}
		v, err := lib.EditionFor(ctx, e, rd)
		if err != nil {
			return nil, err
		}
		em, err := newEditionMailer(ctx, cfg, lib, au)
		if err != nil {
			return nil, err
		}
		return em.mail(v, u)
	}
}
