package sandbox

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// LocalAddr is where the app's built-in sandbox listens. The address is
// fixed so that the Sandbox profile's URLs stay the same from one launch to
// the next; tokens stay valid across restarts because the signing key
// persists.
const LocalAddr = "127.0.0.1:47913"

// PortTakenError means another program holds the address of the built-in
// sandbox and could not prove it is this installation's sandbox. Partnerdesk
// does not move the sandbox to another port: the Sandbox profile's address
// (shown on its card as where it sends the sign-in) stays what the operator
// accepted, and the operator learns that something else sits there.
type PortTakenError struct {
	Addr string
	Err  error // why listening failed
}

func (e *PortTakenError) Unwrap() error { return e.Err }

func (e *PortTakenError) Error() string {
	return fmt.Sprintf("another program is using %s, the address of Partnerdesk's sandbox, and it is not Partnerdesk's sandbox, "+
		"so Partnerdesk did not start the sandbox and sent nothing there. Close that program, or restart the computer, then try again", e.Addr)
}

var (
	localMu  sync.Mutex
	localSrv = map[string]*Server{} // by address: the sandboxes this process runs
)

// EnsureLocal makes sure this installation's sandbox answers at addr, a
// loopback address with a fixed port: one this process runs, or one another
// Partnerdesk process (the app, or a command) already runs there, which
// serves the same tokens since they share the installation's key. It returns
// the base URL. A server at addr that cannot prove it knows the key is
// never used: EnsureLocal returns a *PortTakenError.
func EnsureLocal(addr string) (string, error) {
	addr, err := loopbackAddr(addr)
	if err != nil {
		return "", err
	}
	if _, port, _ := net.SplitHostPort(addr); port == "0" {
		return "", errors.New("sandbox: the built-in sandbox needs a fixed port, not 0")
	}
	localMu.Lock()
	defer localMu.Unlock()
	if srv := localSrv[addr]; srv != nil {
		return srv.URL(), nil
	}
	srv, err := New(Options{})
	if err != nil {
		return "", err
	}
	listenErr := srv.listen(addr)
	if listenErr == nil {
		localSrv[addr] = srv
		return srv.URL(), nil
	}
	if proves(addr, srv.identityKey) {
		return "http://" + addr, nil
	}
	return "", &PortTakenError{Addr: addr, Err: listenErr}
}
