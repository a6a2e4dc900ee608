package sandbox

import (
	"net"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/adrg/xdg"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// resetLocal forgets the process's own local sandbox for the test.
func resetLocal(t *testing.T) {
	t.Helper()
	localMu.Lock()
	old := localSrv
	localSrv = nil
	localMu.Unlock()
	t.Cleanup(func() {
		localMu.Lock()
		if localSrv != nil && localSrv != old {
			localSrv.Close()
		}
		localSrv = old
		localMu.Unlock()
	})
}

func TestEnsureLocalStartsOneSandboxAndReusesIt(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	xdg.Reload()
	resetLocal(t)
	addr := freeAddr(t)
	first, err := EnsureLocal(addr)
	if err != nil {
		t.Fatal(err)
	}
	if first != "http://"+addr {
		t.Errorf("base URL %q, want http://%s", first, addr)
	}
	again, err := EnsureLocal(addr)
	if err != nil || again != first {
		t.Errorf("second EnsureLocal = %q, %v; want the same sandbox", again, err)
	}
}

func TestEnsureLocalUsesASandboxAnotherProcessRuns(t *testing.T) {
	resetLocal(t)
	addr := freeAddr(t)
	other, err := Start(Options{Addr: addr, KeyFile: filepath.Join(t.TempDir(), "key")})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	got, err := EnsureLocal(addr)
	if err != nil || got != other.URL() {
		t.Errorf("EnsureLocal with a sandbox already there = %q, %v; want %q", got, err, other.URL())
	}
}

func TestEnsureLocalRefusesAPortAnotherProgramHolds(t *testing.T) {
	resetLocal(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go http.Serve(ln, http.NotFoundHandler())
	if _, err := EnsureLocal(ln.Addr().String()); err == nil {
		t.Fatal("EnsureLocal took a port another program serves")
	}
}
