package sandbox

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// otherClient is a second registered client with the built-in redirect_uri.
const otherClient = "other-app"

// approveOnConsentPage signs in as the operator would in ask mode: the
// consent page shows, Approve is pressed. It returns the token.
func approveOnConsentPage(t *testing.T, s *Server, v url.Values) string {
	t.Helper()
	resp, page := authorize(t, s, v)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize: status %d, want the consent page (200)", resp.StatusCode)
	}
	form := consentForm(t, page)
	form.Set("decision", "approve")
	resp, _ = postForm(t, s, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: status %d, want 303", resp.StatusCode)
	}
	_, frag := redirectParams(t, resp.Header.Get("Location"))
	if frag.Get("access_token") == "" {
		t.Fatalf("approve: no token in %v", frag)
	}
	return frag.Get("access_token")
}

// signInFor is an authorize request of client for scope with approval_prompt
// prompt ("" leaves it out, as Zapier's default auto).
func signInFor(client, scope, prompt string) url.Values {
	v := authorizeQuery(scope, "st-"+prompt)
	v.Set("client_id", client)
	if prompt != "" {
		v.Set("approval_prompt", prompt)
	}
	return v
}

func TestAskHonoursApprovalPromptAsZapierDoes(t *testing.T) {
	const lifetime = time.Hour
	tests := []struct {
		name      string
		signedIn  url.Values    // approved on the consent page first; nil: never signed in
		later     time.Duration // how long after that the next request comes
		next      url.Values
		wantAsked bool
	}{
		{"auto with a live token for the same scopes redirects at once",
			signInFor(ClientID, "profile zap", "auto"), 0, signInFor(ClientID, "profile zap", "auto"), false},
		{"approval_prompt left out counts as auto",
			signInFor(ClientID, "profile zap", "auto"), 0, signInFor(ClientID, "profile zap", ""), false},
		{"the same scopes in another order are the same scopes",
			signInFor(ClientID, "profile zap", "auto"), 0, signInFor(ClientID, "zap profile", "auto"), false},
		{"auto until the last second of the token's life redirects at once",
			signInFor(ClientID, "profile zap", "auto"), lifetime - time.Second, signInFor(ClientID, "profile zap", "auto"), false},
		{"auto without ever signing in asks",
			nil, 0, signInFor(ClientID, "profile zap", "auto"), true},
		{"auto with a live token for fewer scopes asks",
			signInFor(ClientID, "profile", "auto"), 0, signInFor(ClientID, "profile zap", "auto"), true},
		{"auto with a live token for more scopes asks",
			signInFor(ClientID, "profile zap zap:runs", "auto"), 0, signInFor(ClientID, "profile zap", "auto"), true},
		{"auto with a live token of another client asks",
			signInFor(otherClient, "profile zap", "auto"), 0, signInFor(ClientID, "profile zap", "auto"), true},
		{"auto once the token has expired asks",
			signInFor(ClientID, "profile zap", "auto"), lifetime, signInFor(ClientID, "profile zap", "auto"), true},
		{"force with a live token for the same scopes asks",
			signInFor(ClientID, "profile zap", "auto"), 0, signInFor(ClientID, "profile zap", "force"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			s := start(t, Options{Approve: ApproveAsk, ExpiresIn: lifetime, Now: clock.Now,
				Clients: map[string][]string{otherClient: {RedirectURI}}})
			if tt.signedIn != nil {
				approveOnConsentPage(t, s, tt.signedIn)
			}
			clock.Advance(tt.later)
			before := s.Authorizations()

			resp, body := authorize(t, s, tt.next)
			if tt.wantAsked {
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="approve"`) {
					t.Fatalf("status %d, redirected: %t; want the consent page", resp.StatusCode, resp.Header.Get("Location") != "")
				}
				if s.Authorizations() != before {
					t.Error("a token was issued without asking")
				}
				return
			}
			if resp.StatusCode != http.StatusFound {
				t.Fatalf("status %d: want a redirect at once, without the consent page", resp.StatusCode)
			}
			_, frag := redirectParams(t, resp.Header.Get("Location"))
			if frag.Get("access_token") == "" || frag.Get("state") != tt.next.Get("state") {
				t.Errorf("redirect fragment %v: want a new token and the state sent", frag)
			}
			if _, err := s.verifyToken(frag.Get("access_token")); err != nil {
				t.Errorf("the token does not verify: %v", err)
			}
		})
	}
}

func TestTheApprovalIsRememberedAcrossARestartWithoutKeepingTheToken(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "sandbox.key")
	first := start(t, Options{KeyFile: keyFile})
	token := approveOnConsentPage(t, first, signInFor(ClientID, "profile zap", "auto"))
	first.Close()

	again := start(t, Options{KeyFile: keyFile})
	if resp, _ := authorize(t, again, signInFor(ClientID, "profile zap", "auto")); resp.StatusCode != http.StatusFound {
		t.Errorf("after a restart, auto with a live token: status %d, want 302 at once", resp.StatusCode)
	}

	path := consentPath(keyFile)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, info.Mode().Perm())
	}
	saved, _ := os.ReadFile(path)
	body, sig, _ := strings.Cut(token, ".")
	for _, part := range []string{token, body, sig, body[len(tokenPrefix):]} {
		if strings.Contains(string(saved), part) {
			t.Fatalf("the consent file holds the token or a part of it:\n%s", saved)
		}
	}
	if strings.Contains(string(saved), ClientID) || strings.Contains(string(saved), "profile") {
		t.Errorf("the consent file names the client or its scopes instead of a hash:\n%s", saved)
	}
}

func TestADamagedConsentFileMeansAskingAgain(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "sandbox.key")
	s := start(t, Options{KeyFile: keyFile})
	approveOnConsentPage(t, s, signInFor(ClientID, "profile zap", "auto"))
	if err := os.WriteFile(consentPath(keyFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if resp, _ := authorize(t, s, signInFor(ClientID, "profile zap", "auto")); resp.StatusCode != http.StatusOK {
		t.Errorf("with a damaged consent file: status %d, want the consent page", resp.StatusCode)
	}
	// Approving again rewrites the file, and auto works again.
	approveOnConsentPage(t, s, signInFor(ClientID, "profile zap", "auto"))
	if resp, _ := authorize(t, s, signInFor(ClientID, "profile zap", "auto")); resp.StatusCode != http.StatusFound {
		t.Errorf("after approving again: status %d, want 302", resp.StatusCode)
	}
}
