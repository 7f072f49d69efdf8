package store

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"safelib/internal/catalog"
)

// TestResourceCacheSeesEveryChange loads hits through the cache after each
// kind of write (an access level, themes, a status, a write by another
// connection such as another process's, a delete) and checks every load
// against the database read directly: nothing from before a change is
// served, in particular not a members-only item as public.
func TestResourceCacheSeesEveryChange(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, id := range []string{"a", "b", "c"} {
		if err := s.InsertResource(ctx, res(id, "https://example.org/"+id)); err != nil {
			t.Fatal(err)
		}
	}
	ids := []string{"c", "a", "missing", "b", "a"}
	check := func(step string) []*catalog.Resource {
		t.Helper()
		for pass := 0; pass < 2; pass++ { // the second from the cache
			got, err := s.Resources(ctx, ids, false)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.loadResources(ctx, ids, false)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s, pass %d: cached\n%+v\nwant\n%+v", step, pass, got[0], want[0])
			}
		}
		s.cache.mu.Lock()
		n := len(s.cache.m)
		s.cache.mu.Unlock()
		if n != 3 {
			t.Fatalf("%s: %d resources cached, want 3", step, n)
		}
		got, _ := s.Resources(ctx, ids, false)
		return got
	}
	rs := check("first")

	// A caller changing what it was given changes nothing kept.
	rs[0].Themes[0], rs[0].Title, rs[0].Access = "changed", "changed", catalog.Members
	check("after a caller changed its copy")

	r, err := s.GetResource(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	r.Access = catalog.Members
	if err := s.UpdateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := check("access changed"); got[1].ID != "a" || got[1].Access != catalog.Members {
		t.Fatalf("after the access change: %+v", got[1])
	}

	r.Themes, r.MachineThemes, r.Version = []string{"sport"}, nil, 0
	if err := s.UpdateResource(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := check("themes changed"); !reflect.DeepEqual(got[1].Themes, []string{"sport"}) {
		t.Fatalf("after the theme change: %v", got[1].Themes)
	}

	// Another connection (another process would be the same) writes.
	other, err := Open(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.db.ExecContext(ctx, `UPDATE resources SET access = 'public', status = 'withdrawn' WHERE id = 'a'`); err != nil {
		t.Fatal(err)
	}
	if _, err := other.db.ExecContext(ctx, `UPDATE resource_themes SET machine = 1 WHERE resource_id = 'b'`); err != nil {
		t.Fatal(err)
	}
	other.Close()
	if got := check("written by another connection"); got[1].Status != "withdrawn" || got[1].Access != catalog.Public {
		t.Fatalf("after the other connection's write: %+v", got[1])
	}

	if err := s.MarkIndexed(ctx, map[string]int64{"b": 1}); err != nil {
		t.Fatal(err)
	}
	check("marked indexed")

	if _, err := s.db.ExecContext(ctx, `DELETE FROM resources WHERE id = 'c'`); err != nil {
		t.Fatal(err)
	}
	got, err := s.Resources(ctx, ids, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range got {
		if r.ID == "c" {
			t.Fatal("a deleted resource came from the cache")
		}
	}
}
