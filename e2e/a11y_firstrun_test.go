//go:build e2e

package e2e

import (
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"partnerdesk/e2e/atspi"
)

// First run with the company's own app, in the dark theme, through the
// accessibility tree: the welcome screen's docs link opens in the browser
// (OpenURL), "Set up my company's app" with a client ID, a redirect URI and
// scopes, a sign-in with it, and the all-tokens overview counting down the
// token's time. Tab goes round each screen in reading order.
func TestA11yFirstRunOwnAppDarkThemeOverviewCountdown(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	// The company's "Zapier": the sandbox, its tokens good for 30 minutes (the app renews a token 15 minutes before it expires).
	base := o.sandboxWith("auto", "--expires-in", "1800")
	opened := o.fakeBrowser()
	o.extra = append(o.extra, "GTK_THEME=Adwaita:dark")
	s := o.startApp()
	s.find("heading", "Welcome to Partnerdesk")
	if l := s.luminance("theme-dark-welcome.png"); l > 0.3 {
		t.Errorf("started in GTK's dark theme, the welcome screen's mean luminance is %.2f: want a dark page (< 0.3)", l)
	}
	step("dark welcome screen")
	s.checkTabOrder("the welcome screen")
	step("Tab round the welcome screen")

	s.press("link", "Read how signing in works")
	s.eventually("the docs page opening in the browser", func() bool {
		b, _ := os.ReadFile(opened)
		return strings.TrimSpace(string(b)) == "https://docs.zapier.com/powered-by-zapier/api-reference/authentication"
	})
	step("the docs link opened in the browser")

	s.press("push button", "Set up my company's app")
	form := s.find("form", "Set up your company")
	s.typeIn(form, "Profile name", "Own app")
	s.typeIn(form, "Client ID", sandboxClient)
	s.typeIn(form, "Registered redirect URI", registeredRedirect)
	// "profile" and "zap" come ticked; the company also wants run history.
	s.pressIn(form, "check box", "zap:runs")
	s.eventually("zap:runs ticked", func() bool {
		return s.findIn(form, "check box", "zap:runs").States.Is(atspi.StateChecked)
	})
	s.pressIn(form, "push button", "Advanced")
	s.typeIn(form, "Authorize URL", base+"/oauth/authorize/")
	s.typeIn(form, "API base URL", base)
	s.checkNames("the company's app form")
	s.pressIn(form, "push button", "Add profile")
	s.find("heading", "Own app")
	s.waitText("Not signed in")
	p, ok := o.saved("Own app")
	if !ok {
		t.Fatalf("profiles.json holds no profile Own app after Add profile: %+v", o.savedProfiles())
	}
	if p.Sandbox || p.ClientID != sandboxClient || p.RedirectURI != registeredRedirect ||
		!slices.Equal(p.Scopes, []string{"profile", "zap", "zap:runs"}) {
		t.Errorf("profiles.json holds the company's app as %+v", p)
	}
	step("the company's app set up")

	s.press("push button", "Sign in")
	s.waitText("Signed in as ", "zap:runs")
	if keychainSecret(t, p.ID) == "" {
		t.Error("signed in, the keychain holds no token")
	}
	p, _ = o.saved("Own app")
	if !slices.Contains(p.Token.Scopes, "zap:runs") {
		t.Errorf("zap:runs asked for, not granted: %v", p.Token.Scopes)
	}
	step("signed in with the company's app")
	s.checkTabOrder("the signed-in card")
	step("Tab round the card")

	expires := *p.Token.ExpiresAt
	s.press("push button", "All tokens")
	s.find("heading", "All tokens")
	m := s.waitMatch(`Expires in (\d+) min`)
	shown, _ := strconv.Atoi(m[1])
	// The page reads the clock at each whole minute: it shows the minutes
	// left at its last reading, rounded down.
	if left := int(time.Until(expires) / time.Minute); shown != left && shown != left+1 {
		t.Errorf("the overview says %q, with %d whole minutes left", m[0], left)
	}
	step("the overview: " + m[0])
	s.checkTabOrder("All tokens")
	step("Tab round All tokens")
	// The countdown goes on by itself: the page reads the clock at each
	// whole minute, and the minutes left drop by one at the first of them
	// or the second (when the overview opened later in its minute than the
	// expiry is in its own).
	next := regexp.MustCompile(`Expires in ` + strconv.Itoa(shown-1) + ` min\b`)
	deadline := time.Now().Add(2*time.Minute + within)
	for !next.MatchString(s.text()) {
		if time.Now().After(deadline) {
			t.Fatalf("the overview never counted down from %q; it says:\n%s", m[0], s.text())
		}
		time.Sleep(time.Second)
	}
	step("the overview counted down a minute")
}

// luminance saves a picture of the app's main window under
// build/test-artifacts and returns its mean luminance, 0 (black) to 1
// (white): the tree has no colours, the picture shows the theme.
func (s *screen) luminance(name string) float64 {
	s.t.Helper()
	xid := findWindow("^Partnerdesk$")
	if xid == "" {
		s.t.Fatal("no X window named Partnerdesk")
	}
	path := filepath.Join(artifacts(s.t), name)
	if out, err := exec.Command("import", "-window", xid, path).CombinedOutput(); err != nil {
		s.t.Fatalf("import (ImageMagick): %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		s.t.Fatalf("%s: %v", path, err)
	}
	var sum float64
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			sum += (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(bl)) / 0xffff
		}
	}
	return sum / float64(b.Dx()*b.Dy())
}
