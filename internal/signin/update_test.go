package signin

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// headerRecorder is an API on 127.0.0.1 that notes every Authorization
// header it is sent.
type headerRecorder struct {
	*httptest.Server
	mu    sync.Mutex
	calls int
	auth  []string
}

func newHeaderRecorder(t *testing.T) *headerRecorder {
	r := &headerRecorder{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.calls++
		if a := req.Header.Get("Authorization"); a != "" {
			r.auth = append(r.auth, a)
		}
		r.mu.Unlock()
		http.Error(w, `{"errors":["nope"]}`, http.StatusUnauthorized)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *headerRecorder) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

func (r *headerRecorder) authorizations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.auth...)
}

func TestChangingTheAPIBaseOfASignedInProfileSignsItOutFirst(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	token := f.vault.secrets["p_acme"]
	os.MkdirAll(WebDataDir("p_acme"), 0o700)
	os.WriteFile(filepath.Join(WebDataDir("p_acme"), "cookies.sqlite"), []byte("x"), 0o600)
	elsewhere := newHeaderRecorder(t)

	saved, signedOut, err := f.svc.Update(ctx, "acme", func(p *profiles.Profile) { p.APIBaseURL = elsewhere.URL })
	if err != nil {
		t.Fatal(err)
	}
	if !signedOut || saved.Token.SignedIn || saved.APIBaseURL != elsewhere.URL {
		t.Errorf("Update: signedOut %v, signed in %v, API base %q", signedOut, saved.Token.SignedIn, saved.APIBaseURL)
	}
	if !strings.Contains(saved.Token.SignedOutReason, "API base URL changed") {
		t.Errorf("SignedOutReason = %q", saved.Token.SignedOutReason)
	}
	if _, ok := f.vault.secrets["p_acme"]; ok {
		t.Error("the token is still in the keychain")
	}
	if _, err := os.Stat(WebDataDir("p_acme")); !os.IsNotExist(err) {
		t.Error("the sign-in session was not cleared")
	}

	// Every way the token could be sent to the new host now finds none.
	if _, err := f.svc.Verify(ctx, "acme"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Verify after the change = %v, want ErrNotFound", err)
	}
	// An API call as the app and `partnerdesk api` make it reaches the new
	// host, without the token.
	zaps, _ := partnerapi.EndpointByID("v2/apps")
	client, _, err := f.svc.APIClient(ctx, f.saved(t), zaps)
	if err != nil {
		t.Fatal(err)
	}
	client.Get(ctx, zaps.Path, nil)
	if elsewhere.requests() == 0 {
		t.Fatal("the API call never reached the new host, so the test shows nothing")
	}
	if got := elsewhere.authorizations(); len(got) != 0 {
		t.Errorf("the new host was sent Authorization headers (the old token: %v)", strings.Contains(strings.Join(got, " "), token))
	}
}

// deadVault is a keychain that cannot be reached; it counts the calls.
type deadVault struct{ calls int }

func (v *deadVault) err() error {
	v.calls++
	return &vault.UnavailableError{Reason: "no Secret Service on the session bus"}
}
func (v *deadVault) Get(context.Context, string) (string, error) { return "", v.err() }
func (v *deadVault) Set(context.Context, string, string) error   { return v.err() }
func (v *deadVault) Delete(context.Context, string) error        { return v.err() }

func TestAnAddressChangeThatCannotSignOutChangesNothing(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	f.svc.Vault = &deadVault{}
	_, signedOut, err := f.svc.Update(ctx, "acme", func(p *profiles.Profile) { p.APIBaseURL = "https://evil.example" })
	var unavailable *vault.UnavailableError
	if !errors.As(err, &unavailable) || signedOut {
		t.Fatalf("Update with a dead keychain = %v, signedOut %v; want the keychain error", err, signedOut)
	}
	if p := f.saved(t); p.APIBaseURL != f.base || !p.Token.SignedIn {
		t.Errorf("the profile changed anyway: API base %q, signed in %v", p.APIBaseURL, p.Token.SignedIn)
	}
}

func TestChangesThatKeepTheBindingKeepTheToken(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	saved, signedOut, err := f.svc.Update(ctx, "acme", func(p *profiles.Profile) {
		p.Name, p.Scopes = "Acme renamed", []string{"profile"}
	})
	if err != nil || signedOut || !saved.Token.SignedIn || f.vault.secrets["p_acme"] == "" {
		t.Errorf("a rename signed out: err %v, signedOut %v, signed in %v", err, signedOut, saved.Token.SignedIn)
	}
	if saved.Name != "Acme renamed" || saved.ID != "p_acme" {
		t.Errorf("saved %+v", saved)
	}
}

func TestANotSignedInProfileChangesAddressesWithoutTheKeychain(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	dead := &deadVault{}
	f.svc.Vault = dead
	saved, signedOut, err := f.svc.Update(context.Background(), "acme", func(p *profiles.Profile) { p.ClientID = "another" })
	if err != nil || signedOut || saved.ClientID != "another" || saved.Token.SignedOutReason != "" {
		t.Errorf("Update = %+v, %v, %v", saved, signedOut, err)
	}
	if dead.calls != 0 {
		t.Errorf("the keychain was asked %d times", dead.calls)
	}
}

func TestUpdateRefusesWhatTheOperatorCouldNotHaveTyped(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if err := f.store.Update(func(file *profiles.File) error {
		_, err := file.Add(profiles.Profile{Name: "other", ClientID: "c", RedirectURI: sandbox.RedirectURI})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*profiles.Profile){
		"a format character": func(p *profiles.Profile) { p.Name = "acme\u202e" },
		"a taken name":       func(p *profiles.Profile) { p.Name = "OTHER" },
		"plain http":         func(p *profiles.Profile) { p.APIBaseURL = "http://evil.example" },
	} {
		if _, _, err := f.svc.Update(ctx, "acme", change); err == nil {
			t.Errorf("%s was saved", name)
		}
	}
}

// signingVault signs the profile in again (as another window or process
// would) right after its access token was deleted (the user "<id>"; the
// refresh token's "<id>/refresh" goes first).
type signingVault struct {
	memVault
	store *profiles.Store
}

func (v *signingVault) Delete(ctx context.Context, id string) error {
	err := v.memVault.Delete(ctx, id)
	v.store.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok {
			return nil
		}
		later := p.Token.ObtainedAt.Add(time.Minute)
		p.Token = profiles.TokenMeta{SignedIn: true, ObtainedAt: &later}
		return nil
	})
	return err
}

func TestASignInDuringTheChangeStopsIt(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	f.svc.Vault = &signingVault{memVault: memVault{secrets: map[string]string{"p_acme": "t"}}, store: f.store}
	if _, _, err := f.svc.Update(ctx, "acme", func(p *profiles.Profile) { p.APIBaseURL = "https://evil.example" }); !errors.Is(err, ErrSignedInMeanwhile) {
		t.Errorf("Update = %v, want ErrSignedInMeanwhile", err)
	}
	if p := f.saved(t); p.APIBaseURL != f.base {
		t.Errorf("the API base changed to %q under a fresh sign-in", p.APIBaseURL)
	}
}

func TestASignInThatEndsAfterTheAddressesChangedKeepsNoToken(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	elsewhere := newHeaderRecorder(t)
	// The window is open while the operator (or `profile add --update`)
	// points the profile elsewhere.
	f.svc.Window = func(ctx context.Context, o window.Options) (string, error) {
		if _, _, err := f.svc.Update(ctx, "acme", func(p *profiles.Profile) { p.APIBaseURL = elsewhere.URL }); err != nil {
			t.Error(err)
		}
		return signintest.FollowRedirects(ctx, o)
	}
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); !errors.Is(err, ErrSettingsChanged) {
		t.Errorf("SignIn = %v, want ErrSettingsChanged", err)
	}
	if len(f.vault.secrets) != 0 || f.saved(t).Token.SignedIn {
		t.Error("a token issued for the old addresses was kept")
	}
	f.svc.Verify(ctx, "acme")
	if got := elsewhere.authorizations(); len(got) != 0 {
		t.Errorf("the new host was sent Authorization headers")
	}
}
