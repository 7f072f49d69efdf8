package extract

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// maxRTFDepth bounds group nesting in RTF.
const maxRTFDepth = 256

// rtfDestinations are groups whose text is not the document's: fonts,
// colours, styles, pictures, objects, headers and footers, fields'
// instructions. "\*" groups not known here are skipped too.
var rtfDestinations = set("fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable", "revtbl",
	"rsidtbl", "generator", "pict", "object", "objdata", "header", "headerl", "headerr", "headerf",
	"footer", "footerl", "footerr", "footerf", "fldinst", "xmlnstbl", "themedata", "colorschememapping",
	"datastore", "latentstyles", "pgdsctbl", "bkmkstart", "bkmkend", "field_inst", "filetbl", "info",
	"ftnsep", "ftnsepc", "aftnsep", "aftnsepc", "shppict", "nonshppict", "blipuid", "template", "mmathPr",
	"listtext", "pntext", "pntxta", "pntxtb", "sp")

// rtfInfo are the fields of the \info group kept as properties.
var rtfInfo = set("title", "author", "creatim")

type rtfState struct {
	skip    bool   // inside a destination left out
	info    string // inside \info's title or author: which
	uc      int    // characters to skip after \uN
	enc     encoding.Encoding
	isStar  bool
	started bool // a control word has been seen in this group
}

// rtfDocument reads the text of an RTF document: paragraphs, the \info
// title, author and creation time, characters in the document's code page
// (\ansicpg) and Unicode (\uN).
func rtfDocument(body []byte) (*Page, error) {
	p := &Page{ContentType: TypeRTF}
	w := newTextWriter(MaxText)
	var (
		stack      []rtfState
		st         = rtfState{uc: 1, enc: charmap.Windows1252}
		info       = map[string]*strings.Builder{"title": {}, "author": {}}
		skipN      int // characters still to skip after \uN
		hexBuf     []byte
		yr, mo, dy int
		inCreat    bool
	)
	emit := func(s string) {
		switch {
		case st.skip && st.info == "":
		case st.info != "":
			if b := info[st.info]; b != nil && b.Len() < 4096 {
				b.WriteString(s)
			}
		default:
			w.text(s)
		}
	}
	flushHex := func() {
		if len(hexBuf) > 0 {
			s, err := st.enc.NewDecoder().Bytes(hexBuf)
			if err == nil {
				emit(string(s))
			}
			hexBuf = hexBuf[:0]
		}
	}
	i := 0
	for i < len(body) && !w.full {
		c := body[i]
		if c != '\\' || i+1 >= len(body) || body[i+1] != '\'' {
			flushHex()
		}
		switch c {
		case '{':
			if len(stack) >= maxRTFDepth {
				return nil, fmt.Errorf("%w: RTF groups nested deeper than %d", ErrOffice, maxRTFDepth)
			}
			stack = append(stack, st)
			st.isStar, st.started = false, false
			i++
		case '}':
			if len(stack) == 0 {
				i++
				continue
			}
			if inCreat && st.info == "" {
				inCreat = false
			}
			st = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			i++
		case '\r', '\n':
			i++
		case '\\':
			i++
			if i >= len(body) {
				break
			}
			c = body[i]
			switch {
			case c == '\'':
				if i+2 < len(body) {
					if v, err := strconv.ParseUint(string(body[i+1:i+3]), 16, 8); err == nil {
						if skipN > 0 {
							skipN--
						} else {
							hexBuf = append(hexBuf, byte(v))
						}
					}
				}
				i += 3
			case c == '*':
				st.isStar = true
				i++
			case c == '\\' || c == '{' || c == '}':
				if skipN > 0 {
					skipN--
				} else {
					emit(string(c))
				}
				i++
			case c == '~':
				emit("\u00a0")
				i++
			case c == '-' || c == '_':
				i++
			case c == '\r' || c == '\n':
				if !st.skip {
					w.endPara()
				}
				i++
			case isASCIILetter(c):
				start := i
				for i < len(body) && isASCIILetter(body[i]) && i-start < 32 {
					i++
				}
				word := string(body[start:i])
				numStart := i
				if i < len(body) && (body[i] == '-' || isDigit(body[i])) {
					i++
					for i < len(body) && isDigit(body[i]) && i-numStart < 12 {
						i++
					}
				}
				num, hasNum := 0, i > numStart
				if hasNum {
					num, _ = strconv.Atoi(string(body[numStart:i]))
				}
				if i < len(body) && body[i] == ' ' {
					i++
				}
				first := !st.started
				st.started = true
				switch {
				case first && (rtfDestinations[word] || st.isStar) && !rtfInfo[word] && word != "u":
					st.skip = true
				case rtfInfo[word] && first:
					switch {
					case word == "creatim" && yr > 0, word != "creatim" && info[word].Len() > 0:
						st.skip = true // a second one: the first stands
					case word == "creatim":
						inCreat = true
						st.skip = true
					default:
						st.info = word
					}
				case inCreat && (word == "yr" || word == "mo" || word == "dy"):
					switch word {
					case "yr":
						yr = num
					case "mo":
						mo = num
					case "dy":
						dy = num
					}
				case word == "par" || word == "line" || word == "sect" || word == "page" || word == "row":
					if !st.skip {
						w.endPara()
					}
				case word == "tab" || word == "cell":
					emit(" ")
				case word == "uc" && hasNum:
					st.uc = max(0, min(num, 8))
				case word == "u" && hasNum:
					r := rune(num)
					if r < 0 {
						r += 65536
					}
					emit(string(r))
					skipN = st.uc
				case word == "ansicpg" && hasNum:
					st.enc = codePage(num, st.enc)
				case word == "emdash":
					emit("\u2014")
				case word == "endash":
					emit("\u2013")
				case word == "bullet":
					emit("\u2022")
				case word == "lquote":
					emit("\u2018")
				case word == "rquote":
					emit("\u2019")
				case word == "ldblquote":
					emit("\u201c")
				case word == "rdblquote":
					emit("\u201d")
				case word == "bin" && hasNum:
					i += max(0, min(num, len(body)-i))
				}
			default:
				i++
			}
		default:
			// Plain text; a run at a time.
			start := i
			for i < len(body) && body[i] != '\\' && body[i] != '{' && body[i] != '}' && body[i] != '\r' && body[i] != '\n' {
				i++
			}
			run := body[start:i]
			if skipN > 0 {
				n := min(skipN, len(run))
				run, skipN = run[n:], skipN-n
			}
			if len(run) > 0 {
				if s, err := st.enc.NewDecoder().Bytes(run); err == nil {
					emit(string(s))
				}
			}
		}
	}
	flushHex()
	p.Text = w.String()
	p.Title = info["title"].String()
	p.Author = info["author"].String()
	if yr > 0 {
		p.Published = officeDate(formatDate(yr, mo, dy))
	}
	return p, nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool       { return c >= '0' && c <= '9' }

// codePage is the decoder of a Windows code page, or def.
func codePage(cp int, def encoding.Encoding) encoding.Encoding {
	switch cp {
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 874:
		return charmap.Windows874
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 10000:
		return charmap.Macintosh
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	}
	return def
}
