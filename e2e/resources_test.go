//go:build e2e

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// `partnerdesk api` against `partnerdesk sandbox`, as a script would run it.

func TestResourceAPIPaginatesEveryZapAfterLogin(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("auto") // 250 Zaps
	id := o.addProfile("e2e", base, registeredRedirect)
	if r := o.run("login", "--profile", "e2e", "--timeout", "60s"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	r := o.mustRun("api", "/v1/zaps", "--paginate")
	var zaps []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &zaps); err != nil {
		t.Fatalf("api --paginate printed no JSON array: %v\n%.300s", err, r.stdout)
	}
	ids := map[int64]bool{}
	for _, z := range zaps {
		ids[z.ID] = true
	}
	if len(zaps) != 250 || len(ids) != 250 {
		t.Errorf("%d items, %d distinct; want the sandbox's 250 Zaps once each", len(zaps), len(ids))
	}

	// One page, as the API sends it.
	one := o.mustRun("api", "/v1/zaps?limit=7")
	var page struct {
		Count   int               `json:"count"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal([]byte(one.stdout), &page); err != nil || page.Count != 250 || len(page.Objects) != 7 {
		t.Errorf("api /v1/zaps?limit=7: count %d, %d objects (%v)", page.Count, len(page.Objects), err)
	}

	token := keychainSecret(t, id)
	if token == "" {
		t.Fatal("no token in the keychain after login")
	}
	if strings.Contains(r.stdout+r.stderr+one.stdout+one.stderr, token) {
		t.Error("api printed the token")
	}
	if hits := o.leaks(token); len(hits) > 0 {
		t.Errorf("the token was written outside the keychain, in: %v", hits)
	}
}

func TestResourceAPIForAClientIDEndpointWorksWithoutSigningIn(t *testing.T) {
	o := newOperator(t)
	o.addProfile("e2e", o.sandbox("auto"), registeredRedirect)
	r := o.mustRun("api", "/v1/zap-templates", "--paginate")
	var templates []struct {
		ID    int64  `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &templates); err != nil || len(templates) < 100 {
		t.Fatalf("api /v1/zap-templates --paginate: %d templates (%v)\n%.300s", len(templates), err, r.stdout)
	}
	if r := o.run("api", "/v1/zaps"); r.code != 4 {
		t.Errorf("a token endpoint before login: exit %d, want 4\n%s", r.code, r.stderr)
	}
}

func TestResourceAPINamesAScopeTheSignInDidNotGrant(t *testing.T) {
	o := newOperator(t)
	o.addProfile("e2e", o.sandbox("auto"), registeredRedirect) // scopes "profile zap"
	if r := o.run("login", "--profile", "e2e", "--timeout", "60s"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	r := o.run("api", "/v2/zap-runs")
	if r.code == 0 || !strings.Contains(r.stderr, `"zap:runs"`) {
		t.Errorf("api /v2/zap-runs without its scope: exit %d, want non-zero naming \"zap:runs\"\n%s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("a failed call printed to stdout: %q", r.stdout)
	}
}
