package crawl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"safelib/internal/catalog"
)

// Defaults and bounds of a source's settings.
const (
	DefaultDelay       = time.Second
	DefaultMaxDepth    = 3
	DefaultConcurrency = 1
	DefaultMaxPages    = 5000
	DefaultSchedule    = 7 * 24 * time.Hour
	DefaultType        = "report"

	MaxMaxDepth    = 20
	MaxDelay       = time.Hour
	MaxConcurrency = 32
	MaxMaxPages    = 100_000
	MinSchedule    = time.Hour
	maxSourcesFile = 1 << 20
	maxSources     = 500
)

// Source is one publisher's site as the sources file describes it.
type Source struct {
	// Name identifies the source in crawl history; unique in a file.
	Name string
	// Publisher is given to every resource found.
	Publisher string
	// StartURLs are where the crawl starts (canonical form).
	StartURLs []string
	// Sitemaps adds the URLs listed in the sitemaps named by robots.txt
	// and in /sitemap.xml.
	Sitemaps bool
	// AllowedDomains are the host names links may lead to; by default the
	// hosts of the start URLs.
	AllowedDomains []string
	// Documents match the URLs that become resources; the other pages are
	// only read for links.
	Documents []*regexp.Regexp
	// MaxDepth is how many links away from a start URL the crawl goes.
	MaxDepth int
	// Delay is the pause between two requests to one host; robots.txt
	// Crawl-delay raises it.
	Delay time.Duration
	// Concurrency is the number of requests in flight to one host.
	Concurrency int
	// MaxPages bounds the URLs one run fetches.
	MaxPages int
	// Type, Themes and Access are given to new resources; Themes are
	// confirmed themes, added to what the tagger suggests.
	Type   string
	Themes []string
	Access catalog.Access
	// Schedule is how often serve recrawls the source.
	Schedule time.Duration
	// Line is where the source starts in its file.
	Line int
}

// IsDocument reports whether u is a document of this source.
func (s *Source) IsDocument(u string) bool {
	for _, re := range s.Documents {
		if re.MatchString(u) {
			return true
		}
	}
	return false
}

// Allowed reports whether links may lead to host (no port).
func (s *Source) Allowed(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range s.AllowedDomains {
		if d == host {
			return true
		}
	}
	return false
}

// Sources is a parsed sources file.
type Sources struct {
	File    string
	Sources []*Source
}

// Find returns the source with this name.
func (ss *Sources) Find(name string) (*Source, bool) {
	for _, s := range ss.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// ErrSources is wrapped by every error about a sources file.
var ErrSources = errors.New("invalid sources file")

// LoadSources reads and checks a sources file. validTheme reports whether
// a theme slug exists (nil accepts any).
func LoadSources(file string, validTheme func(string) bool) (*Sources, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("sources file: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxSourcesFile+1)); err != nil {
		return nil, fmt.Errorf("sources file %s: %w", file, err)
	}
	if buf.Len() > maxSourcesFile {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrSources, file, maxSourcesFile)
	}
	return ParseSources(file, buf.Bytes(), validTheme)
}

// sourceYAML is one source as written; every key is listed here, and
// unknown keys are refused.
type sourceYAML struct {
	Name           string    `yaml:"name"`
	Publisher      string    `yaml:"publisher"`
	StartURLs      []string  `yaml:"start_urls"`
	Sitemaps       bool      `yaml:"sitemaps"`
	AllowedDomains []string  `yaml:"allowed_domains"`
	Documents      []string  `yaml:"documents"`
	MaxDepth       *int      `yaml:"max_depth"`
	Delay          *duration `yaml:"delay"`
	Concurrency    *int      `yaml:"concurrency"`
	MaxPages       *int      `yaml:"max_pages"`
	Type           string    `yaml:"type"`
	Themes         []string  `yaml:"themes"`
	Access         string    `yaml:"access"`
	Schedule       *duration `yaml:"schedule"`
}

type fileYAML struct {
	Sources []sourceYAML `yaml:"sources"`
}

// duration accepts Go durations ("90s", "24h") and whole days or weeks
// ("7d", "2w").
type duration struct {
	d    time.Duration
	line int
}

func (d *duration) UnmarshalYAML(n *yaml.Node) error {
	d.line = n.Line
	// A TypeError lets the decoder go on and report other problems too.
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a duration such as 1s, 24h or 7d", n.Line)}}
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, err)}}
	}
	d.d = v
	return nil
}

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if k, err := strconv.Atoi(n); err == nil && k >= 0 && k < 10_000 {
				return time.Duration(k) * unit, nil
			}
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (want e.g. 1s, 24h or 7d)", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("%q: must not be negative", s)
	}
	return v, nil
}

// lineError is an error at a line of the file.
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

var (
	nameRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	yamlLineRE  = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownKeRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// ParseSources checks a sources file's content; file names it in errors.
// Every problem is reported as "file:line: reason", and the error wraps
// ErrSources.
func ParseSources(file string, data []byte, validTheme func(string) bool) (*Sources, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, sourcesError(file, yamlErrors(err))
	}
	var doc fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var errs []*lineError
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, sourcesError(file, []*lineError{{1, "the file is empty; want a list under sources:"}})
		}
		// A type error (an unknown key, a wrong kind of value) leaves the
		// rest decoded: report it with whatever else is wrong.
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, sourcesError(file, yamlErrors(err))
		}
		errs = yamlErrors(err)
	}
	srcNodes := sourceNodes(&root)
	if len(doc.Sources) == 0 {
		errs = append(errs, &lineError{1, "no sources: want a list under sources:"})
	}
	if len(doc.Sources) > maxSources {
		errs = append(errs, &lineError{1, fmt.Sprintf("more than %d sources", maxSources)})
	}
	out := &Sources{File: file}
	seen := map[string]int{}
	for i := range doc.Sources {
		var n *yaml.Node
		if i < len(srcNodes) {
			n = srcNodes[i]
		}
		s, serrs := checkSource(&doc.Sources[i], n, validTheme)
		errs = append(errs, serrs...)
		if s == nil {
			continue
		}
		if first, dup := seen[s.Name]; dup {
			errs = append(errs, &lineError{keyLine(n, "name"), fmt.Sprintf("name %q is already used by the source at line %d", s.Name, first)})
		} else if s.Name != "" {
			seen[s.Name] = s.Line
		}
		out.Sources = append(out.Sources, s)
	}
	if len(errs) > 0 {
		return nil, sourcesError(file, errs)
	}
	return out, nil
}

func sourcesError(file string, errs []*lineError) error {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].line < errs[j].line })
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = fmt.Sprintf("%s:%d: %s", file, e.line, e.msg)
	}
	return fmt.Errorf("%w:\n%s", ErrSources, strings.Join(msgs, "\n"))
}

// yamlErrors turns the YAML library's errors into line errors with our
// wording ("unknown key" rather than "field not found in type").
func yamlErrors(err error) []*lineError {
	var le *lineError
	if errors.As(err, &le) {
		return []*lineError{le}
	}
	var lines []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		lines = te.Errors
	} else {
		lines = []string{err.Error()}
	}
	out := make([]*lineError, 0, len(lines))
	for _, l := range lines {
		m := yamlLineRE.FindStringSubmatch(l)
		if m == nil {
			out = append(out, &lineError{1, l})
			continue
		}
		n, _ := strconv.Atoi(m[1])
		msg := m[2]
		if k := unknownKeRE.FindStringSubmatch(msg); k != nil {
			msg = fmt.Sprintf("unknown key %q (known keys: %s)", k[1], knownKeys)
		} else if strings.HasPrefix(msg, "cannot unmarshal") {
			msg = "wrong kind of value: " + msg
		}
		out = append(out, &lineError{n, msg})
	}
	return out
}

const knownKeys = "name, publisher, start_urls, sitemaps, allowed_domains, documents, max_depth, delay, " +
	"concurrency, max_pages, type, themes, access, schedule"

// sourceNodes returns the mapping node of each item under sources:.
func sourceNodes(root *yaml.Node) []*yaml.Node {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	top := root.Content[0]
	list := valueOf(top, "sources")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	return list.Content
}

// valueOf returns the value node of key in a mapping node, or nil.
func valueOf(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyLine returns the line of key in mapping m, or of m itself.
func keyLine(m *yaml.Node, key string) int {
	if m == nil {
		return 1
	}
	if m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i].Line
			}
		}
	}
	return m.Line
}

// itemLine returns the line of the i-th item of the list under key.
func itemLine(m *yaml.Node, key string, i int) int {
	if v := valueOf(m, key); v != nil && v.Kind == yaml.SequenceNode && i < len(v.Content) {
		return v.Content[i].Line
	}
	return keyLine(m, key)
}

func checkSource(y *sourceYAML, n *yaml.Node, validTheme func(string) bool) (*Source, []*lineError) {
	c := &sourceCheck{n: n, line: 1}
	if n != nil {
		c.line = n.Line
	}
	s := &Source{
		Name:        strings.TrimSpace(y.Name),
		Publisher:   strings.Join(strings.Fields(y.Publisher), " "),
		Sitemaps:    y.Sitemaps,
		MaxDepth:    DefaultMaxDepth,
		Delay:       DefaultDelay,
		Concurrency: DefaultConcurrency,
		MaxPages:    DefaultMaxPages,
		Type:        strings.TrimSpace(y.Type),
		Access:      catalog.Access(strings.TrimSpace(y.Access)),
		Schedule:    DefaultSchedule,
		Line:        c.line,
	}
	c.names(s)
	c.urls(s, y)
	c.limits(s, y)
	c.labels(s, y, validTheme)
	return s, c.errs
}

// sourceCheck collects the errors of one source, each at its line.
type sourceCheck struct {
	n     *yaml.Node
	line  int
	label string // the source's name, for messages about missing keys
	errs  []*lineError
}

func (c *sourceCheck) bad(line int, format string, args ...any) {
	c.errs = append(c.errs, &lineError{line, fmt.Sprintf(format, args...)})
}

// names checks the name and the publisher.
func (c *sourceCheck) names(s *Source) {
	n, line, bad := c.n, c.line, c.bad
	switch {
	case s.Name == "":
		bad(line, "missing name")
	case !nameRE.MatchString(s.Name):
		bad(keyLine(n, "name"), "name %q: use lower-case letters, digits, dots, dashes and underscores (at most 64)", s.Name)
	}
	c.label = s.Name
	if c.label == "" {
		c.label = "this source"
	}
	if s.Publisher == "" {
		bad(line, "%s: missing publisher", c.label)
	} else if len(s.Publisher) > 300 {
		bad(keyLine(n, "publisher"), "publisher is longer than 300 characters")
	}
}

// urls checks the allowed domains, start URLs and document patterns.
func (c *sourceCheck) urls(s *Source, y *sourceYAML) {
	n, line, label, bad := c.n, c.line, c.label, c.bad
	for i, d := range y.AllowedDomains {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(d), "."))
		if d == "" || strings.ContainsAny(d, "/:@ *?") {
			bad(itemLine(n, "allowed_domains", i), "allowed domain %q: want a host name such as example.org", y.AllowedDomains[i])
			continue
		}
		s.AllowedDomains = append(s.AllowedDomains, d)
	}
	explicitDomains := len(s.AllowedDomains) > 0
	if len(y.StartURLs) == 0 {
		bad(line, "%s: missing start_urls", label)
	}
	for i, raw := range y.StartURLs {
		u, err := Canonicalize(raw)
		if err != nil {
			bad(itemLine(n, "start_urls", i), "start URL %q: %v", raw, err)
			continue
		}
		host := hostOf(u)
		if explicitDomains && !s.Allowed(host) {
			bad(itemLine(n, "start_urls", i), "start URL %q: host %s is not in allowed_domains", raw, host)
		}
		if !explicitDomains && !s.Allowed(host) {
			s.AllowedDomains = append(s.AllowedDomains, host)
		}
		s.StartURLs = append(s.StartURLs, u)
	}
	if len(y.Documents) == 0 {
		bad(line, "%s: missing documents (regular expressions matching the URLs that become resources)", label)
	}
	for i, expr := range y.Documents {
		re, err := regexp.Compile(expr)
		if err != nil {
			bad(itemLine(n, "documents", i), "documents: bad regular expression %q: %v", expr, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			continue
		}
		s.Documents = append(s.Documents, re)
	}
}

// limits checks the bounded numbers and durations.
func (c *sourceCheck) limits(s *Source, y *sourceYAML) {
	c.intIn(y.MaxDepth, &s.MaxDepth, "max_depth", 0, MaxMaxDepth)
	c.intIn(y.Concurrency, &s.Concurrency, "concurrency", 1, MaxConcurrency)
	c.intIn(y.MaxPages, &s.MaxPages, "max_pages", 1, MaxMaxPages)
	if y.Delay != nil {
		s.Delay = y.Delay.d
		if s.Delay > MaxDelay {
			c.bad(y.Delay.line, "delay %s: at most %s", s.Delay, MaxDelay)
		}
	}
	if y.Schedule != nil {
		s.Schedule = y.Schedule.d
		if s.Schedule < MinSchedule {
			c.bad(y.Schedule.line, "schedule %s: at least %s", s.Schedule, MinSchedule)
		}
	}
}

// intIn sets *dst to *v when the key is given, refusing values outside
// [lo, hi].
func (c *sourceCheck) intIn(v *int, dst *int, key string, lo, hi int) {
	if v == nil {
		return
	}
	*dst = *v
	if *v < lo || *v > hi {
		c.bad(keyLine(c.n, key), "%s %d: want %d to %d", key, *v, lo, hi)
	}
}

// labels checks the type, access and themes given to every resource.
func (c *sourceCheck) labels(s *Source, y *sourceYAML, validTheme func(string) bool) {
	n, bad := c.n, c.bad
	if s.Type == "" {
		s.Type = DefaultType
	} else if !catalog.ValidType(s.Type) {
		bad(keyLine(n, "type"), "type %q: want one of %s", s.Type, strings.Join(catalog.Types, ", "))
	}
	if s.Access == "" {
		s.Access = catalog.Public
	} else if !s.Access.Valid() {
		bad(keyLine(n, "access"), "access %q: want public or members", s.Access)
	}
	for i, t := range y.Themes {
		t = strings.TrimSpace(strings.ToLower(t))
		if validTheme != nil && !validTheme(t) {
			bad(itemLine(n, "themes", i), "unknown theme %q", y.Themes[i])
			continue
		}
		s.Themes = append(s.Themes, t)
	}
}

// hostOf returns the host name (no port) of an absolute URL.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	h := p.Hostname()
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return strings.ToLower(h)
}
