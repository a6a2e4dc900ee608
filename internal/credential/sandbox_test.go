package credential

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/sandbox"
)

// startSandbox runs the built-in sandbox provider on 127.0.0.1, approving
// every sign-in at once.
func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.Start(sandbox.Options{Approve: sandbox.ApproveAuto, KeyFile: filepath.Join(t.TempDir(), "sandbox.key"), ClientSecret: string(testSecret)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// approve plays the browser: it opens the authorize page and returns the
// address the provider redirects to, without going there.
func approve(t *testing.T, authorizeURL string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 3 {
		t.Fatalf("the sandbox's authorize page answered %s, not a redirect", resp.Status)
	}
	return resp.Header.Get("Location")
}

func TestACodeGrantSignInRenewsWithoutAWindowAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	provider := startSandbox(t)
	endpoint := oauth.TokenEndpoint{URL: provider.TokenURL(), ClientID: sandbox.ClientID, ClientSecret: testSecret}
	flow, err := oauth.NewCodeFlow(oauth.Request{
		AuthorizeURL: provider.AuthorizeURL(), ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI, Scopes: []string{"zap profile"},
	}, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := flow.Finish(ctx, approve(t, flow.AuthorizeURL()))
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if tok.RefreshToken == "" || tok.ExpiresIn != 10*time.Hour {
		t.Fatalf("sign-in gave %v, want a 10-hour token and a refresh token", tok)
	}

	store := memoryStore()
	if err := store.Save(ctx, "p_acme", FromToken(oauth.GrantCode, tok, time.Now())); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveClientSecret(ctx, "p_acme", testSecret); err != nil {
		t.Fatal(err)
	}
	endpoint.ClientSecret = "" // the Source reads it from the keychain
	src := &Source{ProfileID: "p_acme", ProfileName: "Acme", Store: store, Endpoint: endpoint, LockDir: t.TempDir()}

	// Fresh: printed as issued, no request.
	if got, err := src.Token(ctx); err != nil || got != tok.AccessToken || provider.Refreshes() != 0 {
		t.Fatalf("fresh token: %q, %v after %d refreshes", got, err, provider.Refreshes())
	}
	// Ten hours later: renewed with one refresh request.
	src.Now = func() time.Time { return time.Now().Add(10 * time.Hour) }
	renewed, err := src.Token(ctx)
	if err != nil || renewed == tok.AccessToken || provider.Refreshes() != 1 {
		t.Fatalf("at expiry: %q, %v after %d refreshes; want a new token and 1 refresh", renewed, err, provider.Refreshes())
	}
	// The sandbox rotated the refresh token: the first one is refused now.
	endpoint.ClientSecret = testSecret
	if _, err := endpoint.Refresh(ctx, tok.RefreshToken); !errors.Is(err, oauth.ErrGrantRefused) {
		t.Fatalf("the old refresh token: err = %v, want ErrGrantRefused", err)
	}
}

func TestAWrongClientSecretSaysSoAgainstTheSandbox(t *testing.T) {
	t.Parallel()
	provider := startSandbox(t)
	endpoint := oauth.TokenEndpoint{URL: provider.TokenURL(), ClientID: sandbox.ClientID, ClientSecret: "not-the-sandbox-secret"}
	flow, err := oauth.NewCodeFlow(oauth.Request{AuthorizeURL: provider.AuthorizeURL(), ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI}, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	_, err = flow.Finish(context.Background(), approve(t, flow.AuthorizeURL()))
	if !errors.Is(err, oauth.ErrClientRefused) {
		t.Fatalf("err = %v, want ErrClientRefused", err)
	}
}
