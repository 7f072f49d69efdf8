package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"safelib/internal/auth"
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
	list := &cobra.Command{
		Use:   "list [EMAIL]",
		Short: "List tokens (all, or one account's)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			email := ""
			if len(args) == 1 {
				email = args[0]
			}
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				ts, err := au.Tokens(cmd.Context(), auth.System, email)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tACCOUNT\tNAME\tCREATED\tLAST USED\tREVOKED")
				for _, t := range ts {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.UserEmail, dash(t.Name),
						when(t.Created), when(t.LastUsed), when(t.Revoked))
				}
				return tw.Flush()
			})
		},
	}
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
