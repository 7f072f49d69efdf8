// Package config holds the settings shared by the subcommands, filled from
// flags and SAFELIB_* environment variables by cmd/safelib, and validated
// here. It is passed down explicitly: there are no globals.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"time"

	"safelib/internal/catalog"
)

// Config is the whole configuration of a safelib process.
type Config struct {
	// Data is the data directory (database, index, lock).
	Data string
	// Addr is the listen address of serve.
	Addr string
	// BaseURL is the public URL of the site, for absolute links in feeds,
	// embeds and reset links. Empty means http://Addr.
	BaseURL string
	// AllowPrivate lets the fetcher reach private and loopback addresses
	// (tests and fixture sites only).
	AllowPrivate bool
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is json or text.
	LogFormat string
	// SessionLifetime is how long a sign-in lasts.
	SessionLifetime time.Duration
	// Sources is the crawler's sources file; empty disables scheduled crawls.
	Sources string
	// NoSeed skips loading the embedded default library into an empty store.
	NoSeed bool
	// BackupEvery is the period of serve's scheduled backups (0: none),
	// BackupDir where they go (default DATA/backups), BackupKeep how many
	// are kept.
	BackupEvery time.Duration
	BackupDir   string
	BackupKeep  int
	// SMTPURL is where mail goes (smtp://[user:pass@]host:port[?tls=off]
	// or smtps://...); empty: nothing is sent, messages wait in the outbox.
	SMTPURL string
	// MailFrom is the From address of every message.
	MailFrom string
	// MailRate is the most messages sent per minute; 0: no limit.
	MailRate int
	// RateLimit is the requests per second each client may make to the
	// public API, search pages and feeds (0: no limit), RateBurst how
	// many it may make at once above that.
	RateLimit float64
	RateBurst int
	// ReadTimeout and WriteTimeout bound every request of serve;
	// ImportTimeout replaces both for a signed-in staff member's import
	// and export, which take longer with large files.
	ReadTimeout   time.Duration
	WriteTimeout  time.Duration
	ImportTimeout time.Duration
	// MaxUpload is the largest document staff may upload, in bytes (at
	// most catalog.MaxUpload, the most the text extractor reads).
	MaxUpload int64
}

// Default returns the defaults.
func Default() Config {
	return Config{
		Data:            "./data",
		Addr:            "127.0.0.1:8080",
		LogLevel:        "info",
		LogFormat:       "text",
		SessionLifetime: 14 * 24 * time.Hour,
		MailFrom:        "safelib <safelib@localhost>",
		MailRate:        300,
		BackupKeep:      14,
		RateLimit:       10,
		RateBurst:       50,
		ReadTimeout:     60 * time.Second,
		WriteTimeout:    60 * time.Second,
		ImportTimeout:   10 * time.Minute,
		MaxUpload:       catalog.MaxUpload,
	}
}

// Validate checks the configuration, naming the setting at fault.
func (c *Config) Validate() error {
	var errs []error
	if c.Data == "" {
		errs = append(errs, errors.New("--data: must not be empty"))
	}
	if c.Addr != "" {
		if _, _, err := net.SplitHostPort(c.Addr); err != nil {
			errs = append(errs, fmt.Errorf("--addr %q: %w", c.Addr, err))
		}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--base-url %q: must be an absolute http(s) URL", c.BaseURL))
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: want debug, info, warn or error", c.LogLevel))
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		errs = append(errs, fmt.Errorf("--log-format %q: want json or text", c.LogFormat))
	}
	if c.SessionLifetime < time.Minute {
		errs = append(errs, errors.New("--session-lifetime: at least 1m"))
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("--mail-from %q: %w", c.MailFrom, err))
	}
	if c.MailRate < 0 {
		errs = append(errs, errors.New("--mail-rate: 0 (no limit) or more messages per minute"))
	}
	if c.BackupEvery < 0 || (c.BackupEvery > 0 && c.BackupEvery < time.Second) {
		errs = append(errs, errors.New("--backup-every: 0 (off) or at least 1s"))
	}
	if c.RateLimit < 0 {
		errs = append(errs, errors.New("--rate-limit: 0 (off) or more requests per second per client"))
	}
	if c.RateLimit > 0 && c.RateBurst < 1 {
		errs = append(errs, errors.New("--rate-burst: at least 1 while --rate-limit is on"))
	}
	if c.ReadTimeout < time.Second || c.WriteTimeout < time.Second {
		errs = append(errs, errors.New("--read-timeout and --write-timeout: at least 1s"))
	}
	if c.ImportTimeout < 0 {
		errs = append(errs, errors.New("--import-timeout: 0 (same as the others) or a duration"))
	}
	if c.MaxUpload < minUpload || c.MaxUpload > catalog.MaxUpload {
		errs = append(errs, fmt.Errorf("--max-upload: from %s to %s (the most whose text is read)",
			catalog.SizeText(minUpload), catalog.SizeText(catalog.MaxUpload)))
	}
	if c.BackupKeep < 1 {
		errs = append(errs, errors.New("--backup-keep: at least 1"))
	}
	return errors.Join(errs...)
}

// minUpload is the smallest --max-upload: below it no real document fits.
const minUpload = 64 << 10

// PublicURL is BaseURL, or http://Addr when unset.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.Addr
}
