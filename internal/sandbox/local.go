package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// LocalAddr is where the app's built-in sandbox listens. The address is
// fixed so that the Sandbox profile's URLs stay the same from one launch to
// the next; tokens stay valid across restarts because the signing key
// persists.
const LocalAddr = "127.0.0.1:47913"

var (
	localMu  sync.Mutex
	localSrv *Server
)

// EnsureLocal makes sure a sandbox answers at addr: one this process runs,
// or one another Partnerdesk process (the app, or a command) already runs
// there, which serves the same tokens since they share the signing key. It
// returns the base URL.
func EnsureLocal(addr string) (string, error) {
	localMu.Lock()
	defer localMu.Unlock()
	base := "http://" + addr
	if localSrv != nil {
		return localSrv.URL(), nil
	}
	srv, err := Start(Options{Addr: addr})
	if err == nil {
		localSrv = srv
		return srv.URL(), nil
	}
	if isSandbox(base) {
		return base, nil
	}
	return "", fmt.Errorf("the built-in sandbox could not start on %s, and another program uses that address: %w", addr, err)
}

// isSandbox tells whether a Partnerdesk sandbox answers at base.
func isSandbox(base string) bool {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get(base + "/v1/profiles/me")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return strings.Contains(resp.Header.Get("WWW-Authenticate"), "Partnerdesk Sandbox")
}
