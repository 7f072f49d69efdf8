package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"safelib/internal/library"
)

func init() { subcommands = append(subcommands, verifyCmd) }

func verifyCmd(a *app) *cobra.Command {
	var removeOrphans bool
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Check the database's integrity and that the index agrees with it",
		Long: `verify opens the data directory (healing writes a crash left unindexed, as
serve does), runs SQLite's integrity check and compares the index with the
database. It prints a JSON report and exits non-zero when they disagree.

With --remove-orphans it first deletes the held files (DATA/files/) that no
version of any item names, such as one a crash left between writing an
upload's file and saving its row, and lists them in the report as
files_removed. A file any version names, a withdrawn version's included,
is never removed, nor one written in the last hour.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer h.Close()
			var report struct {
				library.Consistency
				Removed *[]library.RemovedBlob `json:"files_removed,omitempty"` // with --remove-orphans
			}
			if removeOrphans {
				removed, err := h.RemoveOrphans(cmd.Context(), library.OrphanMinAge)
				if err != nil {
					return err
				}
				report.Removed = &removed
			}
			if report.Consistency, err = h.Check(cmd.Context()); err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			if err := enc.Encode(report); err != nil {
				return err
			}
			if !report.OK() {
				return fmt.Errorf("data directory %s is not consistent", a.cfg.Data)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&removeOrphans, "remove-orphans", false,
		"delete held files no version names and last written over an hour ago, listing them as files_removed")
	return cmd
}
