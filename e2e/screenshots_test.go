//go:build e2e && screenshots

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"partnerdesk/e2e/atspi"
)

// TestScreenshots takes the pictures in docs/screenshots from the real app
// (`make screenshots`, not part of make test), against the built-in sandbox,
// in GTK's light and dark themes: the welcome screen, the sign-in window, a
// declined sign-in, the signed-in account, Browse with rows, and All tokens.
// The app is driven through its accessibility tree, as the e2e tests do.
func TestScreenshots(t *testing.T) {
	dir, err := filepath.Abs("../docs/screenshots")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, theme := range []struct{ name, gtk string }{{"light", "Adwaita"}, {"dark", "Adwaita:dark"}} {
		t.Run(theme.name, func(t *testing.T) {
			o := newOperator(t)
			o.extra = append(o.extra, "GTK_THEME="+theme.gtk)
			s := o.startApp()
			// shot takes a picture of a window once the notes that fade out by
			// themselves (toasts, 5 s) are gone: only banners keeps Dismiss buttons.
			shot := func(name, windowTitle string, banners int) {
				t.Helper()
				s.eventually("the notes to fade", func() bool {
					shown := 0
					for _, n := range s.bus.FindAll(s.app, "push button", "Dismiss") {
						if n.States.Is(atspi.StateVisible) {
							shown++
						}
					}
					return shown == banners
				})
				// The page fades dialogs and notes in: let them settle. A picture, not an assertion.
				time.Sleep(800 * time.Millisecond)
				xid := waitWindow(t, windowTitle, within)
				path := filepath.Join(dir, name+"-"+theme.name+".png")
				if out, err := exec.Command("import", "-window", xid, path).CombinedOutput(); err != nil {
					t.Fatalf("import (ImageMagick): %v\n%s", err, out)
				}
				t.Log(path)
			}

			s.find("heading", "Welcome to Partnerdesk")
			shot("welcome", "^Partnerdesk$", 0)

			s.press("push button", "Try the Sandbox")
			s.waitText("Not signed in")
			s.press("push button", "Sign in")
			consent := s.find("frame", "Partnerdesk sign-in")
			s.findIn(consent, "push button", "Approve")
			shot("sign-in-window", "Partnerdesk sign-in", 0)
			s.pressIn(consent, "push button", "Deny")
			s.waitText("You declined access")
			shot("declined", "^Partnerdesk$", 1)

			s.press("push button", "Sign in")
			consent = s.find("frame", "Partnerdesk sign-in")
			s.pressIn(consent, "push button", "Approve")
			s.waitText("Signed in as ")
			s.waitGone("frame", "Partnerdesk sign-in")
			shot("account", "^Partnerdesk$", 0)

			s.press("page tab", "Browse")
			s.press("push button", "Zaps")
			s.waitMatch(number + ` (rows|of ` + number + ` loaded)`)
			shot("browse", "^Partnerdesk$", 0)

			s.press("push button", "All tokens")
			s.find("heading", "All tokens")
			shot("all-tokens", "^Partnerdesk$", 0)
		})
	}
}
