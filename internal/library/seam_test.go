package library

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The seam is kept by this test, not by convention: only the packages
// named here may import the store or the index, Bleve, Gin and SQL have
// one home each, and of those only the
// library calls the store's resource methods. web and crawl see resources
// through the library alone. If this fails, go through the library (or,
// for a table with no resource text, give the package a narrow interface
// the store implements, as crawl.State does).
func TestSeam(t *testing.T) {
	allowed := map[string][]string{
		// auth and mail keep their own tables (accounts, the outbox) there.
		"safelib/internal/store": {"safelib/internal/library", "safelib/internal/auth", "safelib/internal/mail", "safelib/cmd/safelib"},
		"safelib/index":          {"safelib/internal/library", "safelib/cmd/safelib", "safelib/cmd/loadtest"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "safelib/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := map[string]bool{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		seen[f[0]] = true
		for _, imp := range f[1:] {
			if who, ok := allowed[imp]; ok && imp != f[0] && !slices.Contains(who, f[0]) {
				t.Errorf("%s imports %s: only %v may", f[0], imp, who)
			}
		}
	}
	// Libraries with one home: Bleve (and the scorch internals, bitmaps
	// and bbolt it reads) in index, Gin in web, SQL in the store. The load
	// test builds a plain Bleve index to compare ours with.
	homes := []struct {
		prefix string
		who    []string
	}{
		{"github.com/blevesearch/", []string{"safelib/index", "safelib/cmd/loadtest"}},
		{"github.com/RoaringBitmap/", []string{"safelib/index"}},
		{"go.etcd.io/bbolt", []string{"safelib/index"}},
		{"github.com/gin-gonic/", []string{"safelib/web"}},
		{"database/sql", []string{"safelib/internal/store"}},
		{"modernc.org/sqlite", []string{"safelib/internal/store"}},
	}
	found := map[string]bool{}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			for _, h := range homes {
				if !strings.HasPrefix(imp, h.prefix) {
					continue
				}
				found[h.prefix] = true
				if !slices.Contains(h.who, f[0]) {
					t.Errorf("%s imports %s: only %v may", f[0], imp, h.who)
				}
			}
		}
	}
	for _, h := range homes {
		if !found[h.prefix] {
			t.Errorf("nothing imports %s: the rule for it would prove nothing (remove it?)", h.prefix)
		}
	}
	for _, p := range []string{"safelib/web", "safelib/internal/crawl", "safelib/internal/auth", "safelib/internal/library"} {
		if !seen[p] {
			t.Fatalf("go list did not list %s: the test would prove nothing", p)
		}
	}

	// The store's resource methods: those whose signature names a resource.
	resourceMethods := map[string]bool{}
	for _, f := range parseDir(t, "../store") {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() {
				continue
			}
			if strings.Contains(exprText(fd.Type), "catalog.Resource") {
				resourceMethods[fd.Name.Name] = true
			}
		}
	}
	if len(resourceMethods) < 10 || !resourceMethods["GetResource"] {
		t.Fatalf("found only %d resource methods in the store: the test would prove nothing", len(resourceMethods))
	}
	// The other importers of the store must not call them on a store.
	for _, dir := range []string{"../auth", "../mail", "../../cmd/safelib"} {
		for name, f := range parseDirNamed(t, dir) {
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || !resourceMethods[sel.Sel.Name] {
					return true
				}
				if x := exprText(sel.X); x == "st" || strings.HasSuffix(x, ".st") || strings.HasSuffix(x, "Store()") {
					t.Errorf("%s calls %s.%s: resources are read and written through the library", name, x, sel.Sel.Name)
				}
				return true
			})
		}
	}
}

func parseDir(t *testing.T, dir string) []*ast.File {
	var fs []*ast.File
	for _, f := range parseDirNamed(t, dir) {
		fs = append(fs, f)
	}
	return fs
}

func parseDirNamed(t *testing.T, dir string) map[string]*ast.File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	out := map[string]*ast.File{}
	fset := token.NewFileSet()
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = f
	}
	return out
}

// exprText prints an expression or type roughly, enough to match names.
func exprText(e ast.Node) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return exprText(x.X) + "." + x.Sel.Name
	case *ast.StarExpr:
		return "*" + exprText(x.X)
	case *ast.ArrayType:
		return "[]" + exprText(x.Elt)
	case *ast.MapType:
		return "map[" + exprText(x.Key) + "]" + exprText(x.Value)
	case *ast.CallExpr:
		return exprText(x.Fun) + "()"
	case *ast.FuncType:
		var b strings.Builder
		for _, l := range []*ast.FieldList{x.Params, x.Results} {
			if l == nil {
				continue
			}
			for _, fl := range l.List {
				b.WriteString(exprText(fl.Type) + " ")
			}
		}
		return b.String()
	case *ast.FuncLit:
		return exprText(x.Type)
	case *ast.IndexExpr:
		return exprText(x.X) + "[" + exprText(x.Index) + "]"
	}
	return ""
}
