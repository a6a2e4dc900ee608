package renewal

import (
	"testing"
	"time"

	"partnerdesk/internal/profiles"
)

func signedIn(id string, obtained, expires time.Time) profiles.Profile {
	return profiles.Profile{ID: id, Name: id, Token: profiles.TokenMeta{SignedIn: true, ObtainedAt: &obtained, ExpiresAt: &expires}}
}

func ids(list []profiles.Profile) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.ID)
	}
	return out
}

func TestOnlyTokensAboutToExpireAreDueAndEachOnlyOnce(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	soon := signedIn("soon", now.Add(-9*time.Hour-50*time.Minute), now.Add(10*time.Minute))
	later := signedIn("later", now.Add(-time.Hour), now.Add(9*time.Hour))
	gone := signedIn("gone", now.Add(-11*time.Hour), now.Add(-time.Hour))
	rejected := signedIn("rejected", now.Add(-9*time.Hour), now.Add(5*time.Minute))
	rejected.Token.Invalid = true
	out := profiles.Profile{ID: "out"}
	list := []profiles.Profile{soon, later, gone, rejected, out}

	var p Planner
	if got := ids(p.Expiring(list, now)); len(got) != 1 || got[0] != "soon" {
		t.Fatalf("due = %v, want [soon]", got)
	}
	if got := p.Expiring(list, now.Add(time.Minute)); len(got) != 0 {
		t.Errorf("due again a minute later: %v; one try per expiry", ids(got))
	}
	// A renewed token with a new expiry is a new trigger.
	renewed := signedIn("soon", now, now.Add(20*time.Hour))
	if got := p.Expiring([]profiles.Profile{renewed}, now.Add(20*time.Hour-10*time.Minute)); len(got) != 1 {
		t.Errorf("a new token's expiry was not due: %v", ids(got))
	}
}

func TestARejectedTokenGetsOneSilentTry(t *testing.T) {
	now := time.Now()
	var p Planner
	tok := signedIn("acme", now, now.Add(10*time.Hour))
	if !p.Rejected(tok) {
		t.Fatal("the first rejection got no try")
	}
	if p.Rejected(tok) {
		t.Fatal("the same token got a second try: the app could loop")
	}
	fresh := signedIn("acme", now.Add(time.Minute), now.Add(10*time.Hour))
	if !p.Rejected(fresh) {
		t.Error("a new token that is rejected in turn got no try")
	}
}

func TestTheLeadTimeCanBeChosen(t *testing.T) {
	now := time.Now()
	p := Planner{Lead: time.Hour}
	if got := p.Expiring([]profiles.Profile{signedIn("a", now, now.Add(50*time.Minute))}, now); len(got) != 1 {
		t.Errorf("a token 50 minutes from expiry is not due with a one-hour lead")
	}
}
