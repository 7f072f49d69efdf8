package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"safelib/internal/version"
)

func init() { subcommands = append(subcommands, versionCmd) }

func versionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long: `version prints the version, commit and build date recorded in the binary
(debug.ReadBuildInfo); safelib --version prints the same.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "safelib", version.String())
			return nil
		},
	}
}
