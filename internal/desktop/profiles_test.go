package desktop_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/vault"
)

// authRecorder is an API on 127.0.0.1 that notes every request's
// Authorization header.
type authRecorder struct {
	mu       sync.Mutex
	requests int
	auth     []string
}

func newAuthRecorder(t *testing.T) (*authRecorder, string) {
	r := &authRecorder{}
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

func inputOf(p profiles.Profile) profiles.Input {
	return profiles.Input{Name: p.Name, ClientID: p.ClientID, RedirectURI: p.RedirectURI, Scopes: strings.Join(p.Scopes, " "),
		AuthorizeURL: p.AuthorizeURL, APIBaseURL: p.APIBaseURL}
}

func TestEditingTheAPIBaseInTheAppSignsOutFirst(t *testing.T) {
	a := newApp(t, "profile zap", nil)
	elsewhere, elsewhereURL := newAuthRecorder(t)

	in := inputOf(a.Profile)
	in.APIBaseURL = elsewhereURL + "/" // cleaned up as the form's input is
	view, err := a.svc.Profiles.UpdateProfile(a.Profile.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if view.SignedIn || view.APIBaseURL != elsewhereURL || !strings.Contains(view.SignedOutReason, "API base URL changed") {
		t.Errorf("after the edit: signed in %v, API base %q, reason %q", view.SignedIn, view.APIBaseURL, view.SignedOutReason)
	}
	if _, err := keyring.Get(vault.Service, a.Profile.ID); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the token is still in the keychain: %v", err)
	}
	if _, err := a.svc.SignIn.Verify(a.Profile.ID); err == nil {
		t.Error("Verify found a token to check")
	}
	a.fetch("v2/apps")
	elsewhere.mu.Lock()
	defer elsewhere.mu.Unlock()
	if elsewhere.requests == 0 {
		t.Fatal("no call reached the new host, so the test shows nothing")
	}
	if len(elsewhere.auth) != 0 {
		t.Errorf("the new host was sent %d Authorization headers", len(elsewhere.auth))
	}
}

func TestRenamingInTheAppKeepsTheSignIn(t *testing.T) {
	a := newApp(t, "profile zap", nil)
	in := inputOf(a.Profile)
	in.Name = "  Acme (renamed) "
	view, err := a.svc.Profiles.UpdateProfile(a.Profile.ID, in)
	if err != nil || !view.SignedIn || view.SignedOutReason != "" || view.Name != "Acme (renamed)" {
		t.Errorf("a rename: %v, name %q, signed in %v, reason %q", err, view.Name, view.SignedIn, view.SignedOutReason)
	}
	if _, err := keyring.Get(vault.Service, a.Profile.ID); err != nil {
		t.Errorf("the rename removed the token: %v", err)
	}
}

func writeExchangeFile(t *testing.T, name, authorizeURL, apiBase string) string {
	t.Helper()
	data, _ := json.Marshal(map[string]any{
		"format": "partnerdesk-profile", "version": 1, "name": name, "client_id": "acme-client",
		"redirect_uri": "https://acme.example/oauth/cb", "authorize_url": authorizeURL, "api_base_url": apiBase,
	})
	path := filepath.Join(t.TempDir(), name+".pdprofile")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAProfileFileNamingOtherHostsWaitsForTheOperator(t *testing.T) {
	a := newApp(t, "", nil)
	file := writeExchangeFile(t, "Look-alike", "https://login.evil.example/oauth/authorize/", "https://api.evil.example:8443")

	// As a double-click or a second launch with the file does.
	a.svc.ImportAtStart(file)
	st := a.state()
	if len(st.PendingImports) != 1 || a.hasProfile("Look-alike") {
		t.Fatalf("pending %+v; the profile was added before the operator trusted its hosts: %v", st.PendingImports, a.hasProfile("Look-alike"))
	}
	pending := st.PendingImports[0]
	if pending.Name != "Look-alike" || pending.File != "Look-alike.pdprofile" || len(pending.Hosts) != 2 ||
		pending.Hosts[0].Host != "login.evil.example" || pending.Hosts[1].Host != "api.evil.example:8443" ||
		pending.Hosts[1].Gets[0] != profiles.GetsToken {
		t.Errorf("pending import = %+v, want the two hosts and what each gets", pending)
	}

	a.svc.Profiles.CancelImport(pending.ID)
	if st := a.state(); len(st.PendingImports) != 0 || a.hasProfile("Look-alike") {
		t.Errorf("after Cancel: pending %v, added %v", st.PendingImports, a.hasProfile("Look-alike"))
	}
	if _, err := a.svc.Profiles.ConfirmImport(pending.ID); err == nil {
		t.Error("a cancelled import could still be confirmed")
	}

	// The Import button takes the same path.
	res, err := a.svc.OpenProfileFile(file)
	if err != nil || res.Profile != nil || res.Pending == nil {
		t.Fatalf("openProfileFile = %+v, %v; want it pending", res, err)
	}
	view, err := a.svc.Profiles.ConfirmImport(res.Pending.ID)
	if err != nil {
		t.Fatal(err)
	}
	if view.Name != "Look-alike" || len(view.UntrustedHosts) != 2 {
		t.Errorf("confirmed profile = %+v", view)
	}
	if st := a.state(); len(st.PendingImports) != 0 || st.ActiveProfileID != view.ID || !a.hasProfile("Look-alike") {
		t.Errorf("after Confirm: pending %v, active %q", st.PendingImports, st.ActiveProfileID)
	}
}

func TestAProfileFileOnZapiersHostsIsAddedAtOnce(t *testing.T) {
	a := newApp(t, "", nil)
	a.svc.ImportAtStart(writeExchangeFile(t, "Acme prod", "", ""))
	st := a.state()
	if len(st.PendingImports) != 0 || !a.hasProfile("Acme prod") || !strings.Contains(st.Notice, `"Acme prod" was added`) {
		t.Errorf("pending %v, notice %q", st.PendingImports, st.Notice)
	}
}

func TestTheProfileViewNamesTheSandboxAsAHostOutsideZapier(t *testing.T) {
	a := newApp(t, "", nil)
	v := a.state().Profiles[0]
	host := strings.TrimPrefix(a.Srv.URL(), "http://")
	if len(v.UntrustedHosts) != 1 || v.UntrustedHosts[0].Host != host || len(v.UntrustedHosts[0].Gets) != 2 {
		t.Errorf("UntrustedHosts = %+v, want %s getting the password page and the token", v.UntrustedHosts, host)
	}
}

// A damaged profiles.json is set aside; the app says where and goes on.
func TestADamagedProfilesFileBecomesTheNotice(t *testing.T) {
	a := newApp(t, "", nil)
	path, _ := profiles.DefaultPath()
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := a.state()
	if len(st.Profiles) != 0 || !strings.Contains(st.Notice, "set aside") {
		t.Errorf("state after damage: %d profiles, notice %q", len(st.Profiles), st.Notice)
	}
}
