package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"safelib/internal/library"
)

// An import of 100,000 rows at 1,000 rows a second (a fake clock): off a
// terminal, a log line every 5 s with rows done, rows per second and time
// left; on one, a bar.
func TestImportReporter(t *testing.T) {
	clock := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	run := func(r *importReporter) {
		r.now = func() time.Time { return clock }
		for done := 0; done <= 20_000; done += 500 {
			r.report(library.ImportProgress{Phase: "checking", Done: done})
			clock = clock.Add(100 * time.Millisecond)
		}
		r.report(library.ImportProgress{Phase: "writing", Total: 100_000})
		for done := 1000; done <= 100_000; done += 1000 {
			clock = clock.Add(time.Second)
			r.report(library.ImportProgress{Phase: "writing", Done: done, Total: 100_000})
		}
	}

	var logs bytes.Buffer
	run(&importReporter{log: slog.New(slog.NewTextHandler(&logs, nil)), logEvery: 5 * time.Second})
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	// checking: 4 s in 0.1 s steps (no full 5 s line but the first); writing: 100 s.
	if len(lines) < 20 || len(lines) > 26 {
		t.Fatalf("%d log lines, want one every 5 s:\n%s", len(lines), logs.String())
	}
	var mid string
	for _, l := range lines {
		if strings.Contains(l, "rows=50000 ") {
			mid = l
		}
	}
	for _, want := range []string{"phase=writing", "rows_per_second=1000", "of=100000", "left=50s"} {
		if !strings.Contains(mid, want) {
			t.Errorf("the line at 50,000 rows lacks %s: %q", want, mid)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "rows=100000") || !strings.Contains(last, "left=0s") {
		t.Errorf("the last line is not the finish: %q", last)
	}

	var tty bytes.Buffer
	run(&importReporter{w: &tty, log: slog.New(slog.DiscardHandler)})
	out := tty.String()
	for _, want := range []string{"\rimport: checking ", "rows/s", "\rimport: writing [===============>              ] 50000/100000 rows  1000 rows/s  50s left",
		"[==============================] 100000/100000 rows"} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q", want)
		}
	}
	if redraws := strings.Count(out, "\r"); redraws < 90 {
		t.Errorf("%d redraws of the bar over 100 s", redraws)
	}
}
