package signin

import (
	"net/url"
	"os"
	"os/exec"
	"runtime"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
)

// LocalEndpoints gives a profile's URLs; the Sandbox profile's need the
// built-in sandbox running, in this process or another Partnerdesk one, so
// it starts it when none answers. The app and the command both use it.
func LocalEndpoints(p profiles.Profile) (authorizeURL, apiBaseURL string, err error) {
	if p.Sandbox {
		u, err := url.Parse(p.EffectiveAPIBaseURL())
		if err != nil {
			return "", "", err
		}
		if _, err := sandbox.EnsureLocal(u.Host); err != nil {
			return "", "", err
		}
	}
	return p.EffectiveAuthorizeURL(), p.EffectiveAPIBaseURL(), nil
}

// SystemBrowser opens an address in the system browser: $BROWSER when set
// (as many Unix tools honour), else the desktop's handler.
func SystemBrowser(address string) error {
	var cmd *exec.Cmd
	switch {
	case os.Getenv("BROWSER") != "":
		cmd = exec.Command(os.Getenv("BROWSER"), address)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", address)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", address)
	default:
		cmd = exec.Command("xdg-open", address)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; the browser lives on
	return nil
}
