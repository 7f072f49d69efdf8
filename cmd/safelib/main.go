// Command safelib serves, crawls and maintains the safeguarding resource
// library. Each subcommand lives in its own file; this one builds the root
// command, the shared flags and the logger. No logic lives here.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"safelib/internal/config"
	"safelib/internal/library"
	"safelib/internal/metrics"
	"safelib/internal/taxonomy"
	"safelib/internal/version"
)

// app carries what every subcommand needs.
type app struct {
	cfg config.Config
	log *slog.Logger
	// metrics are serve's collectors (nil in other commands): metrics.go.
	metrics *metrics.Metrics
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRoot().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "safelib:", err)
		os.Exit(1)
	}
}

// subcommands are registered by the files that define them.
var subcommands []func(*app) *cobra.Command

func newRoot() *cobra.Command {
	a := &app{cfg: config.Default()}
	root := &cobra.Command{
		Use:   "safelib",
		Short: "A search-indexed safeguarding resource library",
		Long: `safelib keeps the association's library of safeguarding reports, briefings,
example local policies and sport safeguarding contacts, and serves it as a
faceted search site and JSON API.

Every flag can also be set by an environment variable: SAFELIB_ followed by
the flag name in capitals with dashes as underscores (--data: SAFELIB_DATA).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.String(),
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd); err != nil {
				return err
			}
			if err := a.cfg.Validate(); err != nil {
				return err
			}
			a.log = newLogger(a.cfg)
			slog.SetDefault(a.log)
			return nil
		},
	}
	root.SetVersionTemplate("safelib {{.Version}}\n")
	f := root.PersistentFlags()
	f.StringVar(&a.cfg.Data, "data", a.cfg.Data, "data directory (database, index)")
	f.StringVar(&a.cfg.LogLevel, "log-level", a.cfg.LogLevel, "log level: debug, info, warn, error")
	f.StringVar(&a.cfg.LogFormat, "log-format", a.cfg.LogFormat, "log format: text or json")
	for _, sub := range subcommands {
		root.AddCommand(sub(a))
	}
	return root
}

// bindEnv fills every flag the user did not set from SAFELIB_<NAME>.
func bindEnv(cmd *cobra.Command) error {
	var errs []error
	set := func(f *pflag.Flag) {
		if f.Changed {
			return
		}
		name := "SAFELIB_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(name); ok {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
			}
		}
	}
	cmd.Flags().VisitAll(set)
	cmd.InheritedFlags().VisitAll(set)
	return errors.Join(errs...)
}

func newLogger(cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		opts.ReplaceAttr = durationsAsStrings
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// open opens the data directory with the default taxonomy.
func (a *app) open(ctx context.Context, seed bool) (*library.Handle, error) {
	return a.openWith(ctx, library.OpenOptions{Seed: seed})
}

// openWith opens the data directory with opts, reporting a rebuild's
// progress.
func (a *app) openWith(ctx context.Context, opts library.OpenOptions) (*library.Handle, error) {
	opts.Progress = progress("indexing")
	return library.Open(ctx, a.cfg.Data, taxonomy.Default(), a.log, opts)
}

// withAccounts opens only the data directory's database (no lock, no
// index), runs fn and closes it: account, organisation and token commands
// work while serve runs.
func (a *app) withAccounts(ctx context.Context, fn func(*library.Handle) error) error {
	h, err := library.OpenAccounts(ctx, a.cfg.Data, taxonomy.Default(), a.log)
	if err != nil {
		return err
	}
	defer h.Close()
	return fn(h)
}

// withLibrary opens the data directory (without seeding it), runs fn and
// closes it.
func (a *app) withLibrary(ctx context.Context, fn func(*library.Handle) error) error {
	h, err := a.open(ctx, false)
	if err != nil {
		return err
	}
	defer h.Close()
	return fn(h)
}

// durationsAsStrings writes durations as strings ("1.5s") in JSON logs,
// which would otherwise print them as integer nanoseconds.
func durationsAsStrings(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		return slog.String(a.Key, a.Value.Duration().String())
	}
	return a
}
