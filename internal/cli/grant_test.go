package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/vault"
)

const testSecret = "sbs_cli-test-secret-0123456789"

// codeHarness is a harness whose sandbox signs the built-in client in with
// the code grant (client secret testSecret, access tokens living
// expiresIn).
type codeHarness struct {
	*harness
	srv *sandbox.Server
}

func newCodeHarness(t *testing.T, expiresIn time.Duration) *codeHarness {
	t.Helper()
	h := newHarness(t, sandbox.ApproveAuto)
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // the renewal locks
	xdg.Reload()
	srv, err := sandbox.Start(sandbox.Options{Approve: sandbox.ApproveAuto, ClientSecret: testSecret, ExpiresIn: expiresIn,
		KeyFile: filepath.Join(t.TempDir(), "key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	h.base = srv.URL()
	return &codeHarness{h, srv}
}

// runWithStdin runs a command whose standard input is stdin.
func (h *codeHarness) runWithStdin(stdin string, args ...string) int {
	h.env.Stdin = strings.NewReader(stdin)
	defer func() { h.env.Stdin = nil }()
	return h.run(args...)
}

func (h *codeHarness) codeArgs(name string) []string {
	return []string{"profile", "add", name, "--grant", "code", "--client-id", sandbox.ClientID, "--redirect-uri", sandbox.RedirectURI,
		"--authorize-url", h.srv.AuthorizeURL(), "--api-base", h.srv.URL(), "--token-url", h.srv.TokenURL(), "--scope", "profile zap"}
}

func (h *codeHarness) addCodeProfile(t *testing.T, name string) string {
	t.Helper()
	if code := h.runWithStdin(testSecret+"\n", append(h.codeArgs(name), "--client-secret-stdin")...); code != 0 {
		t.Fatalf("profile add --grant code: exit %d: %s", code, h.errOut)
	}
	f, _ := h.env.Profiles.Load()
	p, _ := f.Find(name)
	return p.ID
}

func (h *codeHarness) keychain(t *testing.T, user string) string {
	t.Helper()
	v, err := h.env.Vault.Get(context.Background(), user)
	if err != nil {
		return ""
	}
	return v
}

func TestAddingACodeGrantProfileReadsTheSecretFromStandardInput(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	id := h.addCodeProfile(t, "acme")
	if got := h.keychain(t, vault.ClientSecretUser(id)); got != testSecret {
		t.Fatalf("the keychain holds %q as the client secret", got)
	}
	raw, _ := os.ReadFile(filepath.Join(xdg.ConfigHome, "partnerdesk", "profiles.json"))
	if strings.Contains(string(raw), testSecret) || !strings.Contains(string(raw), `"grant": "code"`) {
		t.Fatalf("profiles.json:\n%s", raw)
	}
	if code := h.run("profile", "list", "--json"); code != 0 {
		t.Fatal(h.errOut)
	}
	var list []profileJSON
	if err := json.Unmarshal(h.out.Bytes(), &list); err != nil || len(list) != 1 || list[0].Grant != "code" || list[0].TokenURL != h.srv.TokenURL() {
		t.Fatalf("profile list --json: %v %s", err, h.out)
	}
}

func TestTheCodeGrantsFlagsAreRefusedInPlainWords(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		words string
	}{
		{"a code-grant profile without its secret", "", h.codeArgs("a"), "--client-secret-stdin"},
		{"an empty secret", "\n", append(h.codeArgs("b"), "--client-secret-stdin"), "empty"},
		{"a token URL without the code grant", "", []string{"profile", "add", "c", "--client-id", "x", "--redirect-uri", sandbox.RedirectURI, "--token-url", "https://t.example/token/"}, "--grant code"},
		{"a secret without the code grant", testSecret + "\n", []string{"profile", "add", "d", "--client-id", "x", "--redirect-uri", sandbox.RedirectURI, "--client-secret-stdin"}, "--grant code"},
		{"an unknown grant", "", []string{"profile", "add", "e", "--client-id", "x", "--redirect-uri", sandbox.RedirectURI, "--grant", "password"}, `"implicit" or "code"`},
	} {
		if code := h.runWithStdin(c.stdin, c.args...); code != ExitUsage || !strings.Contains(h.errOut.String(), c.words) {
			t.Errorf("%s: exit %d, want %d saying %q:\n%s", c.name, code, ExitUsage, c.words, h.errOut)
		}
	}
	if f, _ := h.env.Profiles.Load(); len(f.Profiles) != 0 {
		t.Errorf("refused commands added %d profiles", len(f.Profiles))
	}
}

func TestLoginTokenLogoutOfACodeGrantProfile(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	id := h.addCodeProfile(t, "acme")
	if code := h.run("login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, h.errOut)
	}
	access, refresh := h.keychain(t, id), h.keychain(t, vault.RefreshTokenUser(id))
	if access == "" || refresh == "" {
		t.Fatal("login stored no access or refresh token")
	}
	if code := h.run("token"); code != 0 || strings.TrimSpace(h.out.String()) != access || h.srv.Refreshes() != 0 {
		t.Fatalf("token: exit %d, printed the stored token %v, refreshes %d", code, strings.TrimSpace(h.out.String()) == access, h.srv.Refreshes())
	}
	if code := h.run("status", "--json"); code != 0 || !strings.Contains(h.out.String(), `"renews_automatically": true`) {
		t.Fatalf("status: exit %d: %s %s", code, h.out, h.errOut)
	}
	if code := h.run("logout"); code != 0 {
		t.Fatalf("logout: exit %d: %s", code, h.errOut)
	}
	if h.keychain(t, id) != "" || h.keychain(t, vault.RefreshTokenUser(id)) != "" || h.keychain(t, vault.ClientSecretUser(id)) != testSecret {
		t.Fatal("logout must remove the access and refresh tokens and keep the client secret")
	}
	if code := h.run("profile", "remove", "acme"); code != 0 {
		t.Fatalf("profile remove: exit %d: %s", code, h.errOut)
	}
	if h.keychain(t, vault.ClientSecretUser(id)) != "" {
		t.Fatal("profile remove left the client secret")
	}
}

func TestTokenRenewsWithLessThanAMinuteLeftAndARefusedRefreshTokenExits4(t *testing.T) {
	h := newCodeHarness(t, 30*time.Second)
	id := h.addCodeProfile(t, "acme")
	if code := h.run("login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, h.errOut)
	}
	old := h.keychain(t, id)
	if code := h.run("token"); code != 0 {
		t.Fatalf("token: exit %d: %s", code, h.errOut)
	}
	if got := strings.TrimSpace(h.out.String()); got == old || got != h.keychain(t, id) || h.srv.Refreshes() != 1 {
		t.Fatalf("token did not print a renewed token (refreshes %d)", h.srv.Refreshes())
	}
	// Another copy renews the chain: the stored refresh token is retired.
	ep := oauth.TokenEndpoint{URL: h.srv.TokenURL(), ClientID: sandbox.ClientID, ClientSecret: testSecret}
	if _, err := ep.Refresh(context.Background(), h.keychain(t, vault.RefreshTokenUser(id))); err != nil {
		t.Fatal(err)
	}
	if code := h.run("token"); code != ExitNotSignedIn || !strings.Contains(h.errOut.String(), "partnerdesk login --profile acme") {
		t.Fatalf("token after the refresh token was retired: exit %d, want 4 naming the login:\n%s", code, h.errOut)
	}
	if h.out.Len() != 0 || h.keychain(t, id) != "" || h.keychain(t, vault.RefreshTokenUser(id)) != "" {
		t.Fatal("a refused refresh token left a token behind, or one was printed")
	}
	if code := h.run("status", "--offline"); code != ExitNotSignedIn {
		t.Fatalf("status --offline after the sign-out: exit %d: %s", code, h.out)
	}
}

func TestLoginOfACodeGrantProfileWithoutASecretSaysHowToAddIt(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	id := h.addCodeProfile(t, "acme")
	h.env.Vault.Delete(context.Background(), vault.ClientSecretUser(id))
	if code := h.run("login"); code != ExitUsage || !strings.Contains(h.errOut.String(), "partnerdesk profile add acme --update --client-secret-stdin") {
		t.Fatalf("login: exit %d, want 2 naming the command:\n%s", code, h.errOut)
	}
	if code := h.runWithStdin(testSecret+"\n", "profile", "add", "acme", "--update", "--client-secret-stdin"); code != 0 {
		t.Fatalf("--update --client-secret-stdin: exit %d: %s", code, h.errOut)
	}
	if code := h.run("login"); code != 0 {
		t.Fatalf("login with the secret back: exit %d: %s", code, h.errOut)
	}
}

func TestImportingACodeGrantProfileTakesTheSecretOrSaysHowToAddIt(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	h.addCodeProfile(t, "acme")
	if code := h.run("profile", "export", "acme"); code != 0 {
		t.Fatal(h.errOut)
	}
	if strings.Contains(h.out.String(), testSecret) {
		t.Fatal("the export carries the client secret")
	}
	file := filepath.Join(t.TempDir(), "acme.pdprofile")
	os.WriteFile(file, h.out.Bytes(), 0o600)
	trust := []string{"--trust-host", strings.TrimPrefix(h.srv.URL(), "http://")}

	if code := h.run(append([]string{"profile", "import", file, "--name", "without"}, trust...)...); code != 0 ||
		!strings.Contains(h.errOut.String(), "partnerdesk profile add without --update --client-secret-stdin") {
		t.Fatalf("import without the secret: exit %d:\n%s", code, h.errOut)
	}
	if code := h.runWithStdin(testSecret+"\n", append([]string{"profile", "import", file, "--name", "with", "--client-secret-stdin"}, trust...)...); code != 0 {
		t.Fatalf("import with the secret: exit %d: %s", code, h.errOut)
	}
	if code := h.run("login", "--profile", "with"); code != 0 {
		t.Fatalf("login of the imported profile: exit %d: %s", code, h.errOut)
	}
}

func TestANewClientIDDropsTheSecretAndSaysSo(t *testing.T) {
	h := newCodeHarness(t, time.Hour)
	id := h.addCodeProfile(t, "acme")
	if code := h.run("profile", "add", "acme", "--update", "--client-id", "another-client"); code != 0 {
		t.Fatalf("exit %d: %s", code, h.errOut)
	}
	if h.keychain(t, vault.ClientSecretUser(id)) != "" || !strings.Contains(h.errOut.String(), "--update --client-secret-stdin") {
		t.Fatalf("the old secret stayed, or the message does not say how to add the new one:\n%s", h.errOut)
	}
}
