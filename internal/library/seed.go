package library

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"safelib/internal/catalog"
)

// seedJSON is the default library: the resources named in the documents
// the project grew from (see seed/NOTES.md for doubtful facts).
//
//go:embed seed/seed-catalog.json
var seedJSON []byte

type seedItem struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	URL        string            `json:"url"`
	Publisher  string            `json:"publisher"`
	Published  string            `json:"published"`
	Type       string            `json:"type"`
	Themes     []string          `json:"themes"`
	Summary    string            `json:"summary"`
	Access     string            `json:"access"`
	Sport      string            `json:"sport"`
	Phone      string            `json:"phone"`
	Email      string            `json:"email"`
	Area       string            `json:"area"`
	Region     string            `json:"region"`
	Confidence map[string]string `json:"confidence"`
}

// SeedResources returns the embedded default library.
func SeedResources() ([]*catalog.Resource, error) {
	var items []seedItem
	if err := json.Unmarshal(seedJSON, &items); err != nil {
		return nil, fmt.Errorf("embedded seed catalog: %w", err)
	}
	out := make([]*catalog.Resource, 0, len(items))
	for _, it := range items {
		out = append(out, &catalog.Resource{
			ID:        it.ID,
			URL:       it.URL,
			Title:     it.Title,
			Publisher: it.Publisher,
			Type:      it.Type,
			Themes:    it.Themes,
			Published: catalog.Date(it.Published),
			Area:      it.Area,
			Region:    it.Region,
			Summary:   it.Summary,
			Access:    catalog.Access(it.Access),
			Source:    "seed",
			Sport:     it.Sport,
			Phone:     it.Phone,
			Email:     it.Email,
		})
	}
	return out, nil
}

// SeedIfEmpty loads the embedded default library into an empty store.
func (l *Library) SeedIfEmpty(ctx context.Context) (int, error) {
	counts, err := l.st.ResourceCounts(ctx)
	if err != nil {
		return 0, err
	}
	for _, n := range counts {
		if n > 0 {
			return 0, nil
		}
	}
	rs, err := SeedResources()
	if err != nil {
		return 0, err
	}
	st, err := l.Upsert(ctx, rs)
	if err != nil {
		return 0, fmt.Errorf("seed library: %w", err)
	}
	l.log.Info("seeded default library", "resources", st.Inserted)
	return st.Inserted, nil
}
