package catalog

import (
	"strconv"
	"strings"
)

// Why an item is in an email.
const (
	ItemNew        = "new"
	ItemNewVersion = "new version"
)

// MailItem is one library item as an email shows it to one reader, built
// by library.MailItems through the access seam: a teaser (MembersOnly)
// carries no summary or snippet, and withdrawn items are never built.
type MailItem struct {
	ID string
	// Path is the item's page in the library ("/resources/ID"): emails
	// link there, never to the original, so links don't rot.
	Path      string
	Title     string
	Publisher string
	Type      string
	Published Date
	// Why is ItemNew, ItemNewVersion or "" (the newsletter's picks).
	Why string
	// Access is the item's; MembersOnly is set when the reader may not
	// read it: title, publisher, type and date only, as on the site.
	Access      Access
	MembersOnly bool
	// Summary is the item's summary (cut for email), "" for a teaser.
	Summary string
	// Snippet is the best passage for the alert's words, as plain text,
	// and SnippetHTML the same passage HTML-escaped with the words in
	// <mark>; Where says where it is ("p. 12", "slide 4", or "").
	Snippet, SnippetHTML, Where string
}

// TypeLabel turns a type slug into words: "serious-case-review" ->
// "Serious case review".
func TypeLabel(t string) string {
	if t == "" {
		return ""
	}
	s := strings.ReplaceAll(t, "-", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

var monthNames = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// Human writes d for people: "2016", "March 2016", "15 March 2016".
func (d Date) Human() string {
	s := string(d)
	if len(s) != 7 && len(s) != 10 {
		return s
	}
	m, err := strconv.Atoi(s[5:7])
	if err != nil || m < 1 || m > 12 {
		return s
	}
	if len(s) == 7 {
		return monthNames[m-1] + " " + s[:4]
	}
	day, err := strconv.Atoi(s[8:10])
	if err != nil {
		return s
	}
	return strconv.Itoa(day) + " " + monthNames[m-1] + " " + s[:4]
}

// Digest is one person's email of one cadence: every alert of theirs with
// something new, each with up to DigestItems items.
type Digest struct {
	User    *User
	Cadence string
	// Lapsed is set for a member whose membership has ended (on Ended):
	// members-only items are teasers, and the email says how to renew.
	Lapsed bool
	Ended  string
	// Sections are the alerts with something new, in the alerts' order.
	Sections []DigestSection
	// Links are the footer's: stop these alerts (one click), stop
	// everything, manage.
	Links MailLinks
}

// DigestItems is the most items one alert shows in a digest, before
// "see all N".
const DigestItems = 25

// DigestSection is one alert's part of a digest.
type DigestSection struct {
	Alert *Alert
	// Label says what the alert follows, for people.
	Label string
	Items []MailItem
	// Total is how many new items match; SeeAll is the alert's search
	// page (a path) when Total is more than len(Items).
	Total  int
	SeeAll string
	// Links are this alert's: unsubscribe, pause, change.
	Links MailLinks
}

// MailLinks are the absolute addresses of signed mail links ("" when not
// offered).
type MailLinks struct {
	Unsubscribe, Pause, Change, Manage, Everything string
}
