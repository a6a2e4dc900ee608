package signin

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
)

// codeFixture is a service over a temp profiles file, an in-memory vault
// and a real sandbox on 127.0.0.1 (auto-approve, access tokens living
// expiresIn), with one code-grant profile "acme" of the sandbox's built-in
// client, whose client secret is stored. redirect, when not "", is
// registered for the client too and is the profile's redirect URI.
type codeFixture struct {
	*fixture
	srv *sandbox.Server
}

func newCodeFixture(t *testing.T, expiresIn time.Duration, redirect string) *codeFixture {
	t.Helper()
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // the renewal locks
	xdg.Reload()
	opts := sandbox.Options{Approve: sandbox.ApproveAuto, KeyFile: filepath.Join(t.TempDir(), "key"), ExpiresIn: expiresIn}
	if redirect == "" {
		redirect = sandbox.RedirectURI
	} else {
		opts.Clients = map[string][]string{sandbox.ClientID: {redirect}}
	}
	srv, err := sandbox.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f := &codeFixture{fixture: &fixture{
		vault: &memVault{secrets: map[string]string{}},
		store: &profiles.Store{Path: filepath.Join(t.TempDir(), "profiles.json")},
		base:  srv.URL(),
	}, srv: srv}
	f.svc = &Service{Profiles: f.store, Vault: f.vault, Window: signintest.FollowRedirects}
	err = f.store.Update(func(file *profiles.File) error {
		_, err := file.Add(profiles.Profile{ID: "p_acme", Name: "acme", ClientID: sandbox.ClientID, RedirectURI: redirect,
			AuthorizeURL: srv.AuthorizeURL(), APIBaseURL: srv.URL(), Scopes: []string{"profile", "zap"},
			Grant: oauth.GrantCode, TokenURL: srv.TokenURL()})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetClientSecret(context.Background(), "acme", oauth.ClientSecret(srv.ClientSecret())); err != nil {
		t.Fatal(err)
	}
	return f
}

// tokens returns the access and refresh tokens in the vault.
func (f *codeFixture) tokens() (access, refresh string) {
	f.vault.mu.Lock()
	defer f.vault.mu.Unlock()
	return f.vault.secrets["p_acme"], f.vault.secrets["p_acme/refresh"]
}

// refreshElsewhere renews the stored refresh token outside Partnerdesk (as
// a copy of it on another computer would), so the provider retires the
// stored one.
func (f *codeFixture) refreshElsewhere(t *testing.T) {
	t.Helper()
	_, refresh := f.tokens()
	ep := oauth.TokenEndpoint{URL: f.srv.TokenURL(), ClientID: sandbox.ClientID, ClientSecret: oauth.ClientSecret(f.srv.ClientSecret())}
	if _, err := ep.Refresh(context.Background(), refresh); err != nil {
		t.Fatal(err)
	}
}

func TestACodeGrantSignInInTheWindowStoresBothTokensAndChecksWhoSignedIn(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	var authorize string
	f.svc.Window = func(ctx context.Context, o window.Options) (string, error) {
		authorize = o.AuthorizeURL
		return signintest.FollowRedirects(ctx, o)
	}
	p, err := f.svc.SignIn(context.Background(), "acme", Options{})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := url.Parse(authorize)
	if got := q.Query(); got.Get("response_type") != "code" || got.Get("code_challenge_method") != "S256" || got.Get("code_challenge") == "" {
		t.Errorf("the authorize URL asks for %q with PKCE %q %q", got.Get("response_type"), got.Get("code_challenge_method"), got.Get("code_challenge"))
	}
	access, refresh := f.tokens()
	if access == "" || refresh == "" || access == refresh {
		t.Fatalf("the vault holds access %d chars, refresh %d chars", len(access), len(refresh))
	}
	if !p.Token.SignedIn || p.Token.Identity == nil || p.Token.ExpiresAt == nil {
		t.Fatalf("token facts %+v", p.Token)
	}
	if left := time.Until(*p.Token.ExpiresAt); left < 59*time.Minute || left > time.Hour {
		t.Errorf("the token expires in %s, want the hour the sandbox gave", left)
	}
}

func TestACodeGrantSignInThroughThePastedAddress(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	f.svc.Browser = func(string) error { return nil }
	attempt, err := f.svc.BeginPaste("acme", false)
	if err != nil {
		t.Fatal(err)
	}
	answer := providerAnswer(t, attempt.AuthorizeURL())
	if !strings.Contains(answer, "?code=") && !strings.Contains(answer, "&code=") {
		t.Fatalf("the sandbox answered without a code in the query")
	}
	if _, err := attempt.Complete(context.Background(), answer); err != nil {
		t.Fatal(err)
	}
	if access, refresh := f.tokens(); access == "" || refresh == "" {
		t.Fatal("no tokens stored")
	}
}

func TestACodeGrantSignInThroughTheLoopbackRelay(t *testing.T) {
	redirect := freeLoopbackRedirect(t)
	f := newCodeFixture(t, time.Hour, redirect)
	f.svc.Browser = relayBrowser(t, redirect)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := f.svc.SignInWithBrowser(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	if access, refresh := f.tokens(); access == "" || refresh == "" {
		t.Fatal("no tokens stored")
	}
}

func TestACodeGrantProfileWithoutAClientSecretOpensNoWindow(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	delete(f.vault.secrets, "p_acme/client-secret")
	f.svc.Window = func(context.Context, window.Options) (string, error) {
		t.Error("a window opened")
		return "", window.ErrCancelled
	}
	_, err := f.svc.SignIn(context.Background(), "acme", Options{})
	var none *NoClientSecretError
	if !errors.As(err, &none) || none.Profile != "acme" || !errors.Is(err, oauth.ErrNoClientSecret) {
		t.Fatalf("SignIn = %v, want a NoClientSecretError", err)
	}
}

func TestAWrongClientSecretSaysSoAndStoresNothing(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	if _, err := f.svc.SetClientSecret(context.Background(), "acme", "sbs_not-the-secret-at-all"); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.SignIn(context.Background(), "acme", Options{})
	if !errors.Is(err, oauth.ErrClientRefused) || !strings.Contains(err.Error(), "client secret") {
		t.Fatalf("SignIn = %v, want the client secret refused", err)
	}
	if access, refresh := f.tokens(); access != "" || refresh != "" || f.saved(t).Token.SignedIn {
		t.Fatal("a refused sign-in stored something")
	}
}

func TestAnImplicitProfileKeepsNoClientSecret(t *testing.T) {
	f := newFixture(t, sandbox.ApproveAuto)
	if _, err := f.svc.SetClientSecret(context.Background(), "acme", "sbs_some-secret-value"); !errors.Is(err, ErrNotCodeGrant) {
		t.Fatalf("SetClientSecret = %v, want ErrNotCodeGrant", err)
	}
	if len(f.vault.secrets) != 0 {
		t.Fatal("a secret was stored")
	}
}

func TestTokenRenewsACodeGrantTokenWithLessThanAMinuteLeft(t *testing.T) {
	f := newCodeFixture(t, 30*time.Second, "")
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	oldAccess, oldRefresh := f.tokens()
	token, _, err := f.svc.Token(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	access, refresh := f.tokens()
	if token == oldAccess || token != access || refresh == oldRefresh || f.srv.Refreshes() != 1 {
		t.Fatalf("Token did not renew once into the vault (refreshes %d)", f.srv.Refreshes())
	}
}

func TestTokenGivesAFreshCodeGrantTokenAsIssued(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	access, _ := f.tokens()
	if token, _, err := f.svc.Token(context.Background(), "acme"); err != nil || token != access || f.srv.Refreshes() != 0 {
		t.Fatalf("Token = %v; same as stored %v; refreshes %d", err, token == access, f.srv.Refreshes())
	}
}

func TestARefusedRefreshTokenSignsTheProfileOut(t *testing.T) {
	f := newCodeFixture(t, 30*time.Second, "")
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	f.refreshElsewhere(t)
	_, _, err := f.svc.Token(context.Background(), "acme")
	var out *credential.SignedOutError
	if !errors.As(err, &out) || out.Reason != credential.RefreshRefused || !strings.Contains(err.Error(), "partnerdesk login --profile acme") {
		t.Fatalf("Token = %v, want the refresh refused", err)
	}
	if access, refresh := f.tokens(); access != "" || refresh != "" {
		t.Fatal("tokens left in the vault")
	}
	if f.vault.secrets["p_acme/client-secret"] == "" {
		t.Fatal("the client secret went with the tokens")
	}
	if p := f.saved(t); p.Token.SignedIn || p.Token.SignedOutReason != RefreshRefusedNote {
		t.Fatalf("token facts %+v, want signed out with the reason", p.Token)
	}
}

func TestTheAPIClientRenewsARejectedCodeGrantToken(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	access, _ := f.tokens()
	f.vault.Set(context.Background(), "p_acme", access+"x") // revoked, say
	ep, _ := partnerapi.EndpointForPath("/v1/profiles/me")
	client, _, err := f.svc.APIClient(context.Background(), f.saved(t), ep)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Me(context.Background()); err != nil {
		t.Fatalf("Me = %v, want it to work after one renewal", err)
	}
	if f.srv.Refreshes() != 1 {
		t.Fatalf("%d refreshes, want 1", f.srv.Refreshes())
	}
}

func TestSigningOutKeepsTheClientSecretAndRemovingTakesIt(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SignOut(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if access, refresh := f.tokens(); access != "" || refresh != "" {
		t.Fatal("sign-out left tokens")
	}
	if ok, err := f.svc.HasClientSecret(ctx, "acme"); !ok || err != nil {
		t.Fatalf("after sign-out HasClientSecret = %v, %v", ok, err)
	}
	if _, err := f.svc.Remove(ctx, "acme", false); err != nil {
		t.Fatal(err)
	}
	if len(f.vault.secrets) != 0 {
		t.Fatalf("removing left %d keychain entries", len(f.vault.secrets))
	}
}

func TestANewClientIDOrTokenURLDropsTheClientSecret(t *testing.T) {
	for name, change := range map[string]func(*profiles.Profile){
		"client ID": func(p *profiles.Profile) { p.ClientID = "another-client" },
		"token URL": func(p *profiles.Profile) { p.TokenURL = "https://token.example/oauth/token/" },
	} {
		t.Run(name, func(t *testing.T) {
			f := newCodeFixture(t, time.Hour, "")
			ctx := context.Background()
			if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
				t.Fatal(err)
			}
			if _, signedOut, err := f.svc.Update(ctx, "acme", change); err != nil || !signedOut {
				t.Fatalf("Update = %v, signed out %v", err, signedOut)
			}
			if len(f.vault.secrets) != 0 {
				t.Fatalf("%d keychain entries left", len(f.vault.secrets))
			}
		})
	}
	f := newCodeFixture(t, time.Hour, "")
	if _, _, err := f.svc.Update(context.Background(), "acme", func(p *profiles.Profile) { p.Scopes = []string{"zap"} }); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.svc.HasClientSecret(context.Background(), "acme"); !ok {
		t.Fatal("a new scope dropped the client secret")
	}
}

// countingVault counts the reads of the access token's keychain entry.
type countingVault struct {
	Vault
	mu    sync.Mutex
	reads int
}

func (v *countingVault) Get(ctx context.Context, user string) (string, error) {
	if user == "p_acme" {
		v.mu.Lock()
		v.reads++
		v.mu.Unlock()
	}
	return v.Vault.Get(ctx, user)
}

func TestACodeGrantAPIClientReadsTheKeychainOnceForManyRequests(t *testing.T) {
	f := newCodeFixture(t, time.Hour, "")
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	counted := &countingVault{Vault: f.svc.Vault}
	f.svc.Vault = counted
	ep, _ := partnerapi.EndpointForPath("/v1/profiles/me")
	client, _, err := f.svc.APIClient(ctx, f.saved(t), ep)
	if err != nil {
		t.Fatal(err)
	}
	for request := range 5 {
		if _, err := client.Me(ctx); err != nil {
			t.Fatalf("request %d: %v", request, err)
		}
	}
	if counted.reads != 1 || f.srv.Refreshes() != 0 {
		t.Fatalf("5 requests read the access token from the keychain %d times (with %d refreshes), want once", counted.reads, f.srv.Refreshes())
	}
}
