package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

// roleCase is one kind of reader, with how it presents itself and what it
// may read.
type roleCase struct {
	name string
	who  as
	// access: may read members-only items. lapsed: sees the lapsed notice.
	// refused: every request answers 401 (a revoked token). staff: may
	// use staff pages.
	access, lapsed, refused, staff bool
}

// roles builds every kind of reader the issue names against e.
func roles(t *testing.T, e *authEnv) []roleCase {
	ctx := context.Background()
	// An expired session: signed in more than a lifetime ago.
	e.clock.Set(authNow.Add(-testLifetime - time.Hour))
	expired := e.session(t, memberEmail)
	e.clock.Set(authNow)
	// A session an admin ended, and one of an account disabled since.
	ended := e.session(t, memberEmail)
	if _, err := e.auth.EndSessions(ctx, auth.System, memberEmail); err != nil {
		t.Fatal(err)
	}
	if _, err := e.auth.AddUser(ctx, auth.System, auth.NewUser{Email: "gone@example.org", Role: catalog.RoleStaff, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	disabled := e.session(t, "gone@example.org")
	yes := true
	if _, err := e.auth.UpdateUser(ctx, auth.System, "gone@example.org", auth.UserChange{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	revoked, tok, err := e.auth.CreateToken(ctx, auth.System, staffEmail, "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.auth.RevokeToken(ctx, auth.System, tok.ID); err != nil {
		t.Fatal(err)
	}
	return []roleCase{
		{name: "anonymous", who: anonymous},
		{name: "member", who: withSession(e.session(t, memberEmail)), access: true},
		{name: "lapsed member", who: withSession(e.session(t, lapsedEmail)), lapsed: true},
		{name: "staff", who: withSession(e.session(t, staffEmail)), access: true, staff: true},
		{name: "admin", who: withSession(e.session(t, adminEmail)), access: true, staff: true},
		{name: "member token", who: withBearer(e.token(t, memberEmail)), access: true},
		{name: "lapsed member token", who: withBearer(e.token(t, lapsedEmail)), lapsed: true},
		{name: "revoked token", who: withBearer(revoked), refused: true},
		{name: "garbage token", who: withBearer("slb_nope"), refused: true},
		{name: "expired session", who: withSession(expired)},
		{name: "ended session", who: withSession(ended)},
		{name: "disabled account's session", who: withSession(disabled)},
	}
}

// TestAccessEveryRoleEveryReadPath runs every kind of reader against every
// path that reads resources and checks that members-only text (the body's
// secret word, the summary, the link) never matches, never highlights and
// never appears without access, while readers with access see all of it.
func TestAccessEveryRoleEveryReadPath(t *testing.T) {
	e := newAuthEnv(t)
	addMembersTwin(t, e)
	// A member's list holding the members-only item, shared by link: each
	// reader sees what their own access allows.
	_, sharePath := sharedList(t, e)
	// A members-only file the library holds (files_test.go).
	fileID, filePath := addMembersFile(t, e)
	// A second version of it, withdrawn (the first is current again):
	// served to no one, whoever asks.
	withdrawnPath := addWithdrawnVersion(t, e, fileID)
	// A sent edition of the newsletter holding it, and its staff previews.
	editionPath, composePath := publishedEdition(t, e)
	// Paths that read resources. Each check gets the answer and the role.
	paths := []struct {
		name   string
		target string
		check  func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder)
		// asAnonymous: the path reads as anonymous whoever asks (embeds,
		// feeds without a private token). noIdentify: credentials are not
		// even looked at (embeds, which other sites frame; shared
		// endpoints such as the feed, whose cookies and Authorization
		// header shareGuard strips).
		asAnonymous, noIdentify bool
		// staffOnly: only staff and admins get an answer (exports).
		staffOnly bool
		// forbidden: readers without access get the 403 sign-in or renew
		// page (held files).
		forbidden bool
		// withdrawn: a withdrawn version's file, which nobody gets (403
		// without access, 410 with it, staff included).
		withdrawn bool
	}{
		{name: "withdrawn version download", target: withdrawnPath, withdrawn: true},
		{name: "held file download", target: filePath, forbidden: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			if !bytes.Equal(w.Body.Bytes(), docFixture(t, "briefing.pdf")) || w.Header().Get("Content-Type") != "application/pdf" {
				t.Fatalf("served %d bytes of %q", w.Body.Len(), w.Header().Get("Content-Type"))
			}
			if cc := w.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
				t.Errorf("Cache-Control %q: a shared cache could keep a members-only file", cc)
			}
		}},
		{name: "held file's text: search API", target: "/api/v1/search?q=" + fileWord, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			r := decode[searchJSON](t, w.Body)
			if !rc.access {
				if r.Total != 0 {
					t.Fatalf("found %v", hitIDs(r.Hits))
				}
				for f, vals := range r.Facets {
					for _, v := range vals {
						if v.Count != 0 {
							t.Errorf("facet %s=%s counts %d", f, v.Value, v.Count)
						}
					}
				}
				return
			}
			if facetCount(r.Facets["type"], "briefing") != 1 {
				t.Errorf("type facet %v", r.Facets["type"])
			}
			hl, _ := r.Hits[0]["highlights"].(map[string]any)
			if r.Total != 1 || r.Hits[0]["id"] != fileID || !strings.Contains(strings.Join(strs(hl["body"]), " "), "<mark>"+fileWord+"</mark>") {
				t.Fatalf("found %d: %v", r.Total, r.Hits)
			}
		}},
		{name: "held file's text: search page", target: "/search?q=" + fileWord, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			if body := w.Body.String(); rc.access {
				mustContain(t, body, "<mark>"+fileWord+"</mark>")
			} else {
				mustContain(t, body, "0 results")
				mustNotContain(t, body, fileTitle)
			}
		}},
		{name: "held file: resource API", target: "/api/v1/resources/" + fileID, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			r := decode[map[string]any](t, strings.NewReader(body))
			if rc.access {
				listed := 1 // the withdrawn version is listed to staff only
				if rc.staff {
					listed = 2
				}
				if f, _ := r["file"].(map[string]any); f == nil || f["name"] != "thresholds.pdf" || len(r["versions"].([]any)) != listed {
					t.Errorf("file expected: %v", r)
				}
				return
			}
			if _, ok := r["file"]; ok || r["versions"] != nil || strings.Contains(body, "thresholds.pdf") || strings.Contains(body, "/files/") {
				t.Errorf("teaser names the file: %s", body)
			}
		}},
		{name: "held file: resource page", target: "/resources/" + fileID, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			if body := w.Body.String(); rc.access {
				mustContain(t, body, `href="`+filePath+`"`)
				if !regexp.MustCompile(`<meta name="citation_pdf_url" content="https?://[^"]*` + regexp.QuoteMeta(filePath) + `">`).MatchString(body) {
					t.Error("no citation_pdf_url naming the held PDF")
				}
			} else {
				mustNotContain(t, body, "/files/")
				mustNotContain(t, body, fileWord)
			}
		}},
		{name: "search API: body-only word (hits, snippets, facet counts)", target: "/api/v1/search?q=" + secretWord, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			r := decode[searchJSON](t, w.Body)
			if !rc.access {
				if r.Total != 0 || len(r.Hits) != 0 {
					t.Errorf("found %d (%v)", r.Total, hitIDs(r.Hits))
				}
				for f, vals := range r.Facets {
					for _, v := range vals {
						if v.Count != 0 {
							t.Errorf("facet %s=%s counts %d", f, v.Value, v.Count)
						}
					}
				}
				return
			}
			if r.Total != 1 || len(r.Hits) != 1 || r.Hits[0]["id"] != membersID {
				t.Fatalf("found %d: %v", r.Total, hitIDs(r.Hits))
			}
			hl, _ := r.Hits[0]["highlights"].(map[string]any)
			if snippets := strs(hl["body"]); len(snippets) == 0 || !strings.Contains(snippets[0], "<mark>"+secretWord+"</mark>") {
				t.Errorf("no highlight of the secret word: %v", r.Hits[0]["highlights"])
			}
			if facetCount(r.Facets["theme"], "partnership-arrangements") != 1 {
				t.Errorf("theme facet %v", r.Facets["theme"])
			}
		}},
		{name: "search API: title words (teaser or full hit)", target: "/api/v1/search?q=funding+briefing+members", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			r := decode[searchJSON](t, strings.NewReader(body))
			var hit map[string]any
			for _, h := range r.Hits {
				if h["id"] == membersID {
					hit = h
				}
			}
			if hit == nil {
				t.Fatalf("members item missing: %v", hitIDs(r.Hits))
			}
			if rc.access {
				if hit["teaser"] == true || hit["summary"] != "Confidential summary of partner contributions." || hit["url"] == "" || hit["highlights"] == nil {
					t.Errorf("full hit expected: %v", hit)
				}
				return
			}
			if hit["teaser"] != true || hit["url"] != "" || hit["summary"] != "" || hit["highlights"] != nil {
				t.Errorf("teaser expected: %v", hit)
			}
			for _, s := range []string{membersSummary, membersURL, secretWord, "codeword"} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "search page: body-only word", target: "/search?q=codeword", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			if rc.access {
				mustContain(t, body, membersTitle)
				mustContain(t, body, "<mark>codeword</mark>")
				return
			}
			mustContain(t, body, "0 results")
			for _, s := range []string{membersTitle, membersSummary, membersURL, secretWord} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "search page: title words", target: "/search?q=funding+briefing+members", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			mustContain(t, body, `href="/resources/`+membersID+`"`)
			if rc.access {
				mustContain(t, body, membersSummary)
				return
			}
			mustContain(t, body, membersTitle)
			mustContain(t, body, "Members only")
			for _, s := range []string{membersSummary, membersURL, secretWord} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "resource page", target: "/resources/" + membersID, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			mustContain(t, body, membersTitle)
			if rc.access {
				for _, s := range []string{secretWord, membersSummary, membersURL} {
					mustContain(t, body, s)
				}
				return
			}
			mustContain(t, body, "Members only")
			for _, s := range []string{secretWord, membersSummary, membersURL} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "resource API", target: "/api/v1/resources/" + membersID, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			r := decode[map[string]any](t, strings.NewReader(body))
			if rc.access {
				if r["teaser"] == true || !strings.Contains(r["body"].(string), secretWord) || r["summary"] == "" {
					t.Errorf("full resource expected: %v", r)
				}
				return
			}
			if r["teaser"] != true || r["body"] != nil || r["url"] != "" {
				t.Errorf("teaser expected: %v", r)
			}
			for _, s := range []string{secretWord, membersSummary, membersURL} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "similar API: the members-only item's neighbours", target: "/api/v1/resources/" + membersID + "/similar?n=20", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			items := checkSimilarItems(t, rc, body)
			if len(items) == 0 {
				t.Fatal("no similar items")
			}
			if items[membersID] != nil {
				t.Error("the item is similar to itself")
			}
			for _, s := range []string{secretWord, membersSummary, membersURL} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "similar API: a public item whose neighbour is members-only", target: "/api/v1/resources/" + twinID + "/similar", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			hit := checkSimilarItems(t, rc, body)[membersID]
			if hit == nil {
				t.Fatalf("members item missing: %s", body)
			}
			mustNotContain(t, body, secretWord) // similar items carry no text
			if rc.access {
				if hit["summary"] != "Confidential summary of partner contributions." || hit["url"] == "" {
					t.Errorf("full item expected: %v", hit)
				}
				return
			}
			for _, s := range []string{membersSummary, membersURL} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "resource page: similar items", target: "/resources/" + twinID, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			section := similarSection(t, body)
			link := `<a href="/resources/` + membersID + `">` + membersTitle + `</a>`
			mustContain(t, section, link)
			after := section[strings.Index(section, link):]
			after = after[:strings.Index(after, "</li>")]
			if got := strings.Contains(after, "Members only"); got == rc.access {
				t.Errorf("members-only badge shown: %v, with access: %v", got, rc.access)
			}
			for _, s := range []string{secretWord, membersSummary, membersURL} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "themes API: counts match what the reader finds", target: "/api/v1/themes", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			r := decode[struct {
				Themes []apiTheme `json:"themes"`
			}](t, w.Body)
			for _, th := range r.Themes {
				if th.Slug != "partnership-arrangements" {
					continue
				}
				found := decode[searchJSON](t, e.getAs(t, rc.who, "/api/v1/search?theme=partnership-arrangements").Body)
				if th.Count != found.Total {
					t.Errorf("theme counts %d, the reader finds %d", th.Count, found.Total)
				}
				return
			}
			t.Error("theme missing")
		}},
		{name: "themes page", target: "/themes", check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			for _, s := range []string{secretWord, membersSummary, membersURL} {
				mustNotContain(t, w.Body.String(), s)
			}
		}},
		{name: "feed: body-only word", target: "/feed.atom?q=codeword", asAnonymous: true, noIdentify: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			for _, s := range []string{membersTitle, membersSummary, membersURL, secretWord} {
				mustNotContain(t, w.Body.String(), s)
			}
		}},
		{name: "feed: title words", target: "/feed.atom?q=funding+briefing+members", asAnonymous: true, noIdentify: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			// A feed entry is its text: members-only items are left out, not teased.
			for _, s := range []string{membersTitle, membersSummary, membersURL, secretWord} {
				mustNotContain(t, w.Body.String(), s)
			}
		}},
		{name: "embed: title words", target: "/embed/search?q=funding+briefing+members", asAnonymous: true, noIdentify: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			body := w.Body.String()
			mustContain(t, body, membersTitle)
			for _, s := range []string{membersSummary, membersURL, secretWord} {
				mustNotContain(t, body, s)
			}
		}},
		{name: "embed: body-only word", target: "/embed/search?q=codeword", asAnonymous: true, noIdentify: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			for _, s := range []string{membersTitle, membersSummary, membersURL, secretWord} {
				mustNotContain(t, w.Body.String(), s)
			}
		}},
		{name: "shared reading list page", target: sharePath, check: sharedListCheck},
		{name: "shared reading list CSV", target: sharePath + "/export.csv", check: sharedListCheck},
		{name: "newsletter edition page", target: editionPath, check: sharedListCheck},
		{name: "newsletter preview as the public", target: composePath + "/preview?as=public", staffOnly: true, check: teaserOnlyCheck},
		{name: "newsletter email preview as a lapsed member", target: composePath + "/preview/email?as=lapsed", staffOnly: true, check: teaserOnlyCheck},
		{name: "newsletter preview as a member", target: composePath + "/preview?as=member", staffOnly: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			mustContain(t, w.Body.String(), membersSummary)
		}},
		{name: "export", target: "/staff/export?format=jsonl", staffOnly: true, check: func(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
			mustContain(t, w.Body.String(), secretWord)
		}},
	}
	for _, rc := range roles(t, e) {
		t.Run(rc.name, func(t *testing.T) {
			for _, p := range paths {
				t.Run(p.name, func(t *testing.T) {
					w := e.getAs(t, rc.who, p.target)
					rc := rc
					if rc.refused && !p.noIdentify {
						if w.Code != http.StatusUnauthorized || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
							t.Fatalf("status %d, WWW-Authenticate %q", w.Code, w.Header().Get("WWW-Authenticate"))
						}
						for _, s := range []string{secretWord, membersSummary, membersURL, membersTitle} {
							mustNotContain(t, w.Body.String(), s)
						}
						return
					}
					if p.asAnonymous {
						rc.access, rc.lapsed = false, false
					}
					if p.withdrawn {
						want := http.StatusGone
						if !rc.access {
							want = http.StatusForbidden
						}
						if w.Code != want || bytes.Contains(w.Body.Bytes(), []byte("PK\x03\x04")) || strings.Contains(w.Body.String(), "referral") {
							t.Fatalf("withdrawn version: status %d, %d bytes", w.Code, w.Body.Len())
						}
						return
					}
					if p.forbidden && !rc.access {
						body := w.Body.String()
						if w.Code != http.StatusForbidden || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
							t.Fatalf("status %d (%s)", w.Code, w.Header().Get("Content-Type"))
						}
						switch {
						case rc.lapsed:
							mustContain(t, body, "renew")
						case rc.name == "anonymous" || strings.Contains(rc.name, "session"):
							mustContain(t, body, `href="/login?next=`)
						}
						mustNotContain(t, body, "%PDF")
						mustNotContain(t, body, fileWord)
						return
					}
					if p.staffOnly && !rc.staff {
						// Anonymous pages redirect to sign in; others get 403.
						if w.Code != http.StatusForbidden && w.Code != http.StatusSeeOther {
							t.Fatalf("status %d", w.Code)
						}
						for _, s := range []string{secretWord, membersSummary, membersURL} {
							mustNotContain(t, w.Body.String(), s)
						}
						return
					}
					if w.Code != http.StatusOK {
						t.Fatalf("status %d: %s", w.Code, w.Body)
					}
					if strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
						if got := strings.Contains(w.Body.String(), `id="lapsed-notice"`); got != rc.lapsed {
							t.Errorf("lapsed notice shown: %v, want %v", got, rc.lapsed)
						}
					}
					p.check(t, rc, w)
				})
			}
		})
	}
}

// TestPrivateFeedFollowsMembership: a private feed reads as its owner does
// now, so it stops carrying members-only text when the membership lapses
// or the token is revoked.
func TestPrivateFeedFollowsMembership(t *testing.T) {
	e := newAuthEnv(t)
	ctx := context.Background()
	feed := func(email string) string {
		raw, _, err := e.auth.CreateFeedToken(ctx, auth.System, email)
		if err != nil {
			t.Fatal(err)
		}
		return "/feed.atom?q=codeword&token=" + raw
	}
	member, lapsed := feed(memberEmail), feed(lapsedEmail)
	if body := e.get(t, member).Body.String(); !strings.Contains(body, membersTitle) {
		t.Errorf("member's private feed lacks the members-only item")
	}
	if body := e.get(t, lapsed).Body.String(); strings.Contains(body, membersTitle) || strings.Contains(body, secretWord) {
		t.Errorf("lapsed member's private feed carries the members-only item")
	}
	e.clock.Set(time.Date(2027, 5, 1, 12, 0, 0, 0, time.UTC)) // the member's end date has passed
	if body := e.get(t, member).Body.String(); strings.Contains(body, membersTitle) {
		t.Errorf("private feed still carries members-only items after the membership lapsed")
	}
	e.clock.Set(authNow)
	if _, err := e.auth.RevokeFeedTokens(ctx, auth.System, memberEmail); err != nil {
		t.Fatal(err)
	}
	if w := e.get(t, member); w.Code != http.StatusNotFound {
		t.Errorf("revoked private feed: %d", w.Code)
	}
}

// twinID is a public item made to be the members-only item's closest
// neighbour (same title words, publisher, type and theme), so the similar
// items of each show the other.
const twinID = "partnership-funding-briefing-public"

func addMembersTwin(t *testing.T, e *authEnv) {
	t.Helper()
	_, err := e.lib.Upsert(context.Background(), []*catalog.Resource{{
		ID: twinID, Title: "Partnership funding briefing", URL: "https://example.org/public/funding-briefing",
		Publisher: "Association of Independent LSCP Chairs", Type: "briefing", Themes: []string{"partnership-arrangements"},
		Published: "2024-01", Summary: "Public notes on partnership funding.", Access: catalog.Public, Source: "curated",
	}})
	if err != nil {
		t.Fatal(err)
	}
}

// checkSimilarItems decodes a similar-items answer and checks that
// members-only items are teasers exactly for readers without access, and
// that teasers carry nothing but public metadata. It returns the items by id.
func checkSimilarItems(t *testing.T, rc roleCase, body string) map[string]map[string]any {
	t.Helper()
	r := decode[struct {
		Items []map[string]any `json:"items"`
	}](t, strings.NewReader(body))
	byID := make(map[string]map[string]any, len(r.Items))
	for _, h := range r.Items {
		byID[h["id"].(string)] = h
		if h["highlights"] != nil || h["body"] != nil {
			t.Errorf("%s: similar items carry no text: %v", h["id"], h)
		}
		if h["access"] != "members" {
			continue
		}
		teaser := h["teaser"] == true
		if teaser == rc.access {
			t.Errorf("%s: teaser %v, reader with access %v", h["id"], teaser, rc.access)
		}
		if teaser && (h["url"] != "" || h["summary"] != "") {
			t.Errorf("%s: teaser leaks: %v", h["id"], h)
		}
	}
	return byID
}

// sharedListCheck: a shared list shows the members-only item whole to
// readers with access and as a teaser (title, no summary or link) to others.
func sharedListCheck(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
	body := w.Body.String()
	mustContain(t, body, membersTitle)
	if rc.access {
		mustContain(t, body, membersSummary)
		return
	}
	for _, s := range []string{membersSummary, membersURL, secretWord} {
		mustNotContain(t, body, s)
	}
}

// teaserOnlyCheck: the members-only item is there as a teaser, whoever
// asks (a preview as someone without access).
func teaserOnlyCheck(t *testing.T, rc roleCase, w *httptest.ResponseRecorder) {
	body := w.Body.String()
	mustContain(t, body, membersTitle)
	mustContain(t, body, "Members only")
	for _, s := range []string{membersSummary, membersURL, secretWord} {
		mustNotContain(t, body, s)
	}
}

// publishedEdition sends an edition holding the members-only item (to no
// one: the test has no mailer) and returns its page and compose paths.
func publishedEdition(t *testing.T, e *authEnv) (page, compose string) {
	t.Helper()
	ctx := context.Background()
	staff := catalog.Reader{UserID: 1, Email: staffEmail, Role: catalog.RoleStaff, Members: true}
	ed := &catalog.Edition{Title: "Access edition", Intro: "Hello.", Blocks: []catalog.EditionBlock{
		{Kind: catalog.BlockItem, ResourceID: membersID, Note: "A note."}}}
	if err := e.lib.CreateEdition(ctx, staff, ed); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.SendEdition(ctx, staff, ed.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	return "/newsletter/" + ed.Slug, fmt.Sprintf("/staff/newsletter/%d", ed.ID)
}
