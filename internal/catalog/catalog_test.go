package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		year int
		key  string
	}{
		{"2016", true, 2016, "2016-00-00"},
		{"2016-12", true, 2016, "2016-12-00"},
		{"2016-10-12", true, 2016, "2016-10-12"},
		{"", true, 0, ""},
		{"2016-13", false, 0, ""},
		{"2016-02-30", false, 0, ""},
		{"12/10/2016", false, 0, ""},
		{"20161", false, 0, ""},
	} {
		d, err := ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) err = %v", tc.in, err)
			continue
		}
		if tc.ok && (d.Year() != tc.year || d.SortKey() != tc.key) {
			t.Errorf("ParseDate(%q) = year %d key %q", tc.in, d.Year(), d.SortKey())
		}
	}
}

func TestValidate(t *testing.T) {
	valid := func(s string) bool { return s == "neglect" }
	base := func() Resource {
		return Resource{Title: " A  report ", Type: "Report", Themes: []string{"Neglect", "neglect"},
			Published: "2017-05", URL: "https://example.org/r", Source: "curated"}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Resource)
		field string
	}{
		{"ok", func(*Resource) {}, ""},
		{"no title", func(r *Resource) { r.Title = " " }, "title"},
		{"bad type", func(r *Resource) { r.Type = "novel" }, "type"},
		{"bad url", func(r *Resource) { r.URL = "javascript:alert(1)" }, "url"},
		{"bad date", func(r *Resource) { r.Published = "May 2017" }, "published"},
		{"bad theme", func(r *Resource) { r.Themes = []string{"gardening"} }, "themes"},
		{"bad access", func(r *Resource) { r.Access = "secret" }, "access"},
		{"bad id", func(r *Resource) { r.ID = "Has Spaces" }, "id"},
		{"long title", func(r *Resource) { r.Title = strings.Repeat("x", MaxTitle+1) }, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			tc.edit(&r)
			r.Normalize()
			err := r.Validate(valid)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				if r.Title != "A report" || r.Type != "report" || len(r.Themes) != 1 || r.ID != "a-report-2017" || r.Access != Public {
					t.Fatalf("normalized: %+v", r)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("want error on %s, got %v", tc.field, err)
			}
		})
	}
}

func TestContentHashChangesWithFields(t *testing.T) {
	r := Resource{Title: "t", Themes: []string{"a"}}
	h := r.ContentHash()
	r.Themes = []string{"b"}
	if r.ContentHash() == h {
		t.Fatal("themes don't change the hash")
	}
	r.Created = r.Created.AddDate(1, 0, 0)
	h2 := r.ContentHash()
	r.Version = 9
	if r.ContentHash() != h2 {
		t.Fatal("version changes the hash")
	}
}
