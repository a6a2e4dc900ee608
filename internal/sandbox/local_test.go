package sandbox

import (
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
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

// asInstallation gives the test an installation of its own: a data folder
// (where the installation's sandbox key lives) and no sandboxes this
// process runs for EnsureLocal.
func asInstallation(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	localMu.Lock()
	old := localSrv
	localSrv = map[string]*Server{}
	localMu.Unlock()
	t.Cleanup(func() {
		localMu.Lock()
		for _, srv := range localSrv {
			srv.Close()
		}
		localSrv = old
		localMu.Unlock()
	})
}

// serveOn serves h on a free 127.0.0.1 port until the test ends and
// returns the address.
func serveOn(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// wantPortTaken checks that EnsureLocal refused addr, saying another
// program uses it.
func wantPortTaken(t *testing.T, addr string) {
	t.Helper()
	got, err := EnsureLocal(addr)
	var taken *PortTakenError
	if !errors.As(err, &taken) {
		t.Fatalf("EnsureLocal(%s) = %q, %v; want a *PortTakenError", addr, got, err)
	}
	if msg := err.Error(); !strings.Contains(msg, addr) || !strings.Contains(msg, "another program is using") {
		t.Errorf("the message does not name the address and say another program uses it: %q", msg)
	}
}

func TestEnsureLocalStartsOneSandboxAndReusesIt(t *testing.T) {
	asInstallation(t)
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

func TestEnsureLocalUsesTheSandboxAnotherPartnerdeskProcessRuns(t *testing.T) {
	asInstallation(t)
	addr := freeAddr(t)
	// Another process of this installation: the same key file, its own server.
	other, err := Start(Options{Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	got, err := EnsureLocal(addr)
	if err != nil || got != other.URL() {
		t.Errorf("EnsureLocal with this installation's sandbox already there = %q, %v; want %q", got, err, other.URL())
	}
}

func TestEnsureLocalRefusesAServerThatSendsTheSandboxsHeader(t *testing.T) {
	asInstallation(t)
	// Any local program can answer as the sandbox's API does, header and all.
	var asked atomic.Int32
	addr := serveOn(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("WWW-Authenticate", `Bearer realm="Partnerdesk Sandbox", error="invalid_token"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	wantPortTaken(t, addr)
	if asked.Load() == 0 {
		t.Error("EnsureLocal refused without asking the server to prove itself")
	}
}

func TestEnsureLocalRefusesTheSandboxOfAnotherInstallation(t *testing.T) {
	asInstallation(t)
	addr := freeAddr(t)
	foreign, err := Start(Options{Addr: addr, KeyFile: filepath.Join(t.TempDir(), "their.key")})
	if err != nil {
		t.Fatal(err)
	}
	defer foreign.Close()
	wantPortTaken(t, addr)
}

func TestEnsureLocalRefusesAServerThatRelaysToThisInstallationsSandbox(t *testing.T) {
	asInstallation(t)
	// This installation's sandbox on one port, and a program on another
	// port passing every request on to it: the relayed proof names the
	// sandbox's own address, not the one EnsureLocal asked.
	own, err := Start(Options{Addr: freeAddr(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	target, _ := url.Parse(own.URL())
	relay := serveOn(t, httputil.NewSingleHostReverseProxy(target))
	wantPortTaken(t, relay)
}

func TestEnsureLocalDoesNotAnswerForOneAddressWithASandboxOnAnother(t *testing.T) {
	asInstallation(t)
	if _, err := EnsureLocal(freeAddr(t)); err != nil {
		t.Fatal(err)
	}
	squatted := serveOn(t, http.NotFoundHandler())
	wantPortTaken(t, squatted)
}

func TestEnsureLocalRefusesAnAddressThatIsNotLoopback(t *testing.T) {
	asInstallation(t)
	for _, addr := range []string{"192.0.2.10:47913", "example.com:47913", "127.0.0.1:0"} {
		if got, err := EnsureLocal(addr); err == nil {
			t.Errorf("EnsureLocal(%q) = %q, want an error", addr, got)
		}
	}
}

func TestTheProofDependsOnTheKeyTheAddressAndTheChallenge(t *testing.T) {
	key, otherKey := []byte("k1"), []byte("k2")
	c1, c2 := make([]byte, challengeSize), make([]byte, challengeSize)
	c2[0] = 1
	base := proof(key, "127.0.0.1:1", c1)
	for name, p := range map[string][]byte{
		"another key":       proof(otherKey, "127.0.0.1:1", c1),
		"another address":   proof(key, "127.0.0.1:2", c1),
		"another challenge": proof(key, "127.0.0.1:1", c2),
	} {
		if string(p) == string(base) {
			t.Errorf("the proof is the same with %s", name)
		}
	}
}
