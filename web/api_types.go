package web

import (
	"time"

	"safelib/internal/catalog"
	"safelib/internal/library"
)

// apiHit is a resource in API answers. Field names are a published
// contract: add fields, never rename them. For a teaser (a members-only
// item the reader can't read) url and summary are empty and highlights and
// body are absent.
type apiHit struct {
	library.ResourceFields
	// SuggestedThemes are the tagger's, not yet confirmed by staff: the
	// item is found under them too (themes holds the confirmed ones).
	SuggestedThemes []string `json:"suggested_themes"`
	Teaser          bool     `json:"teaser,omitempty"`
	// Highlights are HTML snippets (text escaped, matches in <mark>).
	Highlights map[string][]string `json:"highlights,omitempty"`
	// Page is the PDF page the body highlight comes from.
	Page int `json:"page,omitempty"`
	// Slide is the presentation slide the body highlight comes from.
	Slide int `json:"slide,omitempty"`
	// Listing contact fields (type "listing").
	Sport string `json:"sport,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

func newAPIHit(r *catalog.Resource, teaser bool) apiHit {
	h := apiHit{ResourceFields: library.FieldsOf(r), Teaser: teaser}
	h.SuggestedThemes = r.MachineThemes
	if h.SuggestedThemes == nil {
		h.SuggestedThemes = []string{}
	}
	if teaser {
		h.URL, h.Summary = "", "" // what anyone may see of a members-only item
	} else {
		h.Sport, h.Phone, h.Email = r.Sport, r.Phone, r.Email
	}
	return h
}

func searchHit(h library.Hit) apiHit {
	out := newAPIHit(h.Resource, h.Teaser)
	if !h.Teaser {
		out.Highlights = h.Highlights
		if out.Highlights == nil {
			out.Highlights = map[string][]string{}
		}
		out.Page, out.Slide = h.Page, h.Slide
	}
	return out
}

// apiResource is one resource with its text and times.
type apiResource struct {
	apiHit
	Body         string    `json:"body,omitempty"`
	LastVerified string    `json:"last_verified,omitempty"`
	LastReviewed string    `json:"last_reviewed,omitempty"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	// File is the current file the library holds, Versions every version
	// of it, oldest first (files.go); absent when it holds none.
	File     *apiFile     `json:"file,omitempty"`
	Versions []apiVersion `json:"versions,omitempty"`
}
