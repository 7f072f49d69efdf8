// Package version says which build of safelib is running: the version,
// commit and build date Go records in the binary (debug.ReadBuildInfo).
// The store writes it beside each migration, so a database migrated by a
// newer binary can say which one did. It owns nothing else.
package version

import (
	"fmt"
	"runtime/debug"
)

// Release, when set at link time (go build -ldflags "-X
// safelib/internal/version.Release=v1.2.0"), is the version; otherwise
// the module version is used ("(devel)" for a build from a checkout).
var Release string

// Info is one build's identity.
type Info struct {
	Version, Commit, Date string
	Modified              bool
}

// Get reads the build information of the running binary.
func Get() Info {
	b := Info{Version: "(devel)", Commit: "unknown", Date: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if ok {
		if v := info.Main.Version; v != "" {
			b.Version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Date = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if Release != "" {
		b.Version = Release
	}
	return b
}

// String is "VERSION (commit C, built DATE)".
func (b Info) String() string {
	commit := b.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	if b.Modified {
		commit += "+modified"
	}
	return fmt.Sprintf("%s (commit %s, built %s)", b.Version, commit, b.Date)
}

// String is the running binary's Info as a string.
func String() string { return Get().String() }
