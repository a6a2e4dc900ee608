package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adrg/xdg"
	"github.com/zalando/go-keyring"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

type harness struct {
	env    Env
	out    *bytes.Buffer
	errOut *bytes.Buffer
	base   string
}

// newHarness runs commands in-process over temp XDG directories, the
// in-memory keyring, and a sandbox on 127.0.0.1 in the given mode. The
// window follows redirects over HTTP; the real window has its own tests.
func newHarness(t *testing.T, mode sandbox.Approve) *harness {
	t.Helper()
	keyring.MockInit()
	// The vault refuses to run without a session bus address, lest the D-Bus
	// library start one; the mock keyring never dials it.
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mock-keyring")
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(k, t.TempDir())
	}
	xdg.Reload()
	srv, err := sandbox.Start(sandbox.Options{Approve: mode})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	h := &harness{out: &bytes.Buffer{}, errOut: &bytes.Buffer{}, base: srv.URL()}
	h.env = Env{
		Version: "test", Stdout: h.out, Stderr: h.errOut,
		Profiles: profiles.NewStore(), Vault: vault.New(),
		Window: signintest.FollowRedirects,
	}
	return h
}

func (h *harness) run(args ...string) int {
	h.out.Reset()
	h.errOut.Reset()
	return Run(args, h.env)
}

func (h *harness) addProfile(t *testing.T, name string) {
	t.Helper()
	if code := h.run("profile", "add", name, "--client-id", sandbox.ClientID, "--redirect-uri", sandbox.RedirectURI,
		"--authorize-url", h.base+"/oauth/authorize/", "--api-base", h.base, "--scope", "profile zap"); code != 0 {
		t.Fatalf("profile add: exit %d: %s", code, h.errOut)
	}
}

func TestExitCodesFollowTheContract(t *testing.T) {
	cases := []struct {
		name string
		mode sandbox.Approve
		prep func(t *testing.T, h *harness)
		args []string
		want int
	}{
		{"no command is a usage error", sandbox.ApproveAuto, nil, []string{}, ExitUsage},
		{"an unknown flag is a usage error", sandbox.ApproveAuto, nil, []string{"token", "--nope"}, ExitUsage},
		{"an unknown profile is a usage error", sandbox.ApproveAuto, nil, []string{"token", "--profile", "ghost"}, ExitUsage},
		{"two profiles and no --profile is a usage error", sandbox.ApproveAuto, func(t *testing.T, h *harness) {
			h.addProfile(t, "a")
			h.addProfile(t, "b")
		}, []string{"status"}, ExitUsage},
		{"a declined sign-in exits 3", sandbox.ApproveDeny, func(t *testing.T, h *harness) { h.addProfile(t, "a") }, []string{"login"}, ExitDeclined},
		{"a wrong state exits 1", sandbox.ApproveWrongState, func(t *testing.T, h *harness) { h.addProfile(t, "a") }, []string{"login"}, ExitError},
		{"a token before sign-in exits 4", sandbox.ApproveAuto, func(t *testing.T, h *harness) { h.addProfile(t, "a") }, []string{"token"}, ExitNotSignedIn},
		{"status before sign-in exits 4", sandbox.ApproveAuto, func(t *testing.T, h *harness) { h.addProfile(t, "a") }, []string{"status", "--offline"}, ExitNotSignedIn},
		{"a login that gets no redirect exits 6", sandbox.ApproveAuto, func(t *testing.T, h *harness) {
			h.addProfile(t, "a")
			h.env.Window = func(context.Context, window.Options) (string, error) { return "", window.ErrTimeout }
		}, []string{"login"}, ExitTimeout},
		{"a keychain that is not there exits 5", sandbox.ApproveAuto, func(t *testing.T, h *harness) {
			h.addProfile(t, "a")
			keyring.MockInitWithError(fmt.Errorf("The name org.freedesktop.secrets was not provided by any .service files"))
		}, []string{"token"}, ExitKeychain},
		{"a zero --timeout is a usage error", sandbox.ApproveAuto, func(t *testing.T, h *harness) { h.addProfile(t, "a") }, []string{"login", "--timeout", "0s"}, ExitUsage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.mode)
			if c.prep != nil {
				c.prep(t, h)
			}
			if got := h.run(c.args...); got != c.want {
				t.Errorf("partnerdesk %v: exit %d, want %d\nstderr: %s", c.args, got, c.want, h.errOut)
			}
			if h.errOut.Len()+h.out.Len() == 0 && c.want != ExitOK {
				t.Error("a failing command printed no message")
			}
		})
	}
}

func TestLoginStatusTokenLogout(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	if code := h.run("login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, h.errOut)
	}
	if !strings.Contains(h.errOut.String(), "Signed in to \"acme\" as ") {
		t.Errorf("login output: %s", h.errOut)
	}
	if code := h.run("token"); code != 0 || len(strings.TrimSpace(h.out.String())) < 20 {
		t.Fatalf("token: exit %d, printed %d bytes", code, h.out.Len())
	}
	token := strings.TrimSpace(h.out.String())
	if strings.Contains(h.errOut.String(), token) {
		t.Error("the token was printed to stderr")
	}

	if code := h.run("status", "--json"); code != 0 {
		t.Fatalf("status: exit %d: %s", code, h.errOut)
	}
	var st statusJSON
	if err := json.Unmarshal(h.out.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if !st.SignedIn || !st.Valid || st.Identity == nil || st.ExpiresAt == nil {
		t.Errorf("status = %+v", st)
	}
	if strings.Contains(h.out.String(), token) {
		t.Error("status printed the token")
	}

	if code := h.run("logout"); code != 0 || !strings.Contains(h.errOut.String(), "stays valid until") {
		t.Errorf("logout: exit %d: %s", code, h.errOut)
	}
	if code := h.run("token"); code != ExitNotSignedIn {
		t.Errorf("token after logout: exit %d, want 4", code)
	}
}

func TestProfileAddListUpdateRemove(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	if code := h.run("profile", "add", "acme", "--client-id", "x", "--redirect-uri", sandbox.RedirectURI); code != ExitUsage {
		t.Errorf("adding an existing name: exit %d, want 2", code)
	}
	if code := h.run("profile", "add", "acme", "--update", "--scope", "zap"); code != 0 {
		t.Fatalf("--update: exit %d: %s", code, h.errOut)
	}
	h.run("profile", "list", "--json")
	var list []profileJSON
	if err := json.Unmarshal(h.out.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || strings.Join(list[0].Scopes, " ") != "zap" || list[0].ClientID != sandbox.ClientID {
		t.Fatalf("after --update: %+v (only the given flag should change)", list)
	}
	h.run("login")
	id := list[0].ID
	if _, err := keyring.Get(vault.Service, id); err != nil {
		t.Fatalf("no token after login: %v", err)
	}
	if code := h.run("profile", "remove", "acme"); code != 0 {
		t.Fatalf("remove: exit %d: %s", code, h.errOut)
	}
	if _, err := keyring.Get(vault.Service, id); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the token outlived its profile: %v", err)
	}
	h.run("profile", "list")
	if !strings.Contains(h.errOut.String(), "No profiles yet") {
		t.Errorf("list after remove: %s%s", h.out, h.errOut)
	}
}

func TestProfileAddRefusesBadInputInPlainWords(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	cases := map[string][]string{
		"client ID":    {"profile", "add", "x", "--redirect-uri", sandbox.RedirectURI},
		"https":        {"profile", "add", "x", "--client-id", "c", "--redirect-uri", "http://partner.example/cb"},
		"web address":  {"profile", "add", "x", "--client-id", "c", "--redirect-uri", sandbox.RedirectURI, "--api-base", "api.zapier.com"},
		"exactly one ": {"profile", "add", "--client-id", "c", "--redirect-uri", sandbox.RedirectURI},
	}
	for words, args := range cases {
		if code := h.run(args...); code != ExitUsage || !strings.Contains(h.errOut.String(), words) {
			t.Errorf("%v: exit %d, message %q, want 2 mentioning %q", args, code, h.errOut, words)
		}
	}
	h.run("profile", "list", "--json")
	if strings.TrimSpace(h.out.String()) != "[]" {
		t.Errorf("a refused profile was saved: %s", h.out)
	}
}

func TestACorruptProfilesFileIsSetAsideWithAMessage(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	path, _ := profiles.DefaultPath()
	h.addProfile(t, "acme")
	if err := writeFile(path, "{not json"); err != nil {
		t.Fatal(err)
	}
	if code := h.run("profile", "list"); code != 0 {
		t.Fatalf("list on a corrupt file: exit %d", code)
	}
	if !strings.Contains(h.errOut.String(), "set aside") {
		t.Errorf("no word about the corrupt file: %s", h.errOut)
	}
	matches, _ := filepath.Glob(path + ".corrupt-*")
	if len(matches) != 1 {
		t.Errorf("corrupt copies kept: %v", matches)
	}
}

func TestAProfileExportedOnOneMachineImportsOnAnother(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	h.run("login")
	if code := h.run("profile", "export", "acme"); code != 0 {
		t.Fatalf("export: exit %d: %s", code, h.errOut)
	}
	exported := h.out.String()
	h.run("token")
	if token := strings.TrimSpace(h.out.String()); strings.Contains(exported, token) {
		t.Fatal("the exported profile holds the token")
	}
	file := filepath.Join(t.TempDir(), "acme.pdprofile")
	if err := writeFile(file, exported); err != nil {
		t.Fatal(err)
	}
	trust := strings.TrimPrefix(h.base, "http://") // the sandbox is a host outside Zapier
	if code := h.run("profile", "import", file, "--trust-host", trust); code != ExitUsage || !strings.Contains(h.errOut.String(), "--name") {
		t.Errorf("importing over an existing name: exit %d, %s; want 2 and a hint", code, h.errOut)
	}
	if code := h.run("profile", "import", file, "--name", "acme-2", "--trust-host", trust); code != 0 {
		t.Fatalf("import --name: exit %d: %s", code, h.errOut)
	}
	h.run("profile", "list", "--json")
	var list []profileJSON
	json.Unmarshal(h.out.Bytes(), &list)
	if len(list) != 2 || list[1].Name != "acme-2" || list[1].ClientID != list[0].ClientID || list[1].SignedIn {
		t.Errorf("after import: %+v", list)
	}
}
