package main

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"safelib/internal/library"
	"safelib/internal/store"
	"safelib/internal/taxonomy"
)

func init() { subcommands = append(subcommands, backupCmd, restoreCmd) }

func backupCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent snapshot of the database to FILE, while serving",
		Long: `backup writes a consistent snapshot of the data directory's database
(DATA/safelib.db) to FILE. It works while serve runs: it takes no data
directory lock but opens the database file read-only and copies it in one
read transaction (SQLite VACUUM INTO), so writers carry on and the copy
holds every write committed before it began. The copy is checked
(integrity_check) before it is renamed to FILE.

The files the library holds (uploads) are copied beside it, into
FILE.files/ (one file per SHA-256, each checked against its hash), so
FILE and FILE.files together are the whole library. Keep them together.

The search index is not backed up: it is rebuilt from the database by
restore.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := store.BackupFile(cmd.Context(), filepath.Join(a.cfg.Data, "safelib.db"), args[0])
			if err != nil {
				return err
			}
			n, bytes, err := library.BackupFiles(cmd.Context(), a.cfg.Data, args[0])
			fmt.Fprintf(cmd.OutOrStdout(), "backed up %d resources to %s (%d bytes) in %v, and %d held files (%d bytes) to %s\n",
				info.Resources, info.File, info.Bytes, info.Took.Round(time.Millisecond), n, bytes, library.FilesDirOf(args[0]))
			return err
		},
	}
}

func restoreCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Restore a backup into an empty data directory and rebuild the index",
		Long: `restore checks the backup FILE (integrity_check), copies it into --data, which
must be new or empty (a restore never overwrites a library), copies the
held files from FILE.files/ (each checked against its hash), and builds
the search index from it. It fails when a file the database names is
missing or changed. Then serve that directory.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			start := time.Now()
			h, info, err := library.RestoreInto(cmd.Context(), a.cfg.Data, args[0], taxonomy.Default(), a.log,
				progress("indexing"))
			if err != nil {
				return err
			}
			defer h.Close()
			c, err := h.Check(cmd.Context())
			if err != nil {
				return err
			}
			if !c.OK() {
				return fmt.Errorf("restored, but the check failed: %+v", c)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %d resources into %s (%d indexed) in %v\n",
				info.Resources, a.cfg.Data, c.IndexDocs, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}
