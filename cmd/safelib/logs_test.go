package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestJSONLogDurations(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{ReplaceAttr: durationsAsStrings}))
	log.Info("x", "took", 1500*time.Millisecond, slog.Duration("wait", 2*time.Microsecond))
	if !strings.Contains(b.String(), `"took":"1.5s"`) || !strings.Contains(b.String(), `"wait":"2µs"`) {
		t.Fatalf("JSON log: %s", b.String())
	}
}
