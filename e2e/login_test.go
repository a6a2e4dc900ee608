//go:build e2e

package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sandboxAccount asks the sandbox API who a token belongs to.
func sandboxAccount(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/v1/profiles/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var me struct {
		FullName string `json:"full_name"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&me); err != nil || me.FullName == "" {
		t.Fatalf("sandbox /v1/profiles/me: status %d, %v", resp.StatusCode, err)
	}
	return me.FullName
}

func TestLoginStoresTheTokenInTheKeychainAndLogoutRemovesIt(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("auto")
	id := o.addProfile("e2e", base, registeredRedirect)

	r := o.run("login", "--profile", "e2e", "--timeout", "60s")
	if r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	token := keychainSecret(t, id)
	if token == "" {
		t.Fatal("login exited 0 but the keychain holds no token for the profile")
	}
	if got := strings.TrimSpace(o.mustRun("token", "--profile", "e2e").stdout); got != token {
		t.Errorf("partnerdesk token printed a different value than the keychain holds")
	}
	account := sandboxAccount(t, base, token)
	if !strings.Contains(r.stderr, account) {
		t.Errorf("login did not say who signed in (%q):\n%s", account, r.stderr)
	}

	status := o.mustRun("status", "--profile", "e2e")
	if !strings.Contains(status.stdout, "Signed in:  yes, as "+account) {
		t.Errorf("status does not name the signed-in account %q:\n%s", account, status.stdout)
	}
	var offline struct {
		SignedIn  bool       `json:"signed_in"`
		Valid     bool       `json:"valid"`
		Scopes    []string   `json:"scopes"`
		ExpiresAt *time.Time `json:"expires_at"`
		Identity  *struct {
			FullName string `json:"full_name"`
		} `json:"identity"`
	}
	js := o.mustRun("status", "--profile", "e2e", "--offline", "--json")
	if err := json.Unmarshal([]byte(js.stdout), &offline); err != nil {
		t.Fatalf("status --json: %v\n%s", err, js.stdout)
	}
	if !offline.SignedIn || !offline.Valid || offline.Identity == nil || offline.Identity.FullName != account {
		t.Errorf("offline status = %+v, want signed in and valid as %q", offline, account)
	}
	if offline.ExpiresAt == nil || time.Until(*offline.ExpiresAt) < 9*time.Hour {
		t.Errorf("expiry %v does not reflect the sandbox's expires_in of 10 hours", offline.ExpiresAt)
	}
	if strings.Join(offline.Scopes, " ") != "profile zap" {
		t.Errorf("granted scopes = %v, want [profile zap]", offline.Scopes)
	}

	if hits := o.leaks(token); len(hits) > 0 {
		t.Errorf("the token was written outside the keychain, in: %v", hits)
	}

	out := o.run("logout", "--profile", "e2e")
	if out.code != 0 || !strings.Contains(out.stderr, "stays valid") {
		t.Errorf("logout: exit %d, want 0 and a word that the token stays valid at Zapier:\n%s", out.code, out.stderr)
	}
	if keychainSecret(t, id) != "" {
		t.Error("the token is still in the keychain after logout")
	}
	if code := o.run("status", "--profile", "e2e").code; code != 4 {
		t.Errorf("status after logout: exit %d, want 4 (not signed in)", code)
	}
	if code := o.run("token", "--profile", "e2e").code; code != 4 {
		t.Errorf("token after logout: exit %d, want 4", code)
	}
}

func TestDeclinedSignInExitsThreeAndStoresNothing(t *testing.T) {
	o := newOperator(t)
	id := o.addProfile("e2e", o.sandbox("deny"), registeredRedirect)
	r := o.run("login", "--timeout", "60s")
	if r.code != 3 {
		t.Fatalf("login when declined: exit %d, want 3\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "declined") {
		t.Errorf("the message does not say access was declined:\n%s", r.stderr)
	}
	if keychainSecret(t, id) != "" {
		t.Error("a declined sign-in stored a token")
	}
}

func TestClosingTheSignInWindowCancels(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("ask")
	id := o.addProfile("e2e", base, registeredRedirect)
	cmd := o.command(t.Context(), "login", "--timeout", "2m")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	win := waitWindow(t, "Partnerdesk sign-in", 30*time.Second)
	// The title says where the operator is typing: the provider's host.
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(windowTitle(t, win), "127.0.0.1") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if title := windowTitle(t, win); !strings.Contains(title, "127.0.0.1") || !strings.Contains(title, "NOT secure") {
		t.Errorf("window title %q does not name the provider's host and its plain-http connection", title)
	}
	// As the title bar's close button does: ask the window to close.
	if out, err := exec.Command("wmctrl", "-c", "Partnerdesk sign-in").CombinedOutput(); err != nil {
		t.Fatalf("wmctrl -c: %v\n%s", err, out)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Fatalf("login after closing the window: exit %d (%v), want 3\n%s", code, err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "cancelled") {
		t.Errorf("the message does not say sign-in was cancelled:\n%s", stderr.String())
	}
	if keychainSecret(t, id) != "" {
		t.Error("a cancelled sign-in stored a token")
	}
}

func TestARedirectWithTheWrongStateIsRejected(t *testing.T) {
	o := newOperator(t)
	id := o.addProfile("e2e", o.sandbox("wrong-state"), registeredRedirect)
	r := o.run("login", "--timeout", "60s")
	if r.code != 1 {
		t.Fatalf("login with a forged state: exit %d, want 1\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "did not belong to this sign-in") {
		t.Errorf("the message does not explain the refusal:\n%s", r.stderr)
	}
	if keychainSecret(t, id) != "" {
		t.Error("a redirect with a wrong state stored a token")
	}
}

func TestAnUnregisteredRedirectURITimesOutWithAHint(t *testing.T) {
	o := newOperator(t)
	id := o.addProfile("e2e", o.sandbox("auto"), "https://elsewhere.invalid/callback")
	r := o.run("login", "--timeout", "5s")
	if r.code != 6 {
		t.Fatalf("login with an unregistered redirect_uri: exit %d, want 6\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "redirect URI") || !strings.Contains(r.stderr, "client ID") {
		t.Errorf("the time-out message does not say what to check:\n%s", r.stderr)
	}
	if keychainSecret(t, id) != "" {
		t.Error("a timed-out sign-in stored a token")
	}
}

func TestCommandsFollowTheExitCodeContract(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("auto")
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"an unknown command is a usage error", []string{"frobnicate"}, 2},
		{"a bad flag is a usage error", []string{"status", "--bogus"}, 2},
		{"no profile at all is a usage error", []string{"status"}, 2},
		{"a redirect URI over plain http is refused", []string{"profile", "add", "x", "--client-id", "c", "--redirect-uri", "http://partner.example/cb"}, 2},
		{"the version prints", []string{"--version"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if r := o.run(c.args...); r.code != c.want {
				t.Errorf("partnerdesk %v: exit %d, want %d\n%s", c.args, r.code, c.want, r.stderr)
			}
		})
	}
	o.addProfile("one", base, registeredRedirect)
	o.addProfile("two", base, registeredRedirect)
	if r := o.run("status"); r.code != 2 || !strings.Contains(r.stderr, "one") {
		t.Errorf("status with two profiles and no --profile: exit %d, want 2 naming the profiles\n%s", r.code, r.stderr)
	}
	if r := o.run("profile", "add", "one", "--client-id", "c", "--redirect-uri", registeredRedirect); r.code != 2 {
		t.Errorf("adding an existing profile without --update: exit %d, want 2", r.code)
	}
}

func TestAnUnreachableSignInPageShowsAPlainMessage(t *testing.T) {
	o := newOperator(t)
	// A port nothing listens on: the provider cannot be reached.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	id := o.addProfile("e2e", dead, registeredRedirect)

	cmd := o.command(t.Context(), "login", "--timeout", "2m")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	win := waitWindow(t, "Partnerdesk sign-in", 30*time.Second)
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(windowTitle(t, win), "could not be opened") && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if title := windowTitle(t, win); !strings.Contains(title, "could not be opened") {
		t.Errorf("window title %q does not say the page could not be opened", title)
	}
	time.Sleep(2 * time.Second) // let WebKit paint the message for the picture
	screenshot(t, "signin-unreachable.png")
	exec.Command("wmctrl", "-c", "Partnerdesk sign-in").Run()
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 3 {
		t.Errorf("closing the window after the failure: exit %d, want 3", code)
	}
	if keychainSecret(t, id) != "" {
		t.Error("a failed sign-in stored a token")
	}
}

// watchWindows runs a command and records whether a sign-in window was ever
// visible while it ran.
func (o *operator) runWatchingWindows(t *testing.T, args ...string) (code int, sawWindow bool) {
	t.Helper()
	cmd := o.command(t.Context(), args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	for {
		select {
		case <-done:
			return cmd.ProcessState.ExitCode(), sawWindow
		case <-time.After(20 * time.Millisecond):
			if findWindow("Partnerdesk sign-in") != "" {
				sawWindow = true
			}
		}
	}
}

// approveInWindow runs a login that shows the sandbox's consent page, and
// presses Approve in the sign-in window. Approve has the focus once the page
// has loaded, which the title does not tell: Enter is pressed until the
// window goes.
func (o *operator) approveInWindow(t *testing.T, args ...string) {
	t.Helper()
	cmd := o.command(t.Context(), args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	giveUp := time.After(60 * time.Second)
	pressed := false
	for {
		select {
		case <-exited:
			if !pressed {
				t.Fatalf("partnerdesk %s ended without showing the consent page", strings.Join(args, " "))
			}
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("partnerdesk %s after approving: exit %d", strings.Join(args, " "), code)
			}
			return
		case <-giveUp:
			t.Fatalf("partnerdesk %s: no consent page to approve, or approving did not end the sign-in", strings.Join(args, " "))
		case <-time.After(300 * time.Millisecond):
			win := findWindow("Partnerdesk sign-in")
			if win == "" {
				continue
			}
			title, _ := exec.Command("xdotool", "getwindowname", win).Output()
			if strings.Contains(string(title), "127.0.0.1") { // the sandbox's page, not a blank window
				exec.Command("xdotool", "windowactivate", "--sync", win).Run()
				exec.Command("xdotool", "key", "--clearmodifiers", "Return").Run()
				pressed = true
			}
		}
	}
}

// The sandbox in ask mode answers as Zapier does: approval_prompt=auto
// skips its consent page only while a token for the same scopes is live,
// force always shows it. So this tells the two apart.
func TestSilentRenewalShowsNoWindowWhileATokenIsLiveAndForceAsksAgain(t *testing.T) {
	o := newOperator(t)
	id := o.addProfile("e2e", o.sandbox("ask"), registeredRedirect)
	o.approveInWindow(t, "login", "--timeout", "60s") // no token yet: asked
	first := keychainSecret(t, id)

	code, saw := o.runWatchingWindows(t, "login", "--silent", "--timeout", "60s")
	if code != 0 {
		t.Fatalf("login --silent: exit %d", code)
	}
	if saw {
		t.Error("a sign-in window showed although a token for the same scopes is live")
	}
	renewed := keychainSecret(t, id)
	if renewed == "" || renewed == first {
		t.Error("silent renewal did not store a new token")
	}

	o.approveInWindow(t, "login", "--force", "--timeout", "60s") // asked again, token live or not
	if forced := keychainSecret(t, id); forced == "" || forced == renewed {
		t.Error("login --force did not store a new token")
	}
}

func TestSilentRenewalShowsTheWindowWhenTheProviderNeedsTheOperator(t *testing.T) {
	o := newOperator(t)
	id := o.addProfile("e2e", o.sandbox("ask"), registeredRedirect)
	cmd := o.command(t.Context(), "login", "--silent", "--timeout", "60s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	win := waitWindow(t, "Partnerdesk sign-in", 30*time.Second)
	eventually(t, 20*time.Second, "the consent page loading", func() bool {
		return strings.Contains(windowTitle(t, win), "127.0.0.1")
	})
	key(t, win, "Return") // Approve
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("login --silent after approving: exit %d", code)
	}
	if keychainSecret(t, id) == "" {
		t.Error("no token after approving in the window that showed itself")
	}
}

func TestPastingTheAddressFromTheSystemBrowserSignsIn(t *testing.T) {
	o := newOperator(t)
	id := o.addProfile("e2e", o.sandbox("auto"), registeredRedirect)
	// The "system browser" writes down the address it was asked to open.
	opened := filepath.Join(t.TempDir(), "opened")
	browser := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(browser, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+opened+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o.extra = append(o.extra, "BROWSER="+browser)

	cmd := o.command(t.Context(), "login", "--browser", "--timeout", "60s")
	stdin, _ := cmd.StdinPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var authorizeURL string
	eventually(t, 20*time.Second, "the browser being asked to open the sign-in page", func() bool {
		b, _ := os.ReadFile(opened)
		authorizeURL = string(b)
		return authorizeURL != ""
	})
	// The operator signs in; the browser ends on the registered redirect URI.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	final := resp.Header.Get("Location")
	// A wrong paste first: the attempt stays open.
	io.WriteString(stdin, "https://zapier.com/app/dashboard\n")
	io.WriteString(stdin, final+"\n")
	stdin.Close()
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("login --browser: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "not the profile's registered redirect URI") {
		t.Errorf("the wrong paste was not explained:\n%s", stderr.String())
	}
	if keychainSecret(t, id) == "" {
		t.Error("no token stored after pasting the address")
	}
}
