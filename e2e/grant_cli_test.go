//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The code grant through the command line, against `partnerdesk sandbox`,
// with the real sign-in window (partnerdesk-app in its window-only mode)
// and the real keychain.

const grantSecret = "sbs_e2e-grant-secret-0123456789"

// codeSandbox is a `partnerdesk sandbox -v` whose built-in client has the
// client secret grantSecret and issues access tokens living expiresIn
// seconds. Its log (its output) counts the refresh requests.
type codeSandbox struct {
	base string
	log  *lockedBuffer
}

func (o *operator) codeSandbox(expiresIn int) codeSandbox {
	o.t.Helper()
	log := &lockedBuffer{}
	base, _ := o.startSandbox(log, nil, "-v", "--approve", "auto", "--client-secret", grantSecret, "--expires-in", strconv.Itoa(expiresIn))
	return codeSandbox{base: base, log: log}
}

var refreshCount = regexp.MustCompile(`refresh request.* refreshes=(\d+)`)

// refreshes is the sandbox's count of refresh requests, from its log line
// "refresh request refreshes=N".
func (s codeSandbox) refreshes() int {
	n := 0
	for _, m := range refreshCount.FindAllStringSubmatch(s.log.String(), -1) {
		if v, _ := strconv.Atoi(m[1]); v > n {
			n = v
		}
	}
	return n
}

func (s codeSandbox) tokenURL() string { return s.base + "/oauth/token/" }

// addCodeProfile adds a code-grant profile at the sandbox, the client
// secret on standard input, and returns its id.
func (o *operator) addCodeProfile(name string, s codeSandbox) string {
	o.t.Helper()
	r := o.runStdin(grantSecret+"\n", "profile", "add", name, "--grant", "code", "--client-id", sandboxClient,
		"--redirect-uri", registeredRedirect, "--authorize-url", s.base+"/oauth/authorize/", "--api-base", s.base,
		"--token-url", s.tokenURL(), "--scope", "profile zap", "--client-secret-stdin")
	if r.code != 0 {
		o.t.Fatalf("profile add --grant code: exit %d\n%s", r.code, r.stderr)
	}
	return o.profileID(name)
}

// runStdin runs a command with stdin as its standard input.
func (o *operator) runStdin(stdin string, args ...string) result {
	o.t.Helper()
	cmd := o.command(context.Background(), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		o.t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// login signs the profile in through `partnerdesk login`: the real window.
func (o *operator) login(name string) {
	o.t.Helper()
	if r := o.run("login", "--profile", name, "--timeout", "60s"); r.code != 0 {
		o.t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
}

// withoutDisplay runs a command with no display at all: it cannot open a
// window.
func (o *operator) withoutDisplay(args ...string) result {
	o.t.Helper()
	return o.runWith(nil, []string{"DISPLAY=", "WAYLAND_DISPLAY="}, args...)
}

// retireRefreshToken renews the stored refresh token outside Partnerdesk,
// as a copy of it elsewhere would: the sandbox rotates the chain, and the
// stored refresh token stops working (Zapier's rotation).
func retireRefreshToken(t *testing.T, s codeSandbox, refresh string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.tokenURL(), strings.NewReader(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandboxClient, grantSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("refreshing outside Partnerdesk: HTTP %d", resp.StatusCode)
	}
}

func TestGrantCodeSignInThroughLoginKeepsTheContractsKeychainLayout(t *testing.T) {
	o := newOperator(t)
	s := o.codeSandbox(36000)
	id := o.addCodeProfile("code", s)
	if got := keychainSecret(t, id+"/client-secret"); got != grantSecret {
		t.Fatalf("the keychain holds %q as the client secret (user %s/client-secret)", got, id)
	}
	o.login("code")
	access, refresh := keychainSecret(t, id), keychainSecret(t, id+"/refresh")
	if access == "" || refresh == "" || access == refresh {
		t.Fatalf("after login the keychain holds an access token of %d chars and a refresh token of %d chars", len(access), len(refresh))
	}
	account := sandboxAccount(t, s.base, access)
	if r := o.mustRun("status", "--profile", "code"); !strings.Contains(r.stdout, "Signed in:  yes, as "+account) || !strings.Contains(r.stdout, "Renews:     automatically") {
		t.Errorf("status:\n%s", r.stdout)
	}
	// A fresh token prints exactly as issued: no refresh.
	if got := strings.TrimSpace(o.withoutDisplay("token", "--profile", "code").stdout); got != access || s.refreshes() != 0 {
		t.Errorf("token printed the stored token: %v; refreshes %d, want 0", got == access, s.refreshes())
	}
	o.mustRun("logout", "--profile", "code")
	if keychainSecret(t, id) != "" || keychainSecret(t, id+"/refresh") != "" || keychainSecret(t, id+"/client-secret") != grantSecret {
		t.Error("logout must remove the access and refresh tokens and leave the client secret")
	}
	o.mustRun("profile", "remove", "code")
	if keychainSecret(t, id+"/client-secret") != "" {
		t.Error("profile remove left the client secret in the keychain")
	}
}

func TestGrantTokenRefreshesAfterExpiryWithoutAWindow(t *testing.T) {
	o := newOperator(t)
	s := o.codeSandbox(30) // under a minute: `token` renews at once
	id := o.addCodeProfile("code", s)
	o.login("code")
	old, oldRefresh := keychainSecret(t, id), keychainSecret(t, id+"/refresh")
	r := o.withoutDisplay("token", "--profile", "code")
	if r.code != 0 {
		t.Fatalf("token with no display: exit %d\n%s", r.code, r.stderr)
	}
	got := strings.TrimSpace(r.stdout)
	if got == old || got != keychainSecret(t, id) || keychainSecret(t, id+"/refresh") == oldRefresh {
		t.Fatal("token did not print a renewed token, or the keychain does not hold the new access and refresh tokens")
	}
	if s.refreshes() != 1 {
		t.Fatalf("the sandbox counted %d refresh requests, want 1", s.refreshes())
	}
	sandboxAccount(t, s.base, got) // the new token works
}

// expireToken makes the profile's access token expire now, as far as
// Partnerdesk knows: it moves the expiry in profiles.json (the token facts)
// a minute into the past. The sandbox's tokens live 10 hours, so the one a
// renewal brings is fresh, and any further renewal would be a mistake.
func (o *operator) expireToken(id string) {
	o.t.Helper()
	path := filepath.Join(o.dirs["XDG_CONFIG_HOME"], "partnerdesk", "profiles.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		o.t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(raw, &file); err != nil {
		o.t.Fatal(err)
	}
	for _, p := range file["profiles"].([]any) {
		if p := p.(map[string]any); p["id"] == id {
			p["token"].(map[string]any)["expires_at"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
		}
	}
	raw, _ = json.MarshalIndent(file, "", "  ")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		o.t.Fatal(err)
	}
}

func TestGrantEightTokenProcessesAtExpiryMakeOneRefresh(t *testing.T) {
	o := newOperator(t)
	s := o.codeSandbox(36000)
	id := o.addCodeProfile("code", s)
	o.login("code")
	old := keychainSecret(t, id)
	o.expireToken(id)

	const n = 8
	results := make([]result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = o.withoutDisplay("token", "--profile", "code") })
	}
	wg.Wait()
	stored := keychainSecret(t, id)
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("process %d: exit %d\n%s", i, r.code, r.stderr)
		}
		if got := strings.TrimSpace(r.stdout); got != stored || got == old {
			t.Errorf("process %d printed another token than the renewed one in the keychain", i)
		}
	}
	if s.refreshes() != 1 {
		t.Fatalf("%d processes at expiry made %d refresh requests, want exactly 1", n, s.refreshes())
	}
	t.Logf("%d concurrent `partnerdesk token` at expiry: %d refresh request, all printed the same new token", n, s.refreshes())
}

func TestGrantARevokedRefreshTokenExits4AndLeavesNoToken(t *testing.T) {
	o := newOperator(t)
	s := o.codeSandbox(30)
	id := o.addCodeProfile("code", s)
	o.login("code")
	retireRefreshToken(t, s, keychainSecret(t, id+"/refresh"))

	r := o.withoutDisplay("token", "--profile", "code")
	if r.code != 4 {
		t.Fatalf("token after the refresh token was revoked: exit %d, want 4\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "partnerdesk login --profile code") || r.stdout != "" {
		t.Errorf("stderr does not say to run partnerdesk login --profile code, or a token was printed:\n%s", r.stderr)
	}
	if keychainSecret(t, id) != "" || keychainSecret(t, id+"/refresh") != "" {
		t.Error("a refused refresh token left tokens in the keychain")
	}
	if keychainSecret(t, id+"/client-secret") != grantSecret {
		t.Error("the client secret went with the tokens")
	}
	if r := o.run("status", "--profile", "code", "--offline"); r.code != 4 {
		t.Errorf("status --offline after the sign-out: exit %d, want 4", r.code)
	}
	// Signing in again works.
	o.login("code")
}

func TestGrantLoginWithoutAClientSecretSaysHowToAddIt(t *testing.T) {
	o := newOperator(t)
	s := o.codeSandbox(36000)
	id := o.addCodeProfile("code", s)
	exec.Command("secret-tool", "clear", "service", "partnerdesk", "username", id+"/client-secret").Run()
	r := o.run("login", "--profile", "code", "--timeout", "60s")
	if r.code != 2 || !strings.Contains(r.stderr, "partnerdesk profile add code --update --client-secret-stdin") {
		t.Fatalf("login without a secret: exit %d, want 2 naming the command\n%s", r.code, r.stderr)
	}
	if r := o.runStdin(grantSecret+"\n", "profile", "add", "code", "--update", "--client-secret-stdin"); r.code != 0 {
		t.Fatalf("--update --client-secret-stdin: exit %d\n%s", r.code, r.stderr)
	}
	o.login("code")
}
