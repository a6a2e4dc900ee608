package partnerapi

import (
	"context"
	"errors"
	"sync"
	"testing"
)

// tokenSource hands out tokens in turn: first from Token, then one per
// Renew, recording what it was asked.
type tokenSource struct {
	mu       sync.Mutex
	tokens   []string
	rejected []string
}

func (s *tokenSource) Token(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tokens) == 0 {
		return "", errors.New("the source was asked for a token")
	}
	return s.tokens[0], nil
}

func (s *tokenSource) Renew(_ context.Context, rejected string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected = append(s.rejected, rejected)
	s.tokens = s.tokens[1:]
	if len(s.tokens) == 0 {
		return "", errors.New("no more tokens")
	}
	return s.tokens[0], nil
}

func TestARejectedTokenFromASourceIsRenewedOnceAndTheRequestSentAgain(t *testing.T) {
	base, token := sandboxToken(t, "profile")
	src := &tokenSource{tokens: []string{token + "x", token}}
	me, err := (&Client{BaseURL: base, Tokens: src}).Me(context.Background())
	if err != nil {
		t.Fatalf("Me = %v, want the account after one renewal", err)
	}
	if me.Email == "" {
		t.Fatalf("Me = %+v", me)
	}
	if len(src.rejected) != 1 || src.rejected[0] != token+"x" {
		t.Fatalf("Renew was asked about %d tokens, want once about the rejected one", len(src.rejected))
	}
}

func TestATokenRejectedAfterItsRenewalIsNotRenewedAgain(t *testing.T) {
	base, token := sandboxToken(t, "profile")
	src := &tokenSource{tokens: []string{token + "x", token + "y", token}}
	_, err := (&Client{BaseURL: base, Tokens: src}).Me(context.Background())
	if !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("Me = %v, want ErrTokenRejected", err)
	}
	if len(src.rejected) != 1 {
		t.Fatalf("Renew was called %d times, want once", len(src.rejected))
	}
}

func TestAFixedTokenIsNeverRenewed(t *testing.T) {
	base, token := sandboxToken(t, "profile")
	// Tokens is nil: the implicit grant's token, which nothing can renew.
	_, err := (&Client{BaseURL: base, Token: token + "x"}).Me(context.Background())
	if !errors.Is(err, ErrTokenRejected) {
		t.Fatalf("Me = %v, want ErrTokenRejected", err)
	}
}

func TestAnEndpointWithoutTokenDoesNotAskTheSource(t *testing.T) {
	base, _ := sandboxToken(t, "profile")
	src := &tokenSource{}
	// /v1/apps takes the client_id, never a token.
	if _, err := (&Client{BaseURL: base, ClientID: "partnerdesk-sandbox", Tokens: src}).Get(context.Background(), "/v1/apps", nil); err != nil {
		t.Fatal(err)
	}
}
