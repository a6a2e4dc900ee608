package signin

import (
	"testing"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
)

// For the tests of package signin_test, which read the operator's words
// through internal/explain (which imports signin, so package signin's own
// tests cannot).

// Fixture is a service over a temp profiles file, an in-memory vault and a
// real sandbox (newFixture).
type Fixture struct{ f *fixture }

func NewFixture(t *testing.T, mode sandbox.Approve) Fixture { return Fixture{newFixture(t, mode)} }

// NewBrowserFixture is a Fixture whose one profile signs in at the
// loopback redirect (browserFixture).
func NewBrowserFixture(t *testing.T, redirect string) Fixture {
	return Fixture{browserFixture(t, redirect)}
}

func (x Fixture) Service() *Service                   { return x.f.svc }
func (x Fixture) Secret(id string) string             { return x.f.vault.secrets[id] }
func (x Fixture) Secrets() int                        { return len(x.f.vault.secrets) }
func (x Fixture) Saved(t *testing.T) profiles.Profile { return x.f.saved(t) }
func (x Fixture) StorePath() string                   { return x.f.store.Path }

// ProviderAnswer is where the provider sends the browser (providerAnswer).
var ProviderAnswer = providerAnswer
