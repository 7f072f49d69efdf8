package mail

import (
	htmltemplate "html/template"
	"strconv"

	"safelib/internal/catalog"
)

// digestSection is a section as the digest templates use it.
type digestSection struct {
	catalog.DigestSection
	Count     int
	ItemsText string
	ItemsHTML htmltemplate.HTML
}

// Digest writes an alert digest with RFC 8058 one-click unsubscribe
// headers: List-Unsubscribe names the link that ends the alerts this
// email reports on, and List-Unsubscribe-Post says a POST of
// "List-Unsubscribe=One-Click" to it does so. Both are set by hand, on
// one line (go-mail's SetListUnsubscribeOneClick refuses http links, which
// tests on loopback use, and folding the header breaks DKIM at relays).
func (c *Composer) Digest(d *catalog.Digest) (*catalog.OutMail, error) {
	total := 0
	secs := make([]digestSection, 0, len(d.Sections))
	for _, s := range d.Sections {
		text, html, err := c.ItemParts(s.Items)
		if err != nil {
			return nil, err
		}
		ds := digestSection{DigestSection: s, Count: len(s.Items), ItemsText: text, ItemsHTML: html}
		if ds.SeeAll != "" {
			ds.SeeAll = c.BaseURL + ds.SeeAll
		}
		secs = append(secs, ds)
		total += len(s.Items)
	}
	what := strconv.Itoa(total) + " new items"
	if total == 1 {
		what = "1 new item"
	}
	subject := "Library alerts: " + what
	intro := "Here is what is new in the library for your " + d.Cadence + " alerts."
	if len(d.Sections) == 1 {
		subject = "Library alert: " + what + " for " + d.Sections[0].Label
		intro = "Here is what is new in the library for your " + d.Cadence + " alert."
	}
	m, err := c.compose("digest", d.User.Email, subject, map[string]any{"Name": d.User.Name, "Intro": intro,
		"Lapsed": d.Lapsed, "Ended": civil(d.Ended), "Sections": secs, "Cadence": d.Cadence, "Links": d.Links})
	if err != nil {
		return nil, err
	}
	m.Headers = map[string]string{
		"List-Unsubscribe":      "<" + d.Links.Unsubscribe + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
	return m, nil
}
