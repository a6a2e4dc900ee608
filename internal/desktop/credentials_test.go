package desktop_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/desktop"
	"partnerdesk/internal/desktop/desktoptest"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/vault"
)

// newCodeApp is newApp for a code-grant profile signed in through the code
// grant, with no sign-in window: every renewal here is without one.
func newCodeApp(t *testing.T, opts sandbox.Options) *app {
	t.Helper()
	sb := desktoptest.NewCodeSandbox(t, opts, "profile zap")
	desk := &desktoptest.Platform{}
	a := &app{Sandbox: sb, svc: desktop.New(sb.Config(desk)), desk: desk}
	a.svc.Start(t.Context())
	return a
}

func (a *app) view() desktop.ProfileView {
	a.T.Helper()
	for _, v := range a.state().Profiles {
		if v.ID == a.Profile.ID {
			return v
		}
	}
	a.T.Fatalf("no view of %s", a.Profile.ID)
	return desktop.ProfileView{}
}

func (a *app) keychain(user string) string {
	a.T.Helper()
	v, err := a.Vault.Get(context.Background(), user)
	if errors.Is(err, vault.ErrNotFound) {
		return ""
	}
	if err != nil {
		a.T.Fatal(err)
	}
	return v
}

func TestACodeGrantProfileSaysItRenewsByItselfAndWhen(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	v := a.view()
	if v.Grant != oauth.GrantCode || !v.Renews || v.RenewsAt == nil || v.ClientSecretMissing || v.TokenURL != a.Srv.TokenURL() {
		t.Fatalf("view = grant %q, renews %v at %v, secret missing %v, token URL %q; want a code grant renewing 5 minutes before expiry",
			v.Grant, v.Renews, v.RenewsAt, v.ClientSecretMissing, v.TokenURL)
	}
	expires, _ := time.Parse(time.RFC3339, *v.ExpiresAt)
	renews, _ := time.Parse(time.RFC3339, *v.RenewsAt)
	if expires.Sub(renews) != desktop.RefreshLead {
		t.Errorf("renews at %s for a token expiring at %s; want %s before", renews, expires, desktop.RefreshLead)
	}
	if v.GrantLabel == "" {
		t.Error("the view says the grant in no words")
	}
}

func TestAnImplicitProfileDoesNotClaimToRenewByItself(t *testing.T) {
	a := newApp(t, "profile zap", nil)
	v := a.view()
	if v.Grant != oauth.GrantImplicit || v.Renews || v.RenewsAt != nil || v.ClientSecretMissing || v.TokenURL != "" {
		t.Fatalf("implicit view = %+v", v)
	}
}

func TestTheClientSecretGoesToTheKeychainAndNeverBackToThePage(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	if err := a.Vault.Delete(context.Background(), vault.ClientSecretUser(a.Profile.ID)); err != nil {
		t.Fatal(err)
	}
	a.svc = desktop.New(a.Config(a.desk)) // nothing remembered of the old secret
	a.svc.Start(t.Context())
	if !a.view().ClientSecretMissing {
		t.Fatal("a code-grant profile without a client secret does not say so")
	}

	const secret = "sbs_typed_by_the_operator_9f8e7d6c5b4a"
	v, err := a.svc.Profiles.SetClientSecret(a.Profile.ID, "  "+secret+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.keychain(vault.ClientSecretUser(a.Profile.ID)); got != secret {
		t.Errorf("the keychain holds %q, want the secret typed (trimmed)", got)
	}
	if v.ClientSecretMissing || a.view().ClientSecretMissing {
		t.Error("after saving, the view still asks for the client secret")
	}
	for what, value := range map[string]any{"SetClientSecret's answer": v, "GetState": a.state()} {
		b, _ := json.Marshal(value)
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the client secret: %s", what, b)
		}
	}
}

func TestAClientSecretIsRefusedWhenEmptyOrForAnImplicitProfile(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	if _, err := a.svc.Profiles.SetClientSecret(a.Profile.ID, "   "); err == nil || !strings.Contains(err.Error(), "client secret") {
		t.Errorf("an empty secret: %v", err)
	}
	if _, err := a.svc.Profiles.SetClientSecret(a.Profile.ID, "two words"); err == nil {
		t.Error("a secret with a space in it was taken")
	}
	imp := newApp(t, "", nil)
	if _, err := imp.svc.Profiles.SetClientSecret(imp.Profile.ID, "sbs_x"); err == nil || !strings.Contains(err.Error(), "without a client secret") {
		t.Errorf("a secret for an implicit profile: %v", err)
	}
	if got := imp.keychain(vault.ClientSecretUser(imp.Profile.ID)); got != "" {
		t.Errorf("an implicit profile's secret was stored: %q", got)
	}
}

func TestTheAppRenewsACodeGrantTokenBeforeItExpiresWithoutAWindow(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	old, oldRefresh := a.Token, a.RefreshToken

	// Not due yet: nothing is asked of Zapier.
	a.svc.RefreshDue()
	if a.Srv.Refreshes() != 0 {
		t.Fatalf("a token 10 hours from expiry was renewed (%d refreshes)", a.Srv.Refreshes())
	}

	a.ExpireIn(desktop.RefreshLead - time.Minute)
	a.svc.RefreshDue()
	if a.Srv.Refreshes() != 1 {
		t.Fatalf("%d refresh requests; want 1", a.Srv.Refreshes())
	}
	token, refresh := a.keychain(a.Profile.ID), a.keychain(vault.RefreshTokenUser(a.Profile.ID))
	if token == "" || token == old || refresh == "" || refresh == oldRefresh {
		t.Fatal("the renewal did not store a new access token and a new refresh token")
	}
	v := a.view()
	if v.Status != desktop.StatusSignedIn || !v.Renews {
		t.Errorf("after the renewal: %s, renews %v", v.Status, v.Renews)
	}
	if len(a.desk.Notes) != 0 {
		t.Errorf("the operator was notified of a renewal that needs nothing of them: %v", a.desk.Notes)
	}
}

func TestATokenZapierRejectsIsRenewedWithTheRefreshToken(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	// What Browse does on a 401: the token marked rejected, then rejected().
	err := a.Store.Update(func(f *profiles.File) error {
		p, _ := f.Find(a.Profile.ID)
		p.Token.Invalid = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := a.Store.Load()
	rejected, _ := f.Find(a.Profile.ID)
	a.svc.Rejected(*rejected)

	a.desk.WaitFor(t, "the renewal after the rejection", func([]desktoptest.Event) bool {
		return a.keychain(a.Profile.ID) != a.Token
	})
	deadline := time.Now().Add(10 * time.Second)
	for a.view().Status != desktop.StatusSignedIn && time.Now().Before(deadline) {
		a.desk.WaitFor(t, "a state change", func(e []desktoptest.Event) bool { return len(e) > 0 })
	}
	if v := a.view(); v.Status != desktop.StatusSignedIn {
		t.Fatalf("after the renewal the card says %s", v.Status)
	}
	if a.Srv.Refreshes() != 1 {
		t.Errorf("%d refresh requests; want 1", a.Srv.Refreshes())
	}
}

func TestARefusedRefreshTokenSignsTheProfileOutAndSaysSignInAgain(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	// Another copy renewed the chain: the one this app holds is retired.
	stale := a.RefreshToken
	src := oauth.TokenEndpoint{URL: a.Srv.TokenURL(), ClientID: sandbox.ClientID, ClientSecret: desktoptest.ClientSecret}
	if _, err := src.Refresh(context.Background(), stale); err != nil {
		t.Fatalf("retiring the stale refresh token: %v", err)
	}

	a.ExpireIn(time.Minute)
	a.svc.RefreshDue()
	v := a.view()
	if v.Status != desktop.StatusSignedOut || v.SignedOutReason == "" || !strings.Contains(v.SignedOutReason, "Sign in again") {
		t.Fatalf("after a refused refresh token: %s, reason %q; want signed out saying to sign in again", v.Status, v.SignedOutReason)
	}
	if a.keychain(a.Profile.ID) != "" || a.keychain(vault.RefreshTokenUser(a.Profile.ID)) != "" {
		t.Error("the tokens are still in the keychain")
	}
	if a.keychain(vault.ClientSecretUser(a.Profile.ID)) == "" {
		t.Error("the client secret went with the tokens; only signing out should happen")
	}
}

func TestTheSandboxWithAClientSecretKeepsTheSandboxsOwnSecretInTheKeychain(t *testing.T) {
	a := newApp(t, "", nil)
	v, err := a.svc.Profiles.AddSandboxProfile("code")
	if err != nil {
		t.Fatal(err)
	}
	want, err := sandbox.LocalClientSecret()
	if err != nil {
		t.Fatal(err)
	}
	if v.Grant != oauth.GrantCode || v.ClientSecretMissing || !strings.HasSuffix(v.TokenURL, "/oauth/token/") || !v.Sandbox {
		t.Fatalf("the Sandbox with a client secret: %+v", v)
	}
	if got := a.keychain(vault.ClientSecretUser(v.ID)); got != want {
		t.Errorf("the keychain holds %q as its client secret, want the sandbox's own", got)
	}
	implicit, err := a.svc.Profiles.AddSandboxProfile("implicit")
	if err != nil {
		t.Fatal(err)
	}
	if implicit.Grant != oauth.GrantImplicit || implicit.Name == v.Name {
		t.Errorf("the plain Sandbox: grant %q, name %q (the other is %q)", implicit.Grant, implicit.Name, v.Name)
	}
	if _, err := a.svc.Profiles.AddSandboxProfile("password"); err == nil {
		t.Error("a Sandbox with an unknown grant was added")
	}
}

func TestAnImportedCodeGrantProfileAsksForItsClientSecret(t *testing.T) {
	a := newCodeApp(t, sandbox.Options{})
	p := a.Profile
	p.Name = "From a colleague"
	data, err := profiles.Export(p)
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/colleague" + profiles.ExchangeExt
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := a.svc.OpenProfileFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if res.Pending == nil || res.Pending.Grant != oauth.GrantCode {
		t.Fatalf("the import of a code-grant profile naming the sandbox's host: %+v; want it waiting, saying its grant", res)
	}
	v, err := a.svc.Profiles.ConfirmImport(res.Pending.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Grant != oauth.GrantCode || !v.ClientSecretMissing {
		t.Errorf("the imported profile: grant %q, secret missing %v; want the card to ask for it", v.Grant, v.ClientSecretMissing)
	}
}
