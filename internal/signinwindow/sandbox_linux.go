//go:build linux && cgo

package signinwindow

import (
	"fmt"
	"os"
	"os/exec"
	"sync"

	"partnerdesk/internal/signin/window"
)

// The programs WebKitGTK starts its sandbox with; it looks for them at these
// paths only (Debian's libwebkit2gtk-4.1-0 depends on both packages).
// Variables for tests only.
var (
	bwrapPath     = "/usr/bin/bwrap"
	dbusProxyPath = "/usr/bin/xdg-dbus-proxy"
)

var (
	sandboxMu sync.Mutex
	sandboxOK bool
)

// checkSandbox makes sure WebKit's web-process sandbox can start before a
// window asks for it. Without the check, a missing or blocked bubblewrap
// does not fall back to an unsandboxed page: WebKit aborts the whole process
// (g_error "Failed to fully launch dbus-proxy"), the app included. A working
// result is remembered; a failing one is checked again next time, as the
// operator may have fixed it meanwhile.
//
// WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS would make WebKit run the pages
// unsandboxed without saying so: the window refuses to open instead.
func checkSandbox() error {
	sandboxMu.Lock()
	defer sandboxMu.Unlock()
	if v := os.Getenv("WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS"); v != "" && v != "0" {
		return fmt.Errorf("%w: WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS is set in Partnerdesk's environment. Start Partnerdesk without it.", window.ErrNoSandbox)
	}
	if sandboxOK {
		return nil
	}
	for _, p := range []string{bwrapPath, dbusProxyPath} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w: %s is missing. Ask your IT team to install the bubblewrap and xdg-dbus-proxy packages.", window.ErrNoSandbox, p)
		}
	}
	// The namespaces WebKit's sandbox asks for, around a program that does
	// nothing.
	out, err := exec.Command(bwrapPath, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "true").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: bubblewrap cannot create its sandbox here (%s). Ask your IT team to allow unprivileged user namespaces for bubblewrap.", window.ErrNoSandbox, firstLine(out, err))
	}
	sandboxOK = true
	return nil
}

func firstLine(out []byte, err error) string {
	for i, c := range out {
		if c == '\n' {
			out = out[:i]
			break
		}
	}
	if len(out) == 0 {
		return err.Error()
	}
	return string(out)
}
