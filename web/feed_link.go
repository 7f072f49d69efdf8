package web

// The layout links a page to its Atom feed with <link rel="alternate">
// when the page's data has one: every page has FeedURL through Page
// (none), and the search page (any search, a theme's included) and the
// themes page override it.

// FeedURL is the address of the page's feed, "" when it has none.
func (p Page) FeedURL() string { return "" }

// FeedTitle names the page's feed for feed readers and browsers.
func (p Page) FeedTitle() string { return "" }

// FeedURL is the feed of this search: its query and filters, newest first.
func (d searchData) FeedURL() string {
	if d.Result == nil {
		return ""
	}
	return feedPath(d.Result.Params)
}

// FeedTitle names the search's feed.
func (d searchData) FeedTitle() string { return "Atom feed of this search" }

// FeedURL is the feed of everything, newest first.
func (d themesData) FeedURL() string { return "/feed.atom" }

// FeedTitle names the feed of everything.
func (d themesData) FeedTitle() string { return "Atom feed of the newest resources" }
