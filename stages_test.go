package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// The page shows a sign-in's progress only for the stages it knows: a stage
// Go sends that the page's list lacks never lights up (this happened to
// "browser"). The page's list must be exactly internal/signin's Stage
// constants plus "done", which the app sends when a sign-in ends.
func TestThePageKnowsEverySignInStageGoSends(t *testing.T) {
	goStages := stageConstants(t, "internal/signin/signin.go")
	goStages = append(goStages, "done")
	slices.Sort(goStages)

	src, err := os.ReadFile("frontend/src/lib/api/backend.ts")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const STAGES = new Set\(\[([^\]]*)\]\)`).FindSubmatch(src)
	if m == nil {
		t.Fatal("frontend/src/lib/api/backend.ts has no `const STAGES = new Set([...])`")
	}
	var pageStages []string
	for _, q := range regexp.MustCompile(`'([^']*)'`).FindAllSubmatch(m[1], -1) {
		pageStages = append(pageStages, string(q[1]))
	}
	slices.Sort(pageStages)
	if !slices.Equal(goStages, pageStages) {
		t.Errorf("sign-in stages differ:\n Go sends:   %q\n page knows: %q", goStages, pageStages)
	}
}

// stageConstants reads the values of every constant of type Stage in a Go file.
func stageConstants(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || spec.Type == nil {
			return true
		}
		if id, ok := spec.Type.(*ast.Ident); !ok || id.Name != "Stage" {
			return true
		}
		for _, v := range spec.Values {
			if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, s)
			}
		}
		return true
	})
	if len(out) == 0 {
		t.Fatalf("no Stage constants found in %s", path)
	}
	return out
}
