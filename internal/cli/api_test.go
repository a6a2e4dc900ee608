package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"partnerdesk/internal/sandbox"
)

func TestAPIPaginatePrintsEveryItemOfEveryPageAsOneArray(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	if code := h.run("login"); code != 0 {
		t.Fatalf("login: exit %d: %s", code, h.errOut)
	}
	token := h.token(t)
	if code := h.run("api", "/v1/zaps", "--paginate"); code != 0 {
		t.Fatalf("api --paginate: exit %d: %s", code, h.errOut)
	}
	var zaps []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(h.out.Bytes(), &zaps); err != nil {
		t.Fatalf("not a JSON array: %v\n%.300s", err, h.out)
	}
	ids := map[int64]bool{}
	for _, z := range zaps {
		ids[z.ID] = true
	}
	if len(zaps) != sandbox.DefaultZaps || len(ids) != sandbox.DefaultZaps {
		t.Errorf("%d items, %d distinct; want %d", len(zaps), len(ids), sandbox.DefaultZaps)
	}
	if !strings.HasPrefix(h.out.String(), "[\n  {\n    \"id\"") {
		t.Errorf("the output is not indented like gh api's:\n%.80s", h.out)
	}
	if strings.Contains(h.out.String()+h.errOut.String(), token) {
		t.Error("the token was printed")
	}
}

func TestAPIWithoutPaginatePrintsTheOneDocument(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	h.run("login")
	if code := h.run("api", "v1/zaps?limit=3"); code != 0 {
		t.Fatalf("exit %d: %s", code, h.errOut)
	}
	var page struct {
		Count   int               `json:"count"`
		Next    string            `json:"next"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(h.out.Bytes(), &page); err != nil || page.Count != sandbox.DefaultZaps || len(page.Objects) != 3 || page.Next == "" {
		t.Errorf("got %+v (%v)", page, err)
	}
}

func TestAPIForAClientIDEndpointNeedsNoSignIn(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	for _, path := range []string{"/v1/apps", "/v1/zap-templates", "/v2/apps", "/v1/categories"} {
		if code := h.run("api", path, "--paginate"); code != 0 {
			t.Errorf("%s: exit %d: %s", path, code, h.errOut)
			continue
		}
		var items []json.RawMessage
		if err := json.Unmarshal(h.out.Bytes(), &items); err != nil || len(items) < 20 {
			t.Errorf("%s: %d items (%v)", path, len(items), err)
		}
	}
}

func TestAPIExitCodesFollowTheContract(t *testing.T) {
	cases := []struct {
		name     string
		login    bool
		args     []string
		want     int
		wantText string
	}{
		{"a token endpoint before sign-in exits 4", false, []string{"api", "/v1/zaps"}, ExitNotSignedIn, "Sign in"},
		{"a scope the sign-in did not grant exits 1 naming it", true, []string{"api", "/v2/zap-runs"}, ExitError, `"zap:runs"`},
		{"a missing required parameter is a usage error naming it", true, []string{"api", "/v2/actions", "--paginate"}, ExitUsage, `"app"`},
		{"no path is a usage error", false, []string{"api"}, ExitUsage, "API path"},
		{"a full URL is a usage error", false, []string{"api", "https://api.zapier.com/v1/zaps"}, ExitUsage, "path only"},
		{"an unknown path exits 1 with the API's word", true, []string{"api", "/v1/nothing-here"}, ExitError, "/v1/nothing-here"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, sandbox.ApproveAuto)
			h.addProfile(t, "acme")
			if c.login {
				h.run("login")
			}
			if got := h.run(c.args...); got != c.want || !strings.Contains(h.errOut.String(), c.wantText) {
				t.Errorf("partnerdesk %v: exit %d, want %d; stderr %q should say %q", c.args, got, c.want, h.errOut, c.wantText)
			}
		})
	}
}

func TestAPIWithARejectedTokenExits4AndMarksTheProfile(t *testing.T) {
	h := newHarness(t, sandbox.ApproveAuto)
	h.addProfile(t, "acme")
	h.run("login")
	f, _ := h.env.Profiles.Load()
	id := f.Profiles[0].ID
	if err := h.env.Vault.Set(context.Background(), id, "sbx_not-a-real-token"); err != nil {
		t.Fatal(err)
	}
	if code := h.run("api", "/v1/zaps"); code != ExitNotSignedIn || !strings.Contains(h.errOut.String(), "no longer accepts") {
		t.Errorf("exit %d, stderr %q; want 4 saying the token is no longer accepted", code, h.errOut)
	}
	f, _ = h.env.Profiles.Load()
	if p := f.Profiles[0]; !p.Token.Invalid {
		t.Error("the profile's token is not marked invalid")
	}
	// With the token known to be bad, an endpoint that takes either goes by client_id.
	if code := h.run("api", "/v2/apps"); code != 0 {
		t.Errorf("v2/apps with a rejected token: exit %d: %s", code, h.errOut)
	}
}

// token returns the signed-in profile's token, as `partnerdesk token` prints it.
func (h *harness) token(t *testing.T) string {
	t.Helper()
	if code := h.run("token"); code != 0 {
		t.Fatalf("token: exit %d", code)
	}
	return strings.TrimSpace(h.out.String())
}
