package signin

import (
	"context"
	"fmt"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
)

// Access is what a profile holds to call the API with, as far as its
// metadata tells, without asking the keychain: its client ID, whether it has
// a token that is neither expired nor known to be rejected, and the scopes
// that token was granted. A code-grant profile's expired token counts: it
// is renewed before use.
func Access(p profiles.Profile, now time.Time) partnerapi.Access {
	a := partnerapi.Access{ClientID: p.ClientID}
	renewable := p.EffectiveGrant() == oauth.GrantCode
	if p.Token.SignedIn && !p.Token.Invalid && (renewable || !p.Token.Expired(now)) {
		a.Token = true
		a.Scopes = p.Token.Scopes
	}
	return a
}

// APIClient returns a client that calls ep for profile p the way the app
// does (see [partnerapi.Endpoint.Check]): with the profile's token, from
// the keychain, when the endpoint takes one and the token fits it, else
// with the profile's client_id. It also returns which credential that is.
// A code-grant profile's client asks for its token before each request,
// so it is renewed when it is about to expire or the API rejects it.
// An endpoint the profile cannot call fails with an error wrapping
// partnerapi.ErrNeedsToken, or a *partnerapi.ScopeError.
func (s *Service) APIClient(ctx context.Context, p profiles.Profile, ep partnerapi.Endpoint) (*partnerapi.Client, partnerapi.Credential, error) {
	sent, err := ep.Check(Access(p, time.Now()))
	if err != nil {
		return nil, sent, err
	}
	_, base, err := s.endpoints(p)
	if err != nil {
		return nil, sent, err
	}
	c := &partnerapi.Client{BaseURL: base, ClientID: p.ClientID, HTTP: s.HTTP}
	if sent == partnerapi.CredentialToken && p.EffectiveGrant() == oauth.GrantCode {
		c.Tokens = s.tokenSource(p)
	} else if sent == partnerapi.CredentialToken {
		token, _, err := s.Token(ctx, p.ID)
		if err != nil {
			return nil, sent, err
		}
		c.Token = token
	}
	return c, sent, nil
}

// MarkRejected records in a profile's metadata that the API rejected its
// token, so that the app and `status --offline` offer to sign in again.
func (s *Service) MarkRejected(profileID string) error {
	_, err := s.updateToken(profileID, func(m *profiles.TokenMeta) {
		m.Invalid = true
		m.LastVerifyOK = false
		m.LastVerifyNote = "Zapier no longer accepts this token."
	})
	if err != nil {
		return fmt.Errorf("mark the token rejected: %w", err)
	}
	return nil
}
