package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, verifyCmd) }

func verifyCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check the database's integrity and that the index agrees with it",
		Long: `verify opens the data directory (healing writes a crash left unindexed, as
serve does), runs SQLite's integrity check and compares the index with the
database. It prints a JSON report and exits non-zero when they disagree.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer h.Close()
			c, err := h.Check(cmd.Context())
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(c); err != nil {
				return err
			}
			if !c.OK() {
				return fmt.Errorf("data directory %s is not consistent", a.cfg.Data)
			}
			return nil
		},
	}
}
