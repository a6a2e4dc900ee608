package main

import (
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/profiles"
)

func TestMaskShowsOnlyTheEnds(t *testing.T) {
	if got := Mask("abcd0123456789wxyz"); got != "abcd…wxyz" {
		t.Errorf("Mask = %q", got)
	}
	if got := Mask("short-token"); strings.Contains(got, "short") || strings.Contains(got, "token") {
		t.Errorf("a short token was not hidden whole: %q", got)
	}
}

func TestAViewNamesTheScopesTheTokenWasNotGranted(t *testing.T) {
	now := time.Now()
	p := profiles.Profile{ID: "p", Name: "Acme", Scopes: []string{"profile", "zap", "zap:runs"},
		Token: profiles.TokenMeta{SignedIn: true, ObtainedAt: &now, Scopes: []string{"profile", "zap"}}}
	v := viewOf(p, now)
	if len(v.MissingScopes) != 1 || v.MissingScopes[0] != "zap:runs" {
		t.Errorf("MissingScopes = %v, want [zap:runs]", v.MissingScopes)
	}
	p.Token = profiles.TokenMeta{}
	if v := viewOf(p, now); len(v.MissingScopes) != 0 {
		t.Errorf("a profile not signed in reports missing scopes: %v", v.MissingScopes)
	}
}
