package signin

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// memVault is the keychain as this package sees it: a map. The real
// keychain has its own tests in internal/vault.
type memVault struct {
	mu      sync.Mutex
	secrets map[string]string
}

func (v *memVault) Get(_ context.Context, id string) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	s, ok := v.secrets[id]
	if !ok {
		return "", vault.ErrNotFound
	}
	return s, nil
}

func (v *memVault) Set(_ context.Context, id, token string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.secrets[id] = token
	return nil
}

func (v *memVault) Delete(_ context.Context, id string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.secrets[id]; !ok {
		return vault.ErrNotFound
	}
	delete(v.secrets, id)
	return nil
}

type fixture struct {
	svc   *Service
	vault *memVault
	store *profiles.Store
	base  string
}

// newFixture gives a service over a temp profiles file, an in-memory vault
// and a real sandbox on 127.0.0.1 answering in the given mode, with one
// profile "acme" registered there.
func newFixture(t *testing.T, mode sandbox.Approve) *fixture {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	xdg.Reload()
	srv, err := sandbox.Start(sandbox.Options{Approve: mode, KeyFile: filepath.Join(t.TempDir(), "key")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := &fixture{
		vault: &memVault{secrets: map[string]string{}},
		store: &profiles.Store{Path: filepath.Join(t.TempDir(), "profiles.json")},
		base:  srv.URL(),
	}
	f.svc = &Service{Profiles: f.store, Vault: f.vault, Window: signintest.FollowRedirects}
	err = f.store.Update(func(file *profiles.File) error {
		_, err := file.Add(profiles.Profile{ID: "p_acme", Name: "acme", ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI,
			AuthorizeURL: srv.AuthorizeURL(), APIBaseURL: srv.URL(), Scopes: []string{"profile", "zap"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) saved(t *testing.T) profiles.Profile {
	t.Helper()
	file, err := f.store.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, ok := file.Find("acme")
	if !ok {
		t.Fatal("profile gone")
	}
	return *p
}

func TestSignInStoresTheTokenAndRecordsWhoSignedIn(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	var stages []Stage
	f.svc.Progress = func(s Stage) { stages = append(stages, s) }
	before := time.Now()

	p, err := f.svc.SignIn(context.Background(), "acme", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.vault.secrets["p_acme"] == "" {
		t.Fatal("no token in the vault after a successful sign-in")
	}
	saved := f.saved(t)
	if !saved.Token.SignedIn || saved.Token.Identity == nil || saved.Token.Identity.FullName == "" {
		t.Fatalf("saved token metadata = %+v, want signed in with an identity", saved.Token)
	}
	if p.Token.Identity.Email != saved.Token.Identity.Email {
		t.Error("the returned profile differs from the saved one")
	}
	if exp := saved.Token.ExpiresAt; exp == nil || exp.Sub(before) < 10*time.Hour-time.Minute || exp.Sub(before) > 10*time.Hour+time.Minute {
		t.Errorf("expiry %v is not 10 hours (expires_in=36000) after sign-in", exp)
	}
	if got := saved.Token.Scopes; len(got) != 2 || got[0] != "profile" || got[1] != "zap" {
		t.Errorf("granted scopes = %v", got)
	}
	if !saved.Token.LastVerifyOK || saved.Token.LastVerifiedAt == nil {
		t.Error("the live check after sign-in was not recorded")
	}
	want := []Stage{StageOpening, StageWaiting, StageStoring, StageVerifying}
	if len(stages) != len(want) {
		t.Fatalf("stages = %v, want %v", stages, want)
	}
	for i := range want {
		if stages[i] != want[i] {
			t.Fatalf("stages = %v, want %v", stages, want)
		}
	}
}

func TestFailedSignInsStoreNothing(t *testing.T) {
	cases := []struct {
		name   string
		mode   sandbox.Approve
		window Window
		want   error
	}{
		{"a declined approval", sandbox.ApproveDeny, signintest.FollowRedirects, oauth.ErrDeclined},
		{"a redirect carrying another attempt's state", sandbox.ApproveWrongState, signintest.FollowRedirects, oauth.ErrStateMismatch},
		{"a window the operator closed", sandbox.ApproveAuto, func(context.Context, window.Options) (string, error) {
			return "", window.ErrCancelled
		}, window.ErrCancelled},
		{"a window that timed out", sandbox.ApproveAuto, func(context.Context, window.Options) (string, error) {
			return "", window.ErrTimeout
		}, window.ErrTimeout},
		{"an address that is not the redirect_uri", sandbox.ApproveAuto, func(_ context.Context, o window.Options) (string, error) {
			return "https://partner.invalid.evil.test/oauth/callback#access_token=forged&token_type=Bearer", nil
		}, oauth.ErrNotRedirectURI},
		{"a forged redirect with a token but no state", sandbox.ApproveAuto, func(_ context.Context, o window.Options) (string, error) {
			return o.RedirectURI + "#access_token=forged&token_type=Bearer", nil
		}, oauth.ErrStateMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.mode)
			f.svc.Window = c.window
			_, err := f.svc.SignIn(context.Background(), "acme", Options{})
			if !errors.Is(err, c.want) {
				t.Fatalf("SignIn = %v, want %v", err, c.want)
			}
			if len(f.vault.secrets) != 0 {
				t.Error("a failed sign-in stored a token")
			}
			if f.saved(t).Token.SignedIn {
				t.Error("a failed sign-in marked the profile signed in")
			}
		})
	}
}

func TestSignInAsksForApprovalAgainOnlyWhenForced(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	var prompts []string
	f.svc.Window = func(ctx context.Context, o window.Options) (string, error) {
		req, _ := http.NewRequest("GET", o.AuthorizeURL, nil)
		prompts = append(prompts, req.URL.Query().Get("approval_prompt"))
		return signintest.FollowRedirects(ctx, o)
	}
	for _, force := range []bool{false, true} {
		if _, err := f.svc.SignIn(context.Background(), "acme", Options{Force: force}); err != nil {
			t.Fatal(err)
		}
	}
	if len(prompts) != 2 || prompts[0] != "auto" || prompts[1] != "force" {
		t.Errorf("approval_prompt sent = %v, want [auto force]", prompts)
	}
}

func TestVerifyMarksARejectedTokenInvalid(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	f.vault.secrets["p_acme"] += "tampered"
	p, err := f.svc.Verify(context.Background(), "acme")
	if err == nil {
		t.Fatal("Verify accepted a tampered token")
	}
	if !p.Token.Invalid || p.Token.LastVerifyOK || !f.saved(t).Token.Invalid {
		t.Errorf("token metadata after a rejection = %+v, want Invalid and not OK", p.Token)
	}
	// Signing in again clears the mark.
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if f.saved(t).Token.Invalid {
		t.Error("a fresh sign-in left the profile marked invalid")
	}
}

func TestSignOutRemovesTheTokenAndTheProviderSession(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	web := WebDataDir("p_acme")
	if err := os.MkdirAll(web, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(web, "cookies.sqlite"), []byte("provider session"), 0o600)

	p, err := f.svc.SignOut(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.vault.secrets["p_acme"]; ok {
		t.Error("the token is still in the vault")
	}
	if _, err := os.Stat(web); !os.IsNotExist(err) {
		t.Errorf("the sign-in window's web data is still there: %v", err)
	}
	if p.Token.SignedIn || p.Token.Identity != nil || f.saved(t).Token.SignedIn {
		t.Error("the profile still says it is signed in")
	}
	// Signing out twice is harmless.
	if _, err := f.svc.SignOut(context.Background(), "acme"); err != nil {
		t.Errorf("second SignOut = %v", err)
	}
}
