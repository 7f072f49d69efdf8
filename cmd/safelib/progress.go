package main

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"safelib/internal/library"
)

// progress returns a callback that shows done/total on a terminal (at most
// a few times a second) and stays silent otherwise; logs carry the summary.
func progress(label string) func(done, total int) {
	if !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil
	}
	var last time.Time
	return func(done, total int) {
		if time.Since(last) < 200*time.Millisecond && done < total {
			return
		}
		last = time.Now()
		if total > 0 {
			fmt.Fprintf(os.Stderr, "\r%s: %d/%d (%d%%)   ", label, done, total, done*100/total)
		} else {
			fmt.Fprintf(os.Stderr, "\r%s: %d   ", label, done)
		}
		if done >= total && total > 0 {
			fmt.Fprintln(os.Stderr)
		}
	}
}

// importReporter shows an import's progress: on a terminal a bar redrawn
// a few times a second, otherwise a log line every logEvery, each with
// rows done, rows per second and (while writing, when the total is known)
// the time left.
type importReporter struct {
	w        io.Writer // the terminal, or nil to log instead
	log      *slog.Logger
	now      func() time.Time
	logEvery time.Duration

	phase      string
	phaseStart time.Time
	last       time.Time
}

func newImportReporter(log *slog.Logger) *importReporter {
	r := &importReporter{log: log, now: time.Now, logEvery: 5 * time.Second}
	if term.IsTerminal(int(os.Stderr.Fd())) {
		r.w = os.Stderr
	}
	return r
}

// report is the library's progress callback.
func (r *importReporter) report(p library.ImportProgress) {
	now := r.now()
	if p.Phase != r.phase {
		if r.w != nil && r.phase != "" {
			fmt.Fprintln(r.w)
		}
		r.phase, r.phaseStart, r.last = p.Phase, now, time.Time{}
	}
	finished := p.Total > 0 && p.Done >= p.Total
	every := r.logEvery
	if r.w != nil {
		every = 200 * time.Millisecond
	}
	if !finished && !r.last.IsZero() && now.Sub(r.last) < every {
		return
	}
	if r.last.IsZero() && !finished && p.Done > 0 && now.Sub(r.phaseStart) < every {
		return // the first line after a little while, with a rate worth reading
	}
	r.last = now
	elapsed := now.Sub(r.phaseStart).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.Done) / elapsed
	}
	var left time.Duration
	if p.Total > 0 && rate > 0 {
		left = time.Duration(float64(p.Total-p.Done) / rate * float64(time.Second)).Round(time.Second)
	}
	if r.w == nil {
		args := []any{"phase", p.Phase, "rows", p.Done, "rows_per_second", math.Round(rate)}
		if p.Total > 0 {
			args = append(args, "of", p.Total)
			if rate > 0 { // no rate yet, no estimate
				args = append(args, "left", left.String())
			}
		}
		r.log.Info("import progress", args...)
		return
	}
	fmt.Fprintf(r.w, "\r%s", progressLine(p, rate, left))
	if finished {
		fmt.Fprintln(r.w)
		r.phase = ""
	}
}

// progressLine is one redraw of the bar: "writing [=====>    ] 45000/100000
// rows  1234 rows/s  45s left".
func progressLine(p library.ImportProgress, rate float64, left time.Duration) string {
	if p.Total <= 0 {
		return fmt.Sprintf("import: %s %d rows  %.0f rows/s   ", p.Phase, p.Done, rate)
	}
	const width = 30
	filled := min(width, p.Done*width/p.Total)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	return fmt.Sprintf("import: %s [%s] %d/%d rows  %.0f rows/s  %s left   ", p.Phase, bar, p.Done, p.Total, rate, left)
}
