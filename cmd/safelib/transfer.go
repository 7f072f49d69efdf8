package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"safelib/internal/catalog"
	"safelib/internal/library"

	"github.com/spf13/cobra"
)

func init() { subcommands = append(subcommands, importCmd, exportCmd) }

func importCmd(a *app) *cobra.Command {
	var format, files string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import resources from a JSONL or CSV file (- for standard input)",
		Long: `import validates every row first: a bad row is reported with its line number
and reason and does not stop the good rows. Rows are matched to the library
by id, else by url, so importing the same file twice changes nothing.
The fields are those of the API (themes separated by ";" in CSV).
JSONL lines that name held files (an export's "versions") take them from
--files (default FILE.files, where export puts them), each checked
against its SHA-256; a line whose files are missing is rejected.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var in io.Reader = os.Stdin
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			h, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer h.Close()
			if files == "" && args[0] != "-" {
				if st, err := os.Stat(library.FilesDirOf(args[0])); err == nil && st.IsDir() {
					files = library.FilesDirOf(args[0])
				}
			}
			rep, err := h.ImportWithProgress(cmd.Context(), catalog.System, in, format, dryRun, files, newImportReporter(a.log).report)
			if rep != nil {
				for _, e := range rep.Errors {
					fmt.Fprintf(cmd.ErrOrStderr(), "line %d: %s\n", e.Line, e.Reason)
				}
				verb := "imported"
				if dryRun {
					verb = "checked (dry run, nothing written)"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%d rows %s: %d new, %d updated, %d unchanged, %d rejected\n",
					rep.Rows, verb, rep.Inserted, rep.Updated, rep.Unchanged, len(rep.Errors))
			}
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "jsonl or csv (default: guessed from the content)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "validate and report only; write nothing")
	cmd.Flags().StringVar(&files, "files", "", "directory holding the files the lines name (default FILE.files when it exists)")
	return cmd
}

func exportCmd(a *app) *cobra.Command {
	var format, out, files string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export every resource as JSONL or CSV",
		Long: `export writes every resource with the API's fields. JSONL lines also carry a
PDF's pages and the files the library holds ("file" and "versions", each
named by SHA-256); the files themselves are copied into --files (default
OUTPUT.files beside -o), so the export and that directory together import
into an empty library as the same library.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "jsonl" && format != "csv" {
				return fmt.Errorf("--format %q: want jsonl or csv", format)
			}
			h, err := a.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer h.Close()
			var w io.Writer = cmd.OutOrStdout()
			var f *os.File
			if out != "" && out != "-" {
				// Write to a temporary file and rename, so a failed export
				// never leaves a half-written file under the real name.
				f, err = os.CreateTemp(filepath.Dir(out), ".export-*")
				if err != nil {
					return err
				}
				defer os.Remove(f.Name())
				w = f
			}
			if files == "" && out != "" && out != "-" && format == "jsonl" {
				files = library.FilesDirOf(out)
			}
			bw := bufio.NewWriterSize(w, 1<<16)
			n, err := h.ExportWithFiles(cmd.Context(), catalog.System, bw, format, files)
			if err != nil {
				return err
			}
			if err := bw.Flush(); err != nil {
				return err
			}
			if f != nil {
				if err := f.Close(); err != nil {
					return err
				}
				if err := os.Rename(f.Name(), out); err != nil {
					return err
				}
			}
			a.log.Info("exported", "resources", n, "format", format)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "jsonl", "jsonl or csv")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default standard output)")
	cmd.Flags().StringVar(&files, "files", "", "directory to copy the held files into (default OUTPUT.files with -o; none to standard output)")
	return cmd
}
