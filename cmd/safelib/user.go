package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"safelib/internal/auth"
	"safelib/internal/catalog"
	"safelib/internal/library"
)

func init() { subcommands = append(subcommands, userCmd, orgCmd, auditCmd) }

// withAuth opens the data directory's database and runs fn with an
// account service over it. The command line acts as auth.System (an
// admin). It takes no lock: it works while serve runs.
func (a *app) withAuth(ctx context.Context, fn func(*auth.Auth) error) error {
	return a.withAccounts(ctx, func(h *library.Handle) error {
		return fn(auth.New(h.Store(), a.authOptions(nil)))
	})
}

func userCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage accounts: add, list, change, reset passwords, sign out",
		Long: `user manages the people who sign in: members (with a membership end date,
their own or their organisation's), staff (who curate) and admins (who also
manage people). Use it for the first admin and in scripts; admins can do the
same on the site's admin pages. It works while serve runs (it touches only
the database).`,
	}
	cmd.AddCommand(userAddCmd(a), userListCmd(a), userSetCmd(a), userResetCmd(a), userLogoutCmd(a))
	return cmd
}

func userAddCmd(a *app) *cobra.Command {
	var nu auth.NewUser
	var noPassword, invite bool
	cmd := &cobra.Command{
		Use:   "add EMAIL --role member|staff|admin [--expires YYYY-MM-DD] [--invite]",
		Short: "Add an account",
		Long: `add creates an account. The password comes from SAFELIB_PASSWORD, or is asked
for on the terminal (at least 10 characters). With --no-password the account
has none, and a one-time reset link is printed for the person to set one.
With --invite it has none either, and an invitation email carrying that link
is queued in the outbox (serve sends it; see --smtp-url). A member needs --expires (the last day of membership) or --org.`,
		Example: `  SAFELIB_PASSWORD=... safelib user add chair@example.org --role admin
  safelib user add ann@example.org --role member --expires 2027-04-30
  safelib user add bob@example.org --role member --org "Northshire LSCP" --no-password
  safelib user add cat@example.org --role member --expires 2027-04-30 --invite --base-url https://library.example.org`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			nu.Email = args[0]
			if !noPassword && !invite {
				pw, err := readPassword(cmd.ErrOrStderr(), "Password for "+nu.Email)
				if err != nil {
					return err
				}
				nu.Password = pw
			}
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				u, err := au.AddUser(cmd.Context(), auth.System, nu)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s%s)\n", u.Email, u.Role, endsNote(u))
				if invite {
					if err := au.Invite(cmd.Context(), auth.System, u.Email); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "invitation to %s queued; serve sends it\n", u.Email)
					return nil
				}
				if noPassword {
					return printReset(cmd, au, a.cfg.PublicURL(), u.Email)
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar((*string)(&nu.Role), "role", "", "member, staff or admin (required)")
	f.StringVar(&nu.Expires, "expires", "", "membership end date, YYYY-MM-DD, inclusive")
	f.StringVar(&nu.Name, "name", "", "the person's name")
	f.StringVar(&nu.Org, "org", "", "organisation whose membership the person shares (see safelib org)")
	f.BoolVar(&noPassword, "no-password", false, "set no password; print a one-time reset link instead")
	f.BoolVar(&invite, "invite", false, "set no password; queue an invitation email with a link to choose one")
	f.StringVar(&a.cfg.BaseURL, "base-url", a.cfg.BaseURL, "public URL of the site, for the reset link (default http://127.0.0.1:8080)")
	f.StringVar(&a.cfg.MailFrom, "mail-from", a.cfg.MailFrom, "From address of the invitation")
	cmd.MarkFlagRequired("role")
	return cmd
}

func endsNote(u *catalog.User) string {
	var parts []string
	if e := u.EffectiveExpires(); u.Role == catalog.RoleMember && e != "" {
		parts = append(parts, "membership ends "+e)
	}
	if u.OrgName != "" {
		parts = append(parts, "organisation "+u.OrgName)
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

func userListCmd(a *app) *cobra.Command {
	var q auth.UserQuery
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List accounts",
		Long: fmt.Sprintf(`list prints the accounts, one a line. --lapsing keeps members whose membership
ends within %d days (to chase renewals), --lapsed those already past.`, auth.LapsingDays),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				us, err := au.Users(cmd.Context(), auth.System, q)
				if err != nil {
					return err
				}
				today := au.Today()
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "EMAIL\tROLE\tENDS\tORGANISATION\tSTATUS\tLAST SIGN-IN")
				for _, u := range us {
					last := "never"
					if !u.LastLogin.IsZero() {
						last = u.LastLogin.Local().Format("2006-01-02 15:04")
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, dash(u.EffectiveExpires()),
						dash(u.OrgName), status(u, today), last)
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar((*string)(&q.Role), "role", "", "keep one role")
	f.BoolVar(&q.Lapsing, "lapsing", false, fmt.Sprintf("members whose membership ends within %d days", auth.LapsingDays))
	f.BoolVar(&q.Lapsed, "lapsed", false, "members whose membership has ended")
	f.StringVar(&q.Org, "org", "", "people of one organisation")
	f.StringVar(&q.Query, "q", "", "emails or names containing this")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// status is an account's state for listings.
func status(u *catalog.User, today string) string {
	switch {
	case u.Disabled:
		return "disabled"
	case u.Role != catalog.RoleMember:
		return "active"
	case u.EffectiveExpires() < today:
		return "lapsed"
	}
	return "active"
}

func userSetCmd(a *app) *cobra.Command {
	var role, expires, org, name string
	var disable, enable, password bool
	cmd := &cobra.Command{
		Use:   "set EMAIL [--role R] [--expires YYYY-MM-DD] [--disable|--enable] [--org NAME] [--new-password]",
		Short: "Change an account's role, end date, organisation or status",
		Long: `set changes only the fields given. --expires "" clears the end date and
--org "" detaches the organisation. --disable signs the person out
everywhere and refuses further sign-ins; --enable undoes it. --new-password
sets a new password (from SAFELIB_PASSWORD or the terminal) and signs the
person out. Every change goes to the audit log.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if disable && enable {
				return errors.New("--disable and --enable together")
			}
			var ch auth.UserChange
			f := cmd.Flags()
			if f.Changed("role") {
				r := catalog.Role(role)
				ch.Role = &r
			}
			if f.Changed("expires") {
				ch.Expires = &expires
			}
			if f.Changed("org") {
				ch.Org = &org
			}
			if f.Changed("name") {
				ch.Name = &name
			}
			if disable || enable {
				ch.Disabled = &disable
			}
			if ch == (auth.UserChange{}) && !password {
				return errors.New("nothing to change: give --role, --expires, --org, --name, --disable, --enable or --new-password")
			}
			var pw string
			if password {
				var err error
				if pw, err = readPassword(cmd.ErrOrStderr(), "New password for "+args[0]); err != nil {
					return err
				}
			}
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				u, err := au.UpdateUser(cmd.Context(), auth.System, args[0], ch)
				if err != nil {
					return err
				}
				if password {
					if err := au.SetPassword(cmd.Context(), auth.System, u.Email, pw); err != nil {
						return err
					}
				}
				state := "enabled"
				if u.Disabled {
					state = "disabled"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %s%s, %s\n", u.Email, u.Role, endsNote(u), state)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&role, "role", "", "member, staff or admin")
	f.StringVar(&expires, "expires", "", `membership end date, YYYY-MM-DD ("" clears)`)
	f.StringVar(&org, "org", "", `organisation ("" detaches)`)
	f.StringVar(&name, "name", "", "the person's name")
	f.BoolVar(&disable, "disable", false, "refuse sign-ins and end sessions")
	f.BoolVar(&enable, "enable", false, "allow sign-ins again")
	f.BoolVar(&password, "new-password", false, "set a new password (from SAFELIB_PASSWORD or the terminal)")
	return cmd
}

func userResetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reset EMAIL",
		Short: "Print a one-time link with which the person sets a new password",
		Long: `reset prints a link that lets the person choose a new password, once, within
72 hours. Pass it on by a channel you trust; no mail is sent. Issuing a new
link voids earlier ones. The link starts with --base-url (SAFELIB_BASE_URL).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				return printReset(cmd, au, a.cfg.PublicURL(), args[0])
			})
		},
	}
	cmd.Flags().StringVar(&a.cfg.BaseURL, "base-url", a.cfg.BaseURL, "public URL of the site (default http://127.0.0.1:8080)")
	return cmd
}

func printReset(cmd *cobra.Command, au *auth.Auth, base, email string) error {
	tok, exp, err := au.IssueReset(cmd.Context(), auth.System, email)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "one-time link for %s, valid until %s:\n", email, exp.Local().Format("2006-01-02 15:04"))
	fmt.Fprintln(cmd.OutOrStdout(), auth.ResetLink(base, tok))
	return nil
}

func userLogoutCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "logout EMAIL",
		Short: "End every session of an account (API tokens stay; revoke them with safelib token)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				n, err := au.EndSessions(cmd.Context(), auth.System, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "ended %d sessions of %s\n", n, args[0])
				return nil
			})
		},
	}
}

// readPassword takes a password from SAFELIB_PASSWORD, else asks twice on
// the terminal without echo. It enforces the password policy.
func readPassword(w io.Writer, prompt string) (string, error) {
	if pw, ok := os.LookupEnv("SAFELIB_PASSWORD"); ok {
		return pw, auth.CheckPassword(pw)
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("no password: set SAFELIB_PASSWORD, run on a terminal, or use --no-password")
	}
	fmt.Fprintf(w, "%s (at least %d characters): ", prompt, auth.MinPasswordLen)
	one, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if err := auth.CheckPassword(string(one)); err != nil {
		return "", err
	}
	fmt.Fprint(w, "Again: ")
	two, err := term.ReadPassword(fd)
	fmt.Fprintln(w)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(one) != string(two) {
		return "", errors.New("the passwords differ")
	}
	return string(one), nil
}

func orgCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "org",
		Short: "Manage organisations: memberships shared by several people",
		Long: `An organisation (a local partnership that pays once) holds a membership end
date that its people share: a member's membership runs to the later of
their own end date and their organisation's.`,
	}
	var expires string
	add := &cobra.Command{
		Use:   "add NAME --expires YYYY-MM-DD",
		Short: "Add an organisation",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				o, err := au.AddOrganisation(cmd.Context(), auth.System, args[0], expires)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "added %s (membership ends %s)\n", o.Name, dash(o.Expires))
				return nil
			})
		},
	}
	add.Flags().StringVar(&expires, "expires", "", "membership end date, YYYY-MM-DD, inclusive")
	set := &cobra.Command{
		Use:   "set NAME --expires YYYY-MM-DD",
		Short: "Change an organisation's membership end date",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("expires") {
				return errors.New("nothing to change: give --expires")
			}
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				o, err := au.SetOrganisationExpires(cmd.Context(), auth.System, args[0], expires)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: membership ends %s\n", o.Name, dash(o.Expires))
				return nil
			})
		},
	}
	set.Flags().StringVar(&expires, "expires", "", `membership end date, YYYY-MM-DD ("" clears)`)
	list := &cobra.Command{
		Use:   "list",
		Short: "List organisations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				orgs, err := au.Organisations(cmd.Context(), auth.System)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tENDS\tPEOPLE")
				for _, o := range orgs {
					fmt.Fprintf(tw, "%s\t%s\t%d\n", o.Name, dash(o.Expires), o.Members)
				}
				return tw.Flush()
			})
		},
	}
	cmd.AddCommand(add, set, list)
	return cmd
}

func auditCmd(a *app) *cobra.Command {
	var f catalog.AuditFilter
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Print the audit log (sign-ins, failures, account and curation changes), newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				es, err := au.AuditLog(cmd.Context(), auth.System, f)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "TIME\tACTOR\tACTION\tTARGET\tIP\tDETAILS")
				for _, e := range es {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Local().Format("2006-01-02 15:04:05"),
						dash(e.Actor), e.Action, dash(e.Target), dash(e.IP), details(e.Details))
				}
				return tw.Flush()
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Action, "action", "", `one action, or a family ending in "." (user.)`)
	fl.StringVar(&f.Actor, "actor", "", "entries by this email")
	fl.StringVar(&f.Target, "target", "", "entries about this email or id")
	fl.IntVar(&f.Limit, "limit", 100, "at most this many entries (up to 1000)")
	return cmd
}

func details(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%q", k, m[k])
	}
	return b.String()
}
