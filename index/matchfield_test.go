package index

import (
	"context"
	"testing"
)

// TestMatchFieldsWeighFields checks what the matching fields hold: each
// text field's terms weight times (frequency and length), the members-only
// fields' terms only in fMAll.
func TestMatchFieldsWeighFields(t *testing.T) {
	ix, err := OpenMemory(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Document{
		// "restraint": title once (x4), summary twice (x2), body three times (x1).
		{ID: "pub", Title: "Restraint", Summary: "Restraint and more restraint.", Body: "restraint, restraint; restraint.", Publisher: "Ofsted", Access: AccessPublic},
		{ID: "mem", Title: "Restraint", Summary: "Restraint.", Body: "restraint restraint", Access: AccessMembers},
	}
	if err := ix.Batch(docs, nil); err != nil {
		t.Fatal(err)
	}
	freq := func(r indexReader, field, term, id string) uint64 {
		t.Helper()
		iid, err := r.InternalID(id)
		if err != nil {
			t.Fatal(err)
		}
		tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		d, err := tfr.Advance(iid, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil || !d.ID.Equals(iid) {
			return 0
		}
		return d.Freq
	}
	err = ix.withReader(func(r indexReader) error {
		for _, c := range []struct {
			field, term, id string
			want            uint64
		}{
			{fAll, "restraint", "pub", 4 + 2*2 + 3},
			{fMAll, "restraint", "pub", 4 + 2*2 + 3},
			{fAll, "ofst", "pub", 2},      // the publisher, stemmed, weight 2
			{fAll, "restraint", "mem", 4}, // only the title is public
			{fMAll, "restraint", "mem", 4 + 2 + 2},
		} {
			if got := freq(r, c.field, c.term, c.id); got != c.want {
				t.Errorf("%s %q of %s: frequency %d, want %d", c.field, c.term, c.id, got, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
