//go:build e2e

package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestZZEveryBoundMethodIsReachedThroughTheUI fails naming each method the
// app binds to its page that no GUI test of this run reached through the
// real window (issue 11 item 2). The bound methods are read from the app's
// Go source, not from a list kept by hand: Wails binds every exported
// method of *App, so a new one fails here until a GUI test presses what
// calls it. What the page called comes from the app's own debug records
// (each bound method notes its name; see app_called.go), gathered by
// startApp. It runs last: the go tool runs a package's test files in name
// order, and "zz_" sorts after every other.
func TestZZEveryBoundMethodIsReachedThroughTheUI(t *testing.T) {
	boundCalls.Lock()
	apps, reached := boundCalls.apps, boundCalls.methods
	boundCalls.Unlock()
	if apps == 0 {
		t.Skip("no GUI test ran in this run: run them all (make test-e2e, or -run 'TestA11y|TestZZ')")
	}
	bound := boundMethods(t, "..")
	if len(bound) < 10 {
		t.Fatalf("found only %d bound methods (%v) in the app's source: the search is broken", len(bound), bound)
	}
	var missing []string
	for _, m := range bound {
		if !reached[m] {
			missing = append(missing, m)
		}
	}
	t.Logf("%d of %d bound methods reached through the UI in %d app starts", len(bound)-len(missing), len(bound), apps)
	if len(missing) > 0 {
		t.Errorf("no GUI test reached these bound methods through the app's window: %s\n"+
			"(each bound method must call a.called with its name first, and a GUI test must press what calls it)",
			strings.Join(missing, ", "))
	}
	for m := range reached {
		if !slices.Contains(bound, m) {
			t.Errorf("the app noted a call of %q, which is not a bound method of *App", m)
		}
	}
}

// boundMethods lists the exported methods of *App in the Go package in dir
// (its non-test files), sorted.
func boundMethods(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name.Name != "main" {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !fn.Name.IsExported() {
				continue
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			if id, ok := star.X.(*ast.Ident); ok && id.Name == "App" && !slices.Contains(out, fn.Name.Name) {
				out = append(out, fn.Name.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}
