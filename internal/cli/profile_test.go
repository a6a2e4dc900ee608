package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/vault"
)

// writeProfileFile writes a profile file as a colleague would send it.
func writeProfileFile(t *testing.T, name, authorizeURL, apiBase string) string {
	t.Helper()
	data, _ := json.Marshal(map[string]any{
		"format": "partnerdesk-profile", "version": 1, "name": name, "client_id": "acme-client",
		"redirect_uri": "https://acme.example/oauth/cb", "authorize_url": authorizeURL, "api_base_url": apiBase,
	})
	path := filepath.Join(t.TempDir(), name+".pdprofile")
	if err := writeFile(path, string(data)); err != nil {
		t.Fatal(err)
	}
	return path
}

func (h *harness) profileNames(t *testing.T) []string {
	t.Helper()
	h.run("profile", "list", "--json")
	var list []profileJSON
	if err := json.Unmarshal(h.out.Bytes(), &list); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Name)
	}
	return names
}

func TestProfileImportRefusesHostsOutsideZapierUntilEachIsTrusted(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	file := writeProfileFile(t, "Look-alike", "https://zapier.com/oauth/authorize/", "https://api.zapier.com.evil.example:8443")

	if code := h.run("profile", "import", file); code != ExitUsage {
		t.Fatalf("import of a file sending the token elsewhere: exit %d, want 2\n%s", code, h.errOut)
	}
	msg := h.errOut.String()
	for _, words := range []string{"api.zapier.com.evil.example:8443, which gets the token", "--trust-host api.zapier.com.evil.example:8443"} {
		if !strings.Contains(msg, words) {
			t.Errorf("the refusal does not say %q:\n%s", words, msg)
		}
	}
	if strings.Contains(msg, "zapier.com, which") {
		t.Errorf("the refusal names Zapier's own host:\n%s", msg)
	}
	if names := h.profileNames(t); len(names) != 0 {
		t.Fatalf("a refused file was added: %v", names)
	}
	if code := h.run("profile", "import", file, "--trust-host", "api.zapier.com.evil.example"); code != ExitUsage {
		t.Errorf("trusting the host without its port: exit %d, want 2", code)
	}
	if code := h.run("profile", "import", file, "--trust-host", "api.zapier.com.evil.example:8443"); code != 0 {
		t.Fatalf("import with the host trusted: exit %d\n%s", code, h.errOut)
	}
	if names := h.profileNames(t); len(names) != 1 || names[0] != "Look-alike" {
		t.Errorf("profiles after the trusted import: %v", names)
	}
}

func TestProfileImportNamesEveryHostAndWhatItGets(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	file := writeProfileFile(t, "Two-hosts", "https://login.evil.example/oauth/authorize/", h.base)
	local := strings.TrimPrefix(h.base, "http://")
	if code := h.run("profile", "import", file, "--trust-host", local); code != ExitUsage {
		t.Fatalf("one of two hosts trusted: exit %d, want 2", code)
	}
	msg := h.errOut.String()
	if !strings.Contains(msg, "login.evil.example, which gets the password page") || strings.Contains(msg, local+", which") {
		t.Errorf("the refusal should name only the host still untrusted, with what it gets:\n%s", msg)
	}
	wantAgain := fmt.Sprintf("partnerdesk profile import %s --trust-host %s --trust-host login.evil.example", file, local)
	if !strings.Contains(msg, wantAgain) {
		t.Errorf("the refusal does not show the command %q:\n%s", wantAgain, msg)
	}
	if code := h.run("profile", "import", file, "--trust-host", local, "--trust-host", "login.evil.example"); code != 0 {
		t.Errorf("both trusted: exit %d\n%s", code, h.errOut)
	}
}

func TestAProfileFileOnZapiersOwnHostsImportsWithoutAsking(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	file := writeProfileFile(t, "Acme", "", "")
	if code := h.run("profile", "import", file); code != 0 {
		t.Errorf("import: exit %d\n%s", code, h.errOut)
	}
}

func TestNamesWithInvisibleFormatCharactersAreRefused(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	file := writeProfileFile(t, "Acme\u202egnp.exe", "", "")
	plain := writeProfileFile(t, "Plain", "", "")
	for what, args := range map[string][]string{
		"profile add":           {"profile", "add", "Acme\u200b", "--client-id", "c", "--redirect-uri", sandbox.RedirectURI},
		"profile import":        {"profile", "import", file},
		"profile import --name": {"profile", "import", plain, "--name", "\u2066Plain\u2069"},
	} {
		code := h.run(args...)
		if code != ExitUsage || !strings.Contains(h.errOut.String(), "invisible formatting character") {
			t.Errorf("%s: exit %d, %q; want 2 and why", what, code, h.errOut)
		}
	}
	if names := h.profileNames(t); len(names) != 1 {
		t.Errorf("profiles: %q", names)
	}
}

// recorder is an API on 127.0.0.1 that notes the Authorization header of
// every request.
type recorder struct {
	mu       sync.Mutex
	requests int
	auth     []string
}

func newRecorder(t *testing.T) (*recorder, string) {
	r := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.requests++
		if a := req.Header.Get("Authorization"); a != "" {
			r.auth = append(r.auth, a)
		}
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"objects":[],"next":null}`))
	}))
	t.Cleanup(srv.Close)
	return r, srv.URL
}

func TestProfileUpdateToANewAPIHostSignsOutFirst(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	if code := h.run("login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, h.errOut)
	}
	h.run("profile", "list", "--json")
	var list []profileJSON
	json.Unmarshal(h.out.Bytes(), &list)
	id := list[0].ID
	elsewhere, elsewhereURL := newRecorder(t)

	if code := h.run("profile", "add", "acme", "--update", "--api-base", elsewhereURL); code != 0 {
		t.Fatalf("--update: exit %d: %s", code, h.errOut)
	}
	if msg := h.errOut.String(); !strings.Contains(msg, "Signed out because the profile's API base URL changed") ||
		!strings.Contains(msg, "partnerdesk login --profile") {
		t.Errorf("--update did not say it signed out: %s", msg)
	}
	if _, err := keyring.Get(vault.Service, id); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the token is still in the keychain: %v", err)
	}
	if code := h.run("status"); code != ExitNotSignedIn {
		t.Errorf("status after the change: exit %d, want 4", code)
	}
	h.run("token")
	if code := h.run("api", "/v2/apps"); code != 0 {
		t.Errorf("api: exit %d: %s", code, h.errOut)
	}
	elsewhere.mu.Lock()
	defer elsewhere.mu.Unlock()
	if elsewhere.requests == 0 {
		t.Fatal("no call reached the new host, so the test shows nothing")
	}
	if len(elsewhere.auth) != 0 {
		t.Errorf("the new host was sent %d Authorization headers", len(elsewhere.auth))
	}
}

func TestProfileUpdateOfTheScopesKeepsTheSignIn(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	h.run("login")
	if code := h.run("profile", "add", "acme", "--update", "--scope", "zap"); code != 0 || strings.Contains(h.errOut.String(), "Signed out") {
		t.Fatalf("--update --scope: exit %d: %s", code, h.errOut)
	}
	if code := h.run("token"); code != 0 {
		t.Errorf("token after a scope change: exit %d", code)
	}
}

func TestProfileRemoveWithoutAKeychain(t *testing.T) {
	deadKeychain := func() {
		keyring.MockInitWithError(&vault.UnavailableError{Reason: "no Secret Service on the session bus"})
	}
	t.Run("a profile that is not signed in goes", func(t *testing.T) {
		h := newHarness(t, sandbox.ApproveAuto)
		h.addProfile(t, "acme")
		deadKeychain()
		if code := h.run("profile", "remove", "acme"); code != 0 {
			t.Fatalf("remove: exit %d: %s", code, h.errOut)
		}
		if names := h.profileNames(t); len(names) != 0 {
			t.Errorf("profiles left: %v", names)
		}
	})
	t.Run("a signed-in profile stays, and the message names --keep-token", func(t *testing.T) {
		h := newHarness(t, sandbox.ApproveAuto)
		h.addProfile(t, "acme")
		h.run("login")
		deadKeychain()
		if code := h.run("profile", "remove", "acme"); code != ExitKeychain {
			t.Fatalf("remove: exit %d, want 5: %s", code, h.errOut)
		}
		msg := h.errOut.String()
		for _, words := range []string{"was not removed", "keychain", `partnerdesk profile remove "acme" --keep-token`} {
			if !strings.Contains(msg, words) {
				t.Errorf("the message does not say %q:\n%s", words, msg)
			}
		}
		if names := h.profileNames(t); len(names) != 1 {
			t.Errorf("profiles: %v", names)
		}
		if code := h.run("profile", "remove", "acme", "--keep-token"); code != 0 {
			t.Fatalf("remove --keep-token: exit %d: %s", code, h.errOut)
		}
		if !strings.Contains(h.errOut.String(), "left in your keychain") {
			t.Errorf("--keep-token did not say the token stays: %s", h.errOut)
		}
		if names := h.profileNames(t); len(names) != 0 {
			t.Errorf("profiles left: %v", names)
		}
	})
	t.Run("--keep-token leaves the token in a working keychain", func(t *testing.T) {
		h := newHarness(t, sandbox.ApproveAuto)
		h.addProfile(t, "acme")
		h.run("login")
		h.run("profile", "list", "--json")
		var list []profileJSON
		json.Unmarshal(h.out.Bytes(), &list)
		if code := h.run("profile", "remove", "acme", "--keep-token"); code != 0 {
			t.Fatalf("remove --keep-token: exit %d: %s", code, h.errOut)
		}
		if _, err := keyring.Get(vault.Service, list[0].ID); err != nil {
			t.Errorf("the token is gone from the keychain: %v", err)
		}
		if !strings.Contains(h.errOut.String(), list[0].ID) {
			t.Errorf("the message does not say where the token stays: %s", h.errOut)
		}
	})
}
