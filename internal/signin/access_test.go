package signin

import (
	"testing"
	"time"

	"partnerdesk/internal/profiles"
)

func TestAccessFollowsTheProfilesTokenState(t *testing.T) {
	now := time.Now()
	p := profiles.Profile{ClientID: "c", Token: profiles.TokenMeta{SignedIn: true, Scopes: []string{"zap"}}}
	if a := Access(p, now); !a.Token || a.ClientID != "c" || len(a.Scopes) != 1 {
		t.Errorf("a signed-in profile: %+v", a)
	}
	p.Token.Invalid = true
	if a := Access(p, now); a.Token {
		t.Error("a rejected token counts as usable")
	}
	p.Token.Invalid = false
	past := now.Add(-time.Minute)
	p.Token.ExpiresAt = &past
	if a := Access(p, now); a.Token {
		t.Error("an expired token counts as usable")
	}
}
