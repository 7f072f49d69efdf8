package index

import (
	"slices"
	"testing"
)

// TestSelections holds the filter helpers to what the web's parameter
// reader and links rely on: no empty or repeated values, a field gone
// with its last value, copies that share nothing.
func TestSelections(t *testing.T) {
	s := Selections{}
	s.Add(FieldTheme, "neglect", "", "neglect", "grooming")
	s.Add(FieldType, "")
	if !slices.Equal(s[FieldTheme], []string{"neglect", "grooming"}) || len(s) != 1 || s.Count() != 2 {
		t.Fatalf("after Add: %v", s)
	}
	if !s.Has(FieldTheme, "grooming") || s.Has(FieldTheme, "sport") || s.Has(FieldYear, "neglect") {
		t.Fatalf("Has: %v", s)
	}
	c := s.Clone()
	c.Remove(FieldTheme, "neglect")
	if !slices.Equal(s[FieldTheme], []string{"neglect", "grooming"}) || !slices.Equal(c[FieldTheme], []string{"grooming"}) {
		t.Fatalf("Remove changed the original: %v, clone %v", s, c)
	}
	c.Remove(FieldTheme, "grooming")
	if _, ok := c[FieldTheme]; ok || len(c) != 0 {
		t.Fatalf("a field without values is kept: %v", c)
	}
	var none Selections
	none.Remove(FieldTheme, "x") // no panic on nil
	if none.Clone() != nil || none.Count() != 0 || len(none.Fields()) != 0 {
		t.Fatal("nil selections")
	}
	s.Add(FieldArea, "Kent")
	if got := s.Fields(); !slices.Equal(got, []Field{FieldArea, FieldTheme}) {
		t.Fatalf("Fields %v", got)
	}
	for _, name := range []string{"theme", "access", "source"} {
		if f, ok := ParseField(name); !ok || string(f) != name {
			t.Errorf("ParseField(%q) = %q, %v", name, f, ok)
		}
	}
	if _, ok := ParseField("colour"); ok {
		t.Error("ParseField accepts colour")
	}
	if FieldAccess.IsFacet() || !FieldArea.IsFacet() {
		t.Error("IsFacet")
	}
}
