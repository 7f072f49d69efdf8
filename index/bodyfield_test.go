package index

import (
	"bytes"
	"fmt"
	"math/rand"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// TestChunkedFieldMatchesTextField: a long text analysed a piece at a time
// gives exactly the terms, frequencies, length, offsets and positions that
// Bleve's TextField gives for the whole text at once.
func TestChunkedFieldMatchesTextField(t *testing.T) {
	im, err := buildMapping()
	if err != nil {
		t.Fatal(err)
	}
	da, ok := im.AnalyzerNamed(anEnglish).(*analysis.DefaultAnalyzer)
	if !ok {
		t.Fatal("english analyzer is not a DefaultAnalyzer")
	}
	words := strings.Fields("the child's safety a referral to Children’s services café naïve e\u0301tude 2024 is of and " +
		"neglect abuse über straße 子供 の 安全 multi-agency well-being O'Brien's x1y2 — ... \r\n \t")
	rng := rand.New(rand.NewSource(7))
	var b strings.Builder
	for b.Len() < 5*bodyChunk+123 {
		b.WriteString(words[rng.Intn(len(words))])
		switch rng.Intn(10) {
		case 0:
			b.WriteString("\n\n")
		case 1:
			b.WriteString("  ")
		case 2:
			b.WriteString(" \u0301") // a combining mark after a space
		default:
			b.WriteByte(' ')
		}
	}
	value := []byte(b.String())

	if err := sameAnalysis(da, value, 0); err != "" {
		t.Fatal(err)
	}
}

// FuzzChunkedField: for any text and piece size, analysing a piece at a
// time gives exactly what one pass gives.
func FuzzChunkedField(f *testing.F) {
	f.Add("The child's safety: a referral to Children’s services.", 7)
	f.Add("e \u0301tude  naïve\r\n\tcafé 子供の安全 O'Brien's", 3)
	f.Add(strings.Repeat("neglect abuse ", 50), 16)
	im, err := buildMapping()
	if err != nil {
		f.Fatal(err)
	}
	da := im.AnalyzerNamed(anEnglish).(*analysis.DefaultAnalyzer)
	f.Fuzz(func(t *testing.T, text string, chunk int) {
		if chunk <= 0 || chunk > 1<<16 || len(text) > 1<<16 || !utf8.ValidString(text) {
			t.Skip()
		}
		if err := sameAnalysis(da, []byte(text), chunk); err != "" {
			t.Fatalf("%q in pieces of %d: %s", text, chunk, err)
		}
	})
}

// sameAnalysis compares chunkedField (pieces of chunk bytes; 0: the
// default) with Bleve's TextField on value, and describes a difference.
func sameAnalysis(da *analysis.DefaultAnalyzer, value []byte, chunk int) string {
	opts := fieldSpec{fBody, kindText}.options()
	want := document.NewTextFieldCustom(fBody, nil, bytes.Clone(value), opts, da)
	want.Analyze()
	got := &chunkedField{name: fBody, value: bytes.Clone(value), options: opts, analyzer: da, chunk: chunk}
	got.Analyze()
	if got.AnalyzedLength() != want.AnalyzedLength() {
		return fmt.Sprintf("length %d, want %d", got.AnalyzedLength(), want.AnalyzedLength())
	}
	gf, wf := got.AnalyzedTokenFrequencies(), want.AnalyzedTokenFrequencies()
	if len(gf) != len(wf) {
		return fmt.Sprintf("%d distinct terms, want %d", len(gf), len(wf))
	}
	for term, w := range wf {
		g := gf[term]
		if g == nil {
			return fmt.Sprintf("term %q missing", term)
		}
		if g.Frequency() != w.Frequency() || string(g.Term) != string(w.Term) {
			return fmt.Sprintf("term %q: frequency %d, want %d", term, g.Frequency(), w.Frequency())
		}
		if !reflect.DeepEqual(locations(g), locations(w)) {
			return fmt.Sprintf("term %q: locations differ: got %v..., want %v...", term, first(locations(g)), first(locations(w)))
		}
	}
	return ""
}

func locations(tf *bindex.TokenFreq) [][3]int {
	out := make([][3]int, 0, len(tf.Locations))
	for _, l := range tf.Locations {
		out = append(out, [3]int{l.Start, l.End, l.Position})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func first(l [][3]int) [][3]int { return l[:min(5, len(l))] }

func TestChunkEnd(t *testing.T) {
	for _, c := range []struct {
		in   string
		size int
		want int
	}{
		{"abc def", 10, 7},
		{"abc def ghi", 2, 4},
		{"abc  def", 3, 5},
		{"abc \u0301def ghi", 2, 10},
		{"abcdefgh", 2, 8},
	} {
		if got := chunkEnd([]byte(c.in), 0, c.size); got != c.want {
			t.Errorf("chunkEnd(%q, %d) = %d, want %d", c.in, c.size, got, c.want)
		}
	}
}

func TestTightenGC(t *testing.T) {
	old := debug.SetGCPercent(400)
	defer debug.SetGCPercent(old)
	restore1 := tightenGC()
	restore2 := tightenGC()
	if p := debug.SetGCPercent(largeBatchGCPercent); p != largeBatchGCPercent {
		t.Fatalf("GC percent %d while tightened, want %d", p, largeBatchGCPercent)
	}
	restore1()
	if p := debug.SetGCPercent(largeBatchGCPercent); p != largeBatchGCPercent {
		t.Fatalf("GC percent %d while one large batch still runs, want %d", p, largeBatchGCPercent)
	}
	restore2()
	if p := debug.SetGCPercent(400); p != 400 {
		t.Fatalf("GC percent %d after, want 400 back", p)
	}
}
