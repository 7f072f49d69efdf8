package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"safelib/internal/auth"
	"safelib/internal/catalog"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"safelib/internal/library"
	"safelib/internal/mail"
)

func init() { subcommands = append(subcommands, mailCmd) }

// addMailFlags adds --smtp-url, --mail-from and --mail-rate to f.
func (a *app) addMailFlags(f *pflag.FlagSet) {
	f.StringVar(&a.cfg.SMTPURL, "smtp-url", "",
		"where mail goes: smtp://[user:pass@]host:port (STARTTLS when offered; ?tls=off: never) or smtps://... (implicit TLS); unset: nothing is sent, messages wait in the outbox")
	f.StringVar(&a.cfg.MailFrom, "mail-from", a.cfg.MailFrom, "From address of the library's email")
	f.IntVar(&a.cfg.MailRate, "mail-rate", a.cfg.MailRate, "at most this many messages per minute, to protect the relay (0: no limit)")
}

// smtpServer parses --smtp-url; nil when unset.
func (a *app) smtpServer() (*mail.Server, error) {
	if a.cfg.SMTPURL == "" {
		return nil, nil
	}
	return mail.ParseURL(a.cfg.SMTPURL)
}

// composer writes the library's messages with --base-url and --mail-from.
func (a *app) composer() *mail.Composer {
	return &mail.Composer{BaseURL: strings.TrimRight(a.cfg.PublicURL(), "/"), From: a.cfg.MailFrom, Loc: london()}
}

// authOptions are the account service's settings; notify wakes serve's
// sender (nil in commands: serve sends what they queue).
func (a *app) authOptions(notify func()) auth.Options {
	return auth.Options{Log: a.log, SessionLifetime: a.cfg.SessionLifetime, Mailer: a.composer(),
		BaseURL: a.cfg.PublicURL(), OnQueued: notify}
}

// london is where people read the times in messages.
func london() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}

// startMail starts serve's outbox sender. Without --smtp-url it sends
// nothing and says so; messages wait in the outbox for a restart with one.
// recheck is asked about each message built for one reader just before
// it is sent (library.MailChecker.Recheck).
func (a *app) startMail(ctx context.Context, h *library.Handle,
	recheck func(context.Context, *catalog.OutMail) (*catalog.OutMail, string, error)) (*mail.Sender, func(), error) {
	srv, err := a.smtpServer()
	if err != nil {
		return nil, nil, err
	}
	s := mail.NewSender(h.Store(), mail.SenderOptions{Server: srv, From: a.cfg.MailFrom, PerMinute: a.cfg.MailRate, Log: a.log,
		Recheck: recheck})
	if srv == nil {
		counts, _ := h.Store().MailCounts(ctx)
		a.log.Warn("no --smtp-url: email is not sent; messages wait in the outbox", "waiting", counts[catalog.MailPending]+counts[catalog.MailSending])
	} else {
		a.log.Info("sending email", "server", srv.String(), "from", a.cfg.MailFrom, "per_minute", a.cfg.MailRate)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return s, func() { cancel(); <-done }, nil
}

func mailCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail",
		Short: "Email settings and checks",
	}
	test := &cobra.Command{
		Use:   "test ADDRESS",
		Short: "Send one message to ADDRESS through --smtp-url now and report the server's answer",
		Long: `test sends one plain-text and HTML message straight to the SMTP server (not
through the outbox, so it needs no data directory) and prints whether the
server accepted it, or its answer when it did not.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, err := a.smtpServer()
			if err != nil {
				return err
			}
			if srv == nil {
				return fmt.Errorf("--smtp-url (or SAFELIB_SMTP_URL) is required")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 2*time.Minute)
			defer cancel()
			m := &catalog.OutMail{Kind: "test", To: args[0], MessageID: mail.NewMessageID(a.cfg.MailFrom),
				Subject: "safelib: test message",
				Text:    "This is a test message from the library at " + a.cfg.PublicURL() + ".\nIf you can read it, email works.\n",
				HTML:    "<p>This is a test message from the library at " + a.cfg.PublicURL() + ".</p><p>If you can read it, email works.</p>\n"}
			conn, err := srv.Dial(ctx, a.cfg.MailFrom)
			if err != nil {
				return fmt.Errorf("%s: %w", srv, err)
			}
			defer conn.Close()
			if err := conn.Send(m); err != nil {
				return fmt.Errorf("%s did not accept the message to %s: %w", srv, args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s accepted the message to %s (Message-ID <%s>)\n", srv, args[0], m.MessageID)
			return nil
		},
	}
	a.addMailFlags(test.Flags())
	cmd.AddCommand(test)
	return cmd
}
