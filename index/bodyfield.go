package index

import (
	"runtime/debug"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/document"
	bindex "github.com/blevesearch/bleve_index_api"
)

// bodyChunk is how much text a long field is analysed at a time.
const bodyChunk = 64 << 10

// maxStems bounds the stems one long field remembers (a text of distinct
// tokens, such as identifiers, would otherwise grow the cache with it).
const maxStems = 50_000

// chunkedField is a text field that is analysed a piece at a time. Bleve's
// own TextField analyses the whole value into one token stream (about 80
// bytes per token, plus the stemmer's copies) before counting terms, so a
// 10 MB body held about 200 MB of tokens at once on top of the term
// locations the index keeps (issue 12, "Large documents"). Here only one
// piece's tokens are alive at a time; the terms, frequencies, lengths and
// locations (byte offsets and positions across the whole value) are exactly
// what TextField would give, so queries, phrases and snippets are unchanged
// and the mapping is the same.
type chunkedField struct {
	name        string
	value       []byte
	options     bindex.FieldIndexingOptions
	analyzer    *analysis.DefaultAnalyzer
	wait        func()
	chunk       int // piece size; 0: bodyChunk (tests use small ones)
	length      int
	frequencies bindex.TokenFrequencies
}

var _ document.Field = (*chunkedField)(nil)

func (f *chunkedField) Name() string                         { return f.name }
func (f *chunkedField) ArrayPositions() []uint64             { return nil }
func (f *chunkedField) Options() bindex.FieldIndexingOptions { return f.options }
func (f *chunkedField) Value() []byte                        { return f.value }
func (f *chunkedField) NumPlainTextBytes() uint64            { return uint64(len(f.value)) }
func (f *chunkedField) EncodedFieldType() byte               { return 't' }
func (f *chunkedField) AnalyzedLength() int                  { return f.length }
func (f *chunkedField) AnalyzedTokenFrequencies() bindex.TokenFrequencies {
	return f.frequencies
}

// Size estimates the memory the field holds (Bleve's accounting).
func (f *chunkedField) Size() int {
	n := 96 + len(f.name) + len(f.value)
	if f.frequencies != nil {
		n += f.frequencies.Size()
	}
	return n
}

// Analyze runs the analyzer's tokenizer and filters over one piece of the
// value at a time, cut only at spaces, and shifts each piece's offsets and
// positions by where it starts.
func (f *chunkedField) Analyze() {
	if f.wait != nil {
		f.wait()
	}
	freqs := bindex.TokenFrequencies{}
	vectors := f.options.IncludeTermVectors()
	countFreq := !f.options.SkipFreqNorm()
	offset, posBase := 0, 0
	stems := map[string][]byte{}
	size := f.chunk
	if size <= 0 {
		size = bodyChunk
	}
	for offset < len(f.value) {
		end := chunkEnd(f.value, offset, size)
		piece := f.value[offset:end]
		for _, cf := range f.analyzer.CharFilters {
			piece = cf.Filter(piece)
		}
		tokens := f.analyzer.Tokenizer.Tokenize(piece)
		// Positions count the tokenizer's tokens, stop words included, so
		// the next piece continues from the last one the tokenizer gave.
		lastPos := 0
		if len(tokens) > 0 {
			lastPos = tokens[len(tokens)-1].Position
		}
		tokens = f.filter(tokens, stems)
		f.length += len(tokens)
		var locs []bindex.TokenLocation
		if vectors {
			locs = make([]bindex.TokenLocation, len(tokens))
		}
		for i, t := range tokens {
			curr, ok := freqs[string(t.Term)]
			if !ok {
				curr = &bindex.TokenFreq{Term: []byte(string(t.Term))}
				freqs[string(curr.Term)] = curr
			}
			if vectors {
				locs[i] = bindex.TokenLocation{
					Start:    t.Start + offset,
					End:      t.End + offset,
					Position: t.Position + posBase,
				}
				curr.Locations = append(curr.Locations, &locs[i])
			}
			if countFreq {
				curr.SetFrequency(curr.Frequency() + 1)
			}
		}
		posBase += lastPos
		offset = end
	}
	f.frequencies = freqs
}

// filter applies the analyzer's token filters. A final Porter stemmer is
// applied once per distinct word (stems caches it): a long text repeats
// its words, and the stemmer allocates two copies of every token it stems.
func (f *chunkedField) filter(tokens analysis.TokenStream, stems map[string][]byte) analysis.TokenStream {
	filters := f.analyzer.TokenFilters
	var stemmer *porter.PorterStemmer
	if n := len(filters); n > 0 {
		if p, ok := filters[n-1].(*porter.PorterStemmer); ok {
			stemmer, filters = p, filters[:n-1]
		}
	}
	for _, tf := range filters {
		tokens = tf.Filter(tokens)
	}
	if stemmer == nil {
		return tokens
	}
	one := make(analysis.TokenStream, 1)
	for _, t := range tokens {
		if t.KeyWord {
			continue
		}
		if stem, ok := stems[string(t.Term)]; ok {
			t.Term = stem
			continue
		}
		word := string(t.Term)
		one[0] = t
		stemmer.Filter(one)
		if len(stems) < maxStems {
			stems[word] = t.Term
		}
	}
	return tokens
}

// chunkEnd returns where the piece starting at from ends: after the first
// space at or after from+size that is followed by a letter or digit (valid
// UTF-8), where Unicode word segmentation always starts a new word (a
// combining mark, a format character or an invalid byte after a space would
// be glued to it), or at the end.
func chunkEnd(b []byte, from, size int) int {
	i := from + size
	if i >= len(b) {
		return len(b)
	}
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if n == 1 && r == utf8.RuneError {
			i++
			continue
		}
		if unicode.IsSpace(r) && i+n < len(b) {
			next, m := utf8.DecodeRune(b[i+n:])
			if !(next == utf8.RuneError && m == 1) && (unicode.IsLetter(next) || unicode.IsDigit(next)) {
				return i + n
			}
		}
		i += n
	}
	return len(b)
}

// largeBatchText is the text size from which a batch runs with the garbage
// collector's target tightened (tightenGC).
const largeBatchText = 1 << 20

// largeBatchGCPercent is the GC target while a large batch is analysed.
const largeBatchGCPercent = 50

var gcTight struct {
	sync.Mutex
	n    int
	prev int
}

// tightenGC lowers the garbage collector's target percentage until the
// returned function is called, then restores it and returns the freed
// memory to the system. Analysing a long text makes a burst of short-lived
// garbage while what the index keeps grows with it; the server's high
// target (serve --gc-percent, 400, right for search traffic) would let that
// garbage reach the memory limit (512 MiB) before a collection, so a 10 MB
// body took the whole server's RSS past 400 MB. Concurrent large batches
// share one tightening.
func tightenGC() (restore func()) {
	gcTight.Lock()
	if gcTight.n == 0 {
		gcTight.prev = debug.SetGCPercent(largeBatchGCPercent)
		if gcTight.prev >= 0 && gcTight.prev < largeBatchGCPercent {
			debug.SetGCPercent(gcTight.prev) // already tighter (or set by the operator)
		}
	}
	gcTight.n++
	gcTight.Unlock()
	return func() {
		gcTight.Lock()
		defer gcTight.Unlock()
		gcTight.n--
		if gcTight.n == 0 {
			debug.SetGCPercent(gcTight.prev)
			debug.FreeOSMemory()
		}
	}
}

// textSize is the text a batch's documents bring.
func textSize(docs []Document) int {
	n := 0
	for i := range docs {
		n += len(docs[i].Body) + len(docs[i].Summary) + len(docs[i].Extra)
	}
	return n
}
