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
	sent := eventsGoSends(t, ".", "internal/desktop")
	listened := eventsThePageListensTo(t, "frontend/src/lib/api/backend.ts")
	if !slices.Equal(sent, listened) {
		t.Errorf("event names differ:\n Go sends:          %q\n the page listens: %q", sent, listened)
	}
}

// eventsGoSends reads the event names of every Emit(name, …) (the
// services' Platform), emit(name, …) and runtime.EventsEmit(ctx, name, …)
// call in the non-test files of the packages in dirs. A name must be a
// string literal or a constant of those packages; the only calls that
// forward a variable are inside an Emit or emit function itself.
func eventsGoSends(t *testing.T, dirs ...string) []string {
	t.Helper()
	var files []string
	for _, dir := range dirs {
		found, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
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
				var callee string
				switch fun := call.Fun.(type) {
				case *ast.SelectorExpr:
					callee = fun.Sel.Name
				case *ast.Ident:
					callee = fun.Name
				}
				var arg ast.Expr
				switch {
				case (callee == "Emit" || callee == "emit") && len(call.Args) >= 1:
					arg = call.Args[0]
				case callee == "EventsEmit" && len(call.Args) >= 2:
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
					if fn.Name.Name == "Emit" || fn.Name.Name == "emit" {
						return true // a forwarder: its callers are read above
					}
				}
				t.Errorf("%s: an event name this test cannot read; use a string literal or a constant",
					fset.Position(call.Pos()))
				return true
			})
		}
	}
	if len(names) == 0 {
		t.Fatal("no Emit or EventsEmit call found: this test no longer reads the Go side")
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
