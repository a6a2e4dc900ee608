package main

import (
	"context"
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
	"partnerdesk/internal/sandbox"
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

func inputOf(p profiles.Profile) NewProfile {
	return NewProfile{Name: p.Name, ClientID: p.ClientID, RedirectURI: p.RedirectURI, Scopes: strings.Join(p.Scopes, " "),
		AuthorizeURL: p.AuthorizeURL, APIBaseURL: p.APIBaseURL}
}

func TestEditingTheAPIBaseInTheAppSignsOutFirst(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.app.ctx = context.Background()
	elsewhere, elsewhereURL := newAuthRecorder(t)

	in := inputOf(b.profile)
	in.APIBaseURL = elsewhereURL
	view, err := b.app.UpdateProfile(b.profile.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if view.SignedIn || view.APIBaseURL != elsewhereURL || !strings.Contains(view.SignedOutReason, "API base URL changed") {
		t.Errorf("after the edit: signed in %v, API base %q, reason %q", view.SignedIn, view.APIBaseURL, view.SignedOutReason)
	}
	if _, err := keyring.Get(vault.Service, b.profile.ID); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the token is still in the keychain: %v", err)
	}
	if _, err := b.app.Verify(b.profile.ID); err == nil {
		t.Error("Verify found a token to check")
	}
	b.fetch("v2/apps", false, nil)
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
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.app.ctx = context.Background()
	in := inputOf(b.profile)
	in.Name = "Acme (renamed)"
	view, err := b.app.UpdateProfile(b.profile.ID, in)
	if err != nil || !view.SignedIn || view.SignedOutReason != "" {
		t.Errorf("a rename: %v, signed in %v, reason %q", err, view.SignedIn, view.SignedOutReason)
	}
	if _, err := keyring.Get(vault.Service, b.profile.ID); err != nil {
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

func (b *browser) state() AppState {
	b.t.Helper()
	if b.app.keychain == nil {
		b.app.keychain = &vault.Session{Keychain: b.app.env.Vault}
	}
	st, err := b.app.GetState()
	if err != nil {
		b.t.Fatal(err)
	}
	return st
}

func (b *browser) hasProfile(name string) bool {
	for _, p := range b.state().Profiles {
		if p.Name == name {
			return true
		}
	}
	return false
}

func TestAProfileFileNamingOtherHostsWaitsForTheOperator(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "")
	file := writeExchangeFile(t, "Look-alike", "https://login.evil.example/oauth/authorize/", "https://api.evil.example:8443")

	// As a double-click or a second launch with the file does.
	b.app.importProfile(file)
	st := b.state()
	if len(st.PendingImports) != 1 || b.hasProfile("Look-alike") {
		t.Fatalf("pending %+v; the profile was added before the operator trusted its hosts: %v", st.PendingImports, b.hasProfile("Look-alike"))
	}
	pending := st.PendingImports[0]
	want := []profiles.HostUse{
		{Host: "login.evil.example", Gets: []string{profiles.GetsPasswordPage}},
		{Host: "api.evil.example:8443", Gets: []string{profiles.GetsToken}},
	}
	if pending.Name != "Look-alike" || pending.File != "Look-alike.pdprofile" || len(pending.Hosts) != 2 ||
		pending.Hosts[0].Host != want[0].Host || pending.Hosts[1].Host != want[1].Host || pending.Hosts[1].Gets[0] != profiles.GetsToken {
		t.Errorf("pending import = %+v, want the two hosts and what each gets", pending)
	}

	b.app.CancelImport(pending.ID)
	if st := b.state(); len(st.PendingImports) != 0 || b.hasProfile("Look-alike") {
		t.Errorf("after Cancel: pending %v, added %v", st.PendingImports, b.hasProfile("Look-alike"))
	}
	if _, err := b.app.ConfirmImport(pending.ID); err == nil {
		t.Error("a cancelled import could still be confirmed")
	}

	// The Import button takes the same path.
	res, err := b.app.openProfileFile(file)
	if err != nil || res.Profile != nil || res.Pending == nil {
		t.Fatalf("openProfileFile = %+v, %v; want it pending", res, err)
	}
	view, err := b.app.ConfirmImport(res.Pending.ID)
	if err != nil {
		t.Fatal(err)
	}
	if view.Name != "Look-alike" || len(view.UntrustedHosts) != 2 {
		t.Errorf("confirmed profile = %+v", view)
	}
	if st := b.state(); len(st.PendingImports) != 0 || st.ActiveProfileID != view.ID || !b.hasProfile("Look-alike") {
		t.Errorf("after Confirm: pending %v, active %q", st.PendingImports, st.ActiveProfileID)
	}
}

func TestAProfileFileOnZapiersHostsIsAddedAtOnce(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "")
	b.app.importProfile(writeExchangeFile(t, "Acme prod", "", ""))
	st := b.state()
	if len(st.PendingImports) != 0 || !b.hasProfile("Acme prod") || !strings.Contains(st.Notice, `"Acme prod" was added`) {
		t.Errorf("pending %v, notice %q", st.PendingImports, st.Notice)
	}
}

func TestTheProfileViewNamesTheSandboxAsAHostOutsideZapier(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "")
	v := b.state().Profiles[0]
	host := strings.TrimPrefix(b.srv.URL(), "http://")
	if len(v.UntrustedHosts) != 1 || v.UntrustedHosts[0].Host != host || len(v.UntrustedHosts[0].Gets) != 2 {
		t.Errorf("UntrustedHosts = %+v, want %s getting the password page and the token", v.UntrustedHosts, host)
	}
}

func TestRemovingInTheAppWithoutAKeychain(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	b.app.ctx = context.Background()
	keyring.MockInitWithError(&vault.UnavailableError{Reason: "no Secret Service on the session bus"})
	err := b.app.RemoveProfile(b.profile.ID)
	if err == nil || !strings.Contains(err.Error(), "was not removed") || !strings.Contains(err.Error(), "--keep-token") {
		t.Errorf("removing a signed-in profile without a keychain = %v", err)
	}
	if !b.hasProfile("acme") {
		t.Fatal("the profile went, its token left behind")
	}
	b.app.env.Profiles.Update(func(f *profiles.File) error {
		p, _ := f.Find(b.profile.ID)
		p.Token = profiles.TokenMeta{}
		return nil
	})
	if err := b.app.RemoveProfile(b.profile.ID); err != nil || b.hasProfile("acme") {
		t.Errorf("removing a profile with no token without a keychain = %v", err)
	}
}
