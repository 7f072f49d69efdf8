// Package testkit holds what several packages' tests and benchmarks share:
// a live-heap sampler, a zip member rewriter and Word header patches for
// Office fixtures. Only tests import it.
package testkit

import (
	"archive/zip"
	"bytes"
	"io"
	"runtime"
	"testing"
	"time"
)

// PeakHeap samples the heap in use every millisecond until the returned
// function is called, which stops sampling and returns the largest value
// seen.
func PeakHeap() func() uint64 {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

// ReplaceZipMember returns the zip body with member name's content
// replaced (deflated, like the rest).
func ReplaceZipMember(tb testing.TB, body []byte, name, content string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			tb.Fatal(err)
		}
		if f.Name == name {
			io.WriteString(w, content)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// EncryptedWord returns a copy of a Word 97-2003 document with Word's
// fEncrypted flag set in its file information block.
func EncryptedWord(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	out, i := wordFIB(tb, doc)
	out[i+0x0b] |= 0x01
	return out
}

// Word95 returns a copy of a Word 97-2003 document whose file information
// block says Word 6/95 (nFib 100), a format whose text is not read.
func Word95(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	out, i := wordFIB(tb, doc)
	out[i+2], out[i+3] = 100, 0
	return out
}

// wordFIB returns a copy of doc and the offset of its file information
// block (found by Word's magic number, 0xA5EC little-endian).
func wordFIB(tb testing.TB, doc []byte) ([]byte, int) {
	tb.Helper()
	i := bytes.Index(doc, []byte{0xec, 0xa5})
	if i < 0 || i+0x0b >= len(doc) {
		tb.Fatal("no file information block in the Word document")
	}
	return bytes.Clone(doc), i
}
