//go:build e2e

package e2e

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecurityNoCodeGrantSecretLeaksAfterAFullSession is the leak scan of
// TestSecurityNoTokenLeaksAfterAFullSession for the code grant: a whole
// session with debug logging (add with the secret on standard input, sign
// in in the real window, browse, renew without a window, sign out), then
// every access token, every refresh token, the client secret and the HTTP
// Basic credential holding it are looked for, in every form, in every file
// under the XDG folders (the log and the sign-in window's web data
// included) and in everything the commands and the sandbox printed.
func TestSecurityNoCodeGrantSecretLeaksAfterAFullSession(t *testing.T) {
	o := newOperator(t)
	var tr transcript
	sandboxOut := &lockedBuffer{}
	base, _ := o.startSandbox(sandboxOut, []string{debugEnv},
		"-v", "--approve", "auto", "--client-secret", grantSecret, "--expires-in", "36000")
	s := codeSandbox{base: base, log: sandboxOut}
	debug := []string{debugEnv}
	must := o.mustRunWith(&tr, debug)

	add := []string{"profile", "add", "leak", "--grant", "code", "--client-id", sandboxClient, "--redirect-uri", registeredRedirect,
		"--authorize-url", s.base + "/oauth/authorize/", "--api-base", s.base, "--token-url", s.tokenURL(), "--scope", "profile zap", "--client-secret-stdin"}
	o.extra = debug
	r := o.runStdin(grantSecret+"\n", add...)
	o.extra = nil
	tr.add("partnerdesk profile add (stdout)", r.stdout)
	tr.add("partnerdesk profile add (stderr)", r.stderr)
	if r.code != 0 {
		t.Fatalf("profile add: exit %d\n%s", r.code, r.stderr)
	}
	id := o.profileID("leak")
	secrets := []string{grantSecret, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(sandboxClient) + ":" + url.QueryEscape(grantSecret)))}
	keep := func(when string) {
		t.Helper()
		access, refresh := keychainSecret(t, id), keychainSecret(t, id+"/refresh")
		if access == "" || refresh == "" {
			t.Fatalf("no access or refresh token in the keychain after %s", when)
		}
		secrets = append(secrets, access, refresh)
	}

	must("login", "--profile", "leak", "--timeout", "60s")
	keep("login")
	must("status", "--profile", "leak")
	must("api", "/v1/profiles/me", "--profile", "leak")
	must("api", "/v2/zaps", "--profile", "leak", "--paginate")

	// Renew without a window, then use the renewed token.
	// `token` prints the token on stdout, its job: only its stderr is
	// scanned.
	o.expireToken(id)
	r = o.runWith(nil, debug, "token", "--profile", "leak")
	tr.add("partnerdesk token (stderr)", r.stderr)
	if r.code != 0 {
		t.Fatalf("token: exit %d\n%s", r.code, r.stderr)
	}
	keep("the renewal")
	if strings.TrimSpace(r.stdout) != secrets[len(secrets)-2] {
		t.Error("token did not print the renewed access token")
	}
	must("api", "/v1/zaps", "--profile", "leak")
	if s.refreshes() != 1 {
		t.Errorf("the session made %d refresh requests, want 1", s.refreshes())
	}

	before := scanFor(t, o, secrets, nil)
	must("logout", "--profile", "leak")
	if r := o.runWith(&tr, debug, "status", "--profile", "leak"); r.code != 4 {
		t.Errorf("status after logout: exit %d, want 4", r.code)
	}

	logData, err := os.ReadFile(filepath.Join(o.dirs["XDG_STATE_HOME"], "partnerdesk", "partnerdesk.log"))
	if err != nil || !bytes.Contains(logData, []byte("level=DEBUG")) || !bytes.Contains(logData, []byte("token renewed")) {
		t.Errorf("no debug log of the renewal in the state directory (%v)", err)
	}
	texts := map[string]string{"commands' stdout and stderr": tr.String(), "sandbox output": sandboxOut.String()}
	after := scanFor(t, o, secrets, texts)
	for _, h := range append(before.hits, after.hits...) {
		t.Errorf("a secret was found in %s", h)
	}
	t.Logf("code-grant leak scan: %d hits for %d secrets (2 access tokens, 2 refresh tokens, the client secret and its Basic credential) in %d forms each, over %d files while signed in and %d files after signing out, and %d lines of output",
		len(before.hits)+len(after.hits), len(secrets), len(tokenForms("x")), before.files, after.files, after.lines)
}
