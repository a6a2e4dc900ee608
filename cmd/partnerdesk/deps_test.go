package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// listed is what `go list -json` says of a package that matters here.
type listed struct {
	ImportPath string
	Standard   bool
	CgoFiles   []string
}

// goList runs `go list -json args...` with cgo on, as on a developer's Linux
// machine, so that a package that would link a C library shows its cgo
// files even though the command is built with CGO_ENABLED=0.
func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json", "-tags", "webkit2_41"}, args...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1", "GOOS=linux")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// The command loads no GTK or WebKit: nothing it is built from has cgo
// files (the standard library's own, such as net's resolver, have pure-Go
// twins that CGO_ENABLED=0 picks), and nothing of Wails.
func TestTheCommandIsBuiltFromNoCgoAndNoWails(t *testing.T) {
	pkgs := goList(t, "-deps", "partnerdesk/cmd/partnerdesk")
	if len(pkgs) < 20 {
		t.Fatalf("go list named only %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		if strings.HasPrefix(p.ImportPath, "github.com/wailsapp/") {
			t.Errorf("the command depends on %s", p.ImportPath)
		}
		if len(p.CgoFiles) > 0 && !p.Standard {
			t.Errorf("the command depends on %s, which has cgo files %v", p.ImportPath, p.CgoFiles)
		}
	}
}

// In internal/, only the native window package links C libraries.
func TestOnlyTheWindowPackageHasCgoFiles(t *testing.T) {
	const native = "partnerdesk/internal/signinwindow"
	sawNative := false
	for _, p := range goList(t, "partnerdesk/internal/...") {
		if len(p.CgoFiles) == 0 {
			continue
		}
		if p.ImportPath != native {
			t.Errorf("%s has cgo files %v: only %s may", p.ImportPath, p.CgoFiles, native)
		}
		sawNative = true
	}
	if !sawNative {
		t.Errorf("go list shows no cgo files in %s: is cgo on?", native)
	}
}
