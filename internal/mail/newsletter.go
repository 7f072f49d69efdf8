package mail

import (
	htmltemplate "html/template"

	"safelib/internal/catalog"
)

// EditionMail is one reader's copy of a newsletter edition, already cut
// to what they may read: internal/library builds the view and the items
// (library.MailItems, the same builder as the digests'), web fills this.
type EditionMail struct {
	Title    string
	PageURL  string // the edition's page in the library
	Intro    []string
	Sections []EditionMailSection
	// Lapsed adds a renewal line: members-only items are titles only.
	Lapsed bool
	// Unsubscribe is the one-click link that stops the newsletter (RFC
	// 8058); Everything stops every alert too; Manage is where choices
	// are changed (signed mail links, auth.MailLink).
	Unsubscribe, Everything, Manage string
}

// EditionMailSection is a part of an edition with its items.
type EditionMailSection struct {
	Heading    string
	Paragraphs []string
	Items      []EditionMailItem
}

// EditionMailItem is an item as the reader may see it, with the staff's
// note; Text and HTML are its parts, rendered by RenderEditionItems.
type EditionMailItem struct {
	Item catalog.MailItem
	Note string
	Text string
	HTML htmltemplate.HTML
}

// RenderEditionItems renders every item of secs with ItemParts (the
// digests' rendering), once for all the readers who share that view.
func (c *Composer) RenderEditionItems(secs []EditionMailSection) error {
	for i := range secs {
		for j := range secs[i].Items {
			it := &secs[i].Items[j]
			text, html, err := c.ItemParts([]catalog.MailItem{it.Item})
			if err != nil {
				return err
			}
			it.Text, it.HTML = text, html
		}
	}
	return nil
}

// Newsletter writes one reader's message of an edition whose items are
// rendered (RenderEditionItems), with the one-click unsubscribe headers
// (RFC 8058).
func (c *Composer) Newsletter(to string, e EditionMail) (*catalog.OutMail, error) {
	m, err := c.compose("newsletter", to, e.Title, map[string]any{"E": e, "Sections": e.Sections})
	if err != nil {
		return nil, err
	}
	m.Kind = "newsletter"
	if e.Unsubscribe != "" {
		// RFC 8058, also over http (tests run on loopback); one line.
		m.Headers = map[string]string{"List-Unsubscribe": "<" + e.Unsubscribe + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
	}
	return m, nil
}
