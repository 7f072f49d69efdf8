package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"safelib/internal/auth"
	"safelib/internal/catalog"
)

func init() { subcommands = append(subcommands, tokenCmd) }

func tokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens for scripts (Authorization: Bearer TOKEN)",
		Long: `An API token acts as its account: a staff token can add resources through
the API, a member's token reads members-only items while the membership
lasts. A token is shown once when created; only its SHA-256 is stored.`,
	}
	var name string
	create := &cobra.Command{
		Use:   "create EMAIL [--name NAME]",
		Short: "Create a token for an account; the token is printed on the last line",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				raw, t, err := au.CreateToken(cmd.Context(), auth.System, args[0], name)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "token %d for %s created; it is shown only once:\n%s\n", t.ID, t.UserEmail, raw)
				return nil
			})
		},
	}
	create.Flags().StringVar(&name, "name", "", "what the token is for")
	list := a.tokenListCommand("List tokens (all, or one account's)", true,
		func(ctx context.Context, au *auth.Auth, email string) ([]*catalog.Token, error) {
			return au.Tokens(ctx, auth.System, email)
		})
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token; it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("token id %q: want a number (see safelib token list)", args[0])
			}
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				if err := au.RevokeToken(cmd.Context(), auth.System, id); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "token %d revoked\n", id)
				return nil
			})
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// tokenListCommand is "list [EMAIL]" for API tokens (named) and private
// feed tokens: a table of one account's tokens, or everyone's.
func (a *app) tokenListCommand(short string, named bool, list func(context.Context, *auth.Auth, string) ([]*catalog.Token, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "list [EMAIL]",
		Short: short,
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			email := ""
			if len(args) == 1 {
				email = args[0]
			}
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				ts, err := list(cmd.Context(), au, email)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				if named {
					fmt.Fprintln(tw, "ID\tACCOUNT\tNAME\tCREATED\tLAST USED\tREVOKED")
				} else {
					fmt.Fprintln(tw, "ID\tACCOUNT\tCREATED\tLAST USED\tREVOKED")
				}
				for _, t := range ts {
					name := ""
					if named {
						name = dash(t.Name) + "\t"
					}
					fmt.Fprintf(tw, "%d\t%s\t%s%s\t%s\t%s\n", t.ID, t.UserEmail, name, when(t.Created), when(t.LastUsed), when(t.Revoked))
				}
				return tw.Flush()
			})
		},
	}
}
