package main

import (
	"fmt"
	"os"
	"time"

	"golang.org/x/term"
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
