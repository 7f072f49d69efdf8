package main

import (
	"context"
	"fmt"
	"safelib/internal/auth"
	"safelib/internal/catalog"
	"strings"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, feedTokenCmd) }

func feedTokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feed-token",
		Short: "Manage members' private feed addresses (Atom feeds with members-only items)",
		Long: `A private feed address carries a token that stands for its owner, so a
feed reader (which can't sign in) gets the owner's view: members-only items
while the membership lasts, public ones after it lapses. Each person has at
most one: making a new one revokes the old. Only the token's SHA-256 is
stored, so an address is shown once. Members make their own on the site's
Embed page.`,
	}
	create := &cobra.Command{
		Use:   "create EMAIL",
		Short: "Make a private feed address for an account (revoking its old one); printed on the last line",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				raw, t, err := au.CreateFeedToken(cmd.Context(), auth.System, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "private feed address for %s (add search filters before token=, e.g. theme=neglect&); it is shown only once:\n%s/feed.atom?token=%s\n",
					t.UserEmail, strings.TrimRight(a.cfg.PublicURL(), "/"), raw)
				return nil
			})
		},
	}
	create.Flags().StringVar(&a.cfg.BaseURL, "base-url", a.cfg.BaseURL, "public URL of the site (default http://127.0.0.1:8080)")
	list := a.tokenListCommand("List private feed tokens (all, or one account's)", false,
		func(ctx context.Context, au *auth.Auth, email string) ([]*catalog.Token, error) {
			return au.FeedTokens(ctx, auth.System, email)
		})
	revoke := &cobra.Command{
		Use:   "revoke EMAIL",
		Short: "Revoke an account's private feed address; it stops working at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withAuth(cmd.Context(), func(au *auth.Auth) error {
				n, err := au.RevokeFeedTokens(cmd.Context(), auth.System, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "revoked %d private feed address(es) of %s\n", n, args[0])
				return nil
			})
		},
	}
	cmd.AddCommand(create, list, revoke)
	return cmd
}
