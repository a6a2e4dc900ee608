package explain

import (
	"context"
	"errors"
	"net/http"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// Kind sorts an error by what the operator can do about it. It is the one
// classification of errors: the command line's exit codes
// (cli.ExitCode) and the kinds the app's page switches on (the resource
// browser's banners) are both read from it.
type Kind string

const (
	KindUsage        Kind = "usage"         // an unknown, ambiguous or duplicate profile, or settings to fix
	KindDeclined     Kind = "declined"      // the operator declined, or closed the sign-in window
	KindNotSignedIn  Kind = "token-invalid" // no token, or one Zapier no longer accepts
	KindKeychain     Kind = "keychain"      // the keychain is missing, locked or does not answer
	KindTimeout      Kind = "timeout"       // the sign-in page never sent the operator back
	KindStopped      Kind = "cancelled"     // the work was stopped before it finished
	KindMissingScope Kind = "missing-scope" // the token lacks a scope (ScopeOf names it)
	KindRateLimited  Kind = "rate-limited"  // Zapier asked to slow down
	KindOffline      Kind = "offline"       // Zapier could not be reached
	KindServer       Kind = "server"        // Zapier's API kept failing
	KindOther        Kind = "other"
)

// Classify sorts err; "" for nil.
func Classify(err error) Kind {
	var (
		unavailable *vault.UnavailableError
		slow        *vault.TimeoutError
		apiErr      *partnerapi.APIError
		scopeErr    *partnerapi.ScopeError
		netErr      *partnerapi.NetworkError
		gaveUp      *partnerapi.GaveUpError
		tokenErr    *oauth.TokenError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, credential.ErrSignedOut):
		// Before the token endpoint's errors: a refused refresh token
		// (invalid_grant) means signed out, whatever else it wraps.
		return KindNotSignedIn
	case errors.Is(err, profiles.ErrUnknown), errors.Is(err, profiles.ErrAmbiguous),
		errors.Is(err, profiles.ErrExists), errors.Is(err, profiles.ErrInvalid),
		errors.Is(err, oauth.ErrNoClientSecret), errors.Is(err, signin.ErrNotCodeGrant):
		// A code-grant profile without its client secret is settings to
		// complete: `profile add NAME --update --client-secret-stdin`.
		return KindUsage
	case errors.Is(err, oauth.ErrDeclined), errors.Is(err, window.ErrCancelled):
		return KindDeclined
	case errors.Is(err, vault.ErrNotFound), errors.Is(err, partnerapi.ErrTokenRejected), errors.Is(err, partnerapi.ErrNeedsToken):
		return KindNotSignedIn
	case errors.As(err, &unavailable), errors.As(err, &slow):
		// A keychain that does not answer is, for the operator, one to unlock
		// or fix: the same advice as an absent one.
		return KindKeychain
	case errors.Is(err, window.ErrTimeout):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindStopped
	case errors.As(err, &scopeErr), errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden && apiErr.Scope != "":
		return KindMissingScope
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusTooManyRequests:
		return KindRateLimited
	case errors.As(err, &netErr), errors.As(err, &tokenErr) && tokenErr.Kind == oauth.TokenUnreachable:
		return KindOffline
	case errors.As(err, &gaveUp), errors.As(err, &apiErr) && apiErr.Status >= 500,
		errors.As(err, &tokenErr) && tokenErr.Kind == oauth.TokenServerTrouble:
		return KindServer
	}
	return KindOther
}

// ScopeOf names the scope a KindMissingScope error lacks; "" otherwise.
func ScopeOf(err error) string {
	var (
		scopeErr *partnerapi.ScopeError
		apiErr   *partnerapi.APIError
	)
	switch {
	case errors.As(err, &scopeErr):
		return scopeErr.Scope
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden:
		return apiErr.Scope
	}
	return ""
}
