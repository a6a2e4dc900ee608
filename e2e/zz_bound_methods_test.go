//go:build e2e

package e2e

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestZZEveryBoundMethodIsReachedThroughTheUI fails naming each method the
// app binds to its page that no GUI test of this run reached through the
// real window (issue 11 item 2). The bound methods are read from the app's
// Go source, not from a list kept by hand: Wails binds every exported
// method of each service Services.Bound lists (internal/desktop), so a new
// one fails here until a GUI test presses what calls it. What the page
// called comes from the app's own debug records (each bound method notes
// its name; see internal/desktop/called.go), gathered by
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
			"(each bound method must call called with its name first, and a GUI test must press what calls it)",
			strings.Join(missing, ", "))
	}
	for m := range reached {
		if !slices.Contains(bound, m) {
			t.Errorf("the app noted a call of %q, which is not a bound method of a service", m)
		}
	}
}

// boundMethods lists the exported methods of every service the app binds,
// sorted: the services are the ones Services.Bound returns in
// internal/desktop (the one list main.go hands Wails), read from its
// source, and their methods those of the package's non-test files. Method
// names are unique across the services, as the app's debug records name
// only the method.
func boundMethods(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "internal", "desktop", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
	}
	// The services: the fields named in Bound's []any{s.Session, ...};
	// each field has its service's type name.
	services := map[string]bool{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "Bound" || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok {
					services[sel.Sel.Name] = true
				}
				return true
			})
		}
	}
	if len(services) < 4 {
		t.Fatalf("found the services %v in Services.Bound (internal/desktop): the search is broken", services)
	}
	var out []string
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !fn.Name.IsExported() {
				continue
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			if !ok {
				continue
			}
			if id, ok := star.X.(*ast.Ident); ok && services[id.Name] {
				if slices.Contains(out, fn.Name.Name) {
					t.Errorf("two services bind a method named %s: the debug records could not tell them apart", fn.Name.Name)
				}
				out = append(out, fn.Name.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}
