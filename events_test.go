package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Wails generates the bound methods and their types for the page, but not the
// names of the events Go sends: an event Go sends that the page does not
// subscribe to is never shown, and a name the page waits for that Go never
// sends never arrives. The names Go sends are read from the Go code itself
// (every emitEvent and EventsEmit call); the names the page listens to from
// backend.ts's subscribe calls, its only listener.
func TestThePageListensToExactlyTheEventsGoSends(t *testing.T) {
	sent := eventsGoSends(t, ".")
	listened := eventsThePageListensTo(t, "frontend/src/lib/api/backend.ts")
	if !slices.Equal(sent, listened) {
		t.Errorf("event names differ:\n Go sends:          %q\n the page listens: %q", sent, listened)
	}
}

// eventsGoSends reads the event names of every emitEvent(name, …) and
// runtime.EventsEmit(ctx, name, …) call in the package's non-test files. A name
// must be a string literal or a constant of the package; the one call that
// forwards a variable is inside emitEvent itself.
func eventsGoSends(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var parsed []*ast.File
	constants := map[string]string{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := stringLiteral(vs.Values[i]); ok {
							constants[name.Name] = s
						}
					}
				}
			}
		}
	}

	var names []string
	for _, f := range parsed {
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				var arg ast.Expr
				switch {
				case sel.Sel.Name == "emitEvent" && len(call.Args) >= 1:
					arg = call.Args[0]
				case sel.Sel.Name == "EventsEmit" && len(call.Args) >= 2:
					arg = call.Args[1]
				default:
					return true
				}
				if s, ok := stringLiteral(arg); ok {
					names = append(names, s)
					return true
				}
				if id, ok := arg.(*ast.Ident); ok {
					if s, ok := constants[id.Name]; ok {
						names = append(names, s)
						return true
					}
					if fn.Name.Name == "emitEvent" {
						return true // the forwarder: its callers are read above
					}
				}
				t.Errorf("%s: an event name this test cannot read; use a string literal or a constant",
					fset.Position(call.Pos()))
				return true
			})
		}
	}
	if len(names) == 0 {
		t.Fatal("no emitEvent or EventsEmit call found: this test no longer reads the Go side")
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func stringLiteral(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// eventsThePageListensTo reads the names of backend.ts's subscribe('name', …)
// calls. Every other way to listen (window.runtime.EventsOn) is in subscribe.
func eventsThePageListensTo(t *testing.T, path string) []string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range regexp.MustCompile(`\bsubscribe\(\s*'([^']*)'`).FindAllSubmatch(src, -1) {
		names = append(names, string(m[1]))
	}
	if n := len(regexp.MustCompile(`EventsOn\(`).FindAll(src, -1)); n != 1 {
		t.Fatalf("%s calls EventsOn %d times; expected once, inside subscribe", path, n)
	}
	if len(names) == 0 {
		t.Fatalf("no subscribe('…') call found in %s", path)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
