package main

import (
	"github.com/spf13/cobra"

	"safelib/internal/library"
)

func init() { subcommands = append(subcommands, reindexCmd) }

func reindexCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the search index from the database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withLibrary(cmd.Context(), func(h *library.Handle) error {
				if h.Rebuilt() {
					// Opening it rebuilt the index (an older mapping, say):
					// a second rebuild would only double the time.
					return nil
				}
				return h.RebuildIndex(cmd.Context(), progress("reindex"))
			})
		},
	}
}
