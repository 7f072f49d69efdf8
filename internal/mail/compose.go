package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"safelib/internal/catalog"
)

//go:embed templates/*.txt templates/*.html
var templateFS embed.FS

// Each message kind has a .txt and a .html template of the same name; the
// HTML is plain markup, readable without images or styles.
var (
	textTemplates = texttemplate.Must(texttemplate.New("").Funcs(texttemplate.FuncMap{"facts": facts}).
			ParseFS(templateFS, "templates/*.txt"))
	htmlTemplates = htmltemplate.Must(htmltemplate.New("").Funcs(htmltemplate.FuncMap{"facts": facts, "markup": markup}).
			ParseFS(templateFS, "templates/*.html"))
)

// Composer writes the library's messages: it knows the public URL (for
// absolute links) and the From address (for Message-IDs).
type Composer struct {
	// BaseURL is --base-url without a trailing slash.
	BaseURL string
	From    string
	// Loc is where times in messages are shown (UK time).
	Loc *time.Location
}

// compose renders kind's two templates for data.
func (c *Composer) compose(kind, to, subject string, data map[string]any) (*catalog.OutMail, error) {
	data["Base"] = c.BaseURL
	data["Subject"] = subject
	var text, html bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&text, kind+".txt", data); err != nil {
		return nil, fmt.Errorf("compose %s: %w", kind, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&html, kind+".html", data); err != nil {
		return nil, fmt.Errorf("compose %s: %w", kind, err)
	}
	return &catalog.OutMail{Kind: kind, To: to, Subject: subject, Text: text.String(), HTML: html.String(),
		MessageID: NewMessageID(c.From)}, nil
}

func (c *Composer) when(t time.Time) string {
	loc := c.Loc
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04 on 2 January 2006")
}

// Reset is the message with a link to choose a new password, asked for
// on /forgot (kind "reset") or sent by an admin as an invitation ("invite").
func (c *Composer) Reset(kind string, u *catalog.User, link string, expires time.Time) (*catalog.OutMail, error) {
	subject := "Choose a new password for the library"
	if kind == "invite" {
		subject = "You are invited to the association's library"
	}
	return c.compose(kind, u.Email, subject, map[string]any{"Email": u.Email, "Name": u.Name,
		"Link": link, "Expires": c.when(expires)})
}

// Notice tells the old address that a password or email address changed
// (what: "password" or "email").
func (c *Composer) Notice(what, oldEmail, newEmail string, at time.Time) (*catalog.OutMail, error) {
	subject := "Your library password was changed"
	if what == "email" {
		subject = "Your library sign-in address was changed"
	}
	return c.compose("notice", oldEmail, subject, map[string]any{"What": what, "Email": oldEmail,
		"NewEmail": newEmail, "When": c.when(at), "Forgot": c.BaseURL + "/forgot"})
}

// Reminder is a renewal reminder: stage "30" or "7" days before the
// membership's end date (the last day of access), or "lapsed".
func (c *Composer) Reminder(stage string, u *catalog.User, end string) (*catalog.OutMail, error) {
	subject := "Your membership of the association ends on " + civil(end)
	if stage == "lapsed" {
		subject = "Your membership of the association has ended"
	}
	return c.compose("reminder", u.Email, subject, map[string]any{"Stage": stage, "Email": u.Email, "Name": u.Name,
		"End": civil(end), "Org": u.OrgName, "Account": c.BaseURL + "/members/account"})
}

// civil formats a YYYY-MM-DD date as "30 April 2027".
func civil(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}
