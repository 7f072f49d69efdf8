package library

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"safelib/internal/catalog"
)

// newFuzzLibrary is the seeded library on a real SQLite file and an
// in-memory index, for a fuzz target (which has no *testing.T to give).
func newFuzzLibrary(tb testing.TB) *Library {
	tb.Helper()
	l := newEmptyLibrary(tb)
	if _, err := l.SeedIfEmpty(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return l
}

// FuzzImport feeds arbitrary JSONL and CSV to Import on a real SQLite
// store: it must never panic, must report every bad row by a line number
// within the file, must change nothing on a dry run, must agree with the
// dry run when run for real, and a second import of the same file must
// change nothing.
//
//	go test -run='^$' -fuzz='^FuzzImport$' -fuzztime=20s ./internal/library
func FuzzImport(f *testing.F) {
	f.Add([]byte(`{"id":"fz-1","title":"Neglect report","url":"https://example.org/a","type":"report","themes":["neglect"],"published":"2021-03"}`+"\n"), "jsonl")
	f.Add([]byte("{\"title\":\"No id\",\"url\":\"https://example.org/b\"}\n{\"title\":\"Same url\",\"url\":\"https://example.org/b\"}\n\n{bad json\n"), "")
	f.Add([]byte(`{"title":"x","unknown":1}`+"\n"+`{"title":"","access":"secret","published":"31/02/2020"}`), "jsonl")
	f.Add([]byte("id,title,url,themes,published,access\nfz-2,Exploitation review,https://example.org/c,child-sexual-exploitation;online-abuse,2019,members\n,Second,,,,\n"), "csv")
	f.Add([]byte("title,body\n\"unterminated,quote\nnext,row\n"), "")
	f.Add([]byte("\ufefftitle\nOnly a title\n"), "csv")
	f.Add([]byte("nope,title\n"), "csv")
	f.Add([]byte(`{"title":"Pages","pages":["one","two"],"body":"one\n\ntwo","machine_themes":["neglect"]}`), "jsonl")
	l := newFuzzLibrary(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte, format string) {
		if len(data) > 64<<10 || (format != "" && format != "jsonl" && format != "csv") {
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		before, err := l.ChangeMarker(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dry, err := l.Import(ctx, catalog.System, bytes.NewReader(data), format, true)
		if err != nil && !errors.Is(err, catalog.ErrInvalid) {
			t.Fatalf("dry run: unexpected error kind: %v", err)
		}
		if after, _ := l.ChangeMarker(ctx); after != before {
			t.Fatalf("a dry run changed the library (marker %d -> %d)", before, after)
		}
		if err != nil {
			return
		}
		if dry.Inserted+dry.Updated+dry.Unchanged != 0 || !dry.DryRun {
			t.Fatalf("dry run reports writes: %+v", dry)
		}
		if len(dry.Errors) > dry.Rows {
			t.Fatalf("%d errors for %d rows", len(dry.Errors), dry.Rows)
		}
		for _, e := range dry.Errors {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("error on line %d of a %d-line file: %+v", e.Line, lines, e)
			}
		}

		real, err := l.Import(ctx, catalog.System, bytes.NewReader(data), format, false)
		if err != nil {
			t.Fatalf("the dry run passed but the import failed: %v", err)
		}
		if real.Rows != dry.Rows || len(real.Errors) != len(dry.Errors) {
			t.Fatalf("import and dry run disagree: %+v vs %+v", real, dry)
		}
		if got, want := real.Inserted+real.Updated+real.Unchanged, real.Rows-len(real.Errors); got != want {
			t.Fatalf("%d rows written, %d valid: %+v", got, want, real)
		}
		again, err := l.Import(ctx, catalog.System, bytes.NewReader(data), format, false)
		if err != nil {
			t.Fatalf("second import: %v", err)
		}
		if again.Inserted+again.Updated != 0 {
			t.Fatalf("importing the same file twice changed %d+%d resources: %+v", again.Inserted, again.Updated, again.Errors)
		}
	})
}
