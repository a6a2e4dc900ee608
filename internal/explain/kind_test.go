package explain

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"partnerdesk/internal/credential"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

func TestClassifySortsEachErrorByWhatTheOperatorCanDo(t *testing.T) {
	for _, c := range []struct {
		err  error
		want Kind
	}{
		{nil, ""},
		{fmt.Errorf("find: %w", profiles.ErrUnknown), KindUsage},
		{profiles.ErrInvalid, KindUsage},
		{oauth.ErrDeclined, KindDeclined},
		{fmt.Errorf("window: %w", window.ErrCancelled), KindDeclined},
		{vault.ErrNotFound, KindNotSignedIn},
		{partnerapi.ErrTokenRejected, KindNotSignedIn},
		{partnerapi.ErrNeedsToken, KindNotSignedIn},
		{&vault.UnavailableError{Reason: "no bus"}, KindKeychain},
		{&vault.TimeoutError{}, KindKeychain},
		{window.ErrTimeout, KindTimeout},
		{context.Canceled, KindStopped},
		{&partnerapi.ScopeError{Scope: "zap"}, KindMissingScope},
		{&partnerapi.APIError{Status: 403, Scope: "zap:runs"}, KindMissingScope},
		{&partnerapi.APIError{Status: 403}, KindOther},
		{&partnerapi.APIError{Status: 429}, KindRateLimited},
		{&partnerapi.NetworkError{Host: "api.zapier.com", Err: errors.New("reset")}, KindOffline},
		{&partnerapi.APIError{Status: 502}, KindServer},
		{&credential.SignedOutError{Profile: "acme", Reason: credential.RefreshRefused,
			Err: &oauth.TokenError{Op: "refresh", Kind: oauth.TokenRefused, Code: "invalid_grant"}}, KindNotSignedIn},
		{&credential.SignedOutError{Profile: "acme", Reason: credential.Expired}, KindNotSignedIn},
		{&signin.NoClientSecretError{Profile: "acme"}, KindUsage},
		{signin.ErrNotCodeGrant, KindUsage},
		{&oauth.TokenError{Op: "refresh", Kind: oauth.TokenUnreachable}, KindOffline},
		{&oauth.TokenError{Op: "refresh", Kind: oauth.TokenServerTrouble, Status: 503}, KindServer},
		{&oauth.TokenError{Op: "exchange", Kind: oauth.TokenRefused, Code: "invalid_client"}, KindOther},
		{errors.New("something else"), KindOther},
	} {
		if got := Classify(c.err); got != c.want {
			t.Errorf("Classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if got := ScopeOf(&partnerapi.APIError{Status: 403, Scope: "zap:runs"}); got != "zap:runs" {
		t.Errorf("ScopeOf = %q", got)
	}
}

// Every stage a sign-in reports has words, in each method's terms.
func TestEveryStageHasWordsForEachMethod(t *testing.T) {
	for _, st := range []signin.Stage{signin.StageOpening, signin.StageWaiting, signin.StageBrowser,
		signin.StageStoring, signin.StageVerifying, signin.StageKeychain} {
		for _, m := range []Method{InWindow, InBrowser} {
			if Stage(st, m) == "" {
				t.Errorf("stage %q has no words for the %s", st, m)
			}
		}
	}
	if w := Stage(signin.StageWaiting, InBrowser); w == Stage(signin.StageWaiting, InWindow) {
		t.Errorf("the browser method waits with the window's words: %q", w)
	}
}
