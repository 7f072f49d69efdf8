package main

import (
	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, reindexCmd) }

func reindexCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the search index from the database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			h, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer h.Close()
			return h.RebuildIndex(cmd.Context(), progress("reindex"))
		},
	}
}
