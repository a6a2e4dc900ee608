package signin_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/oauth/oauthtest"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
)

// The hostile-redirect corpus is shared with internal/oauth; see the header
// of the file for its format. Here every entry goes through a whole sign-in:
// Service.SignIn with a window that hands back the entry's address, and the
// paste method with the address pasted. Nothing may be stored.

const corpusFile = "../oauth/testdata/redirects.txt"

func readCorpus(t *testing.T) []oauthtest.Entry {
	t.Helper()
	entries, err := oauthtest.Load(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func corpusFill(template, state, other, replay string) string {
	return oauthtest.Fill(template, sandbox.RedirectURI, state, other, replay)
}

// family groups the categories whose operator message is the same on
// purpose: every state problem reads "did not belong to this sign-in".
func family(category string) string {
	if strings.HasPrefix(category, "state-") {
		return "state"
	}
	return category
}

func categoryOf(err error) string {
	var pe *oauth.ProviderError
	switch {
	case err == nil:
		return "accepted"
	case errors.Is(err, oauth.ErrStateMissing):
		return "state-missing"
	case errors.Is(err, oauth.ErrStateMismatch):
		return "state-mismatch"
	case errors.Is(err, oauth.ErrStateUsed):
		return "state-used"
	case errors.Is(err, oauth.ErrDeclined):
		return "declined"
	case errors.As(err, &pe):
		return "provider"
	case errors.Is(err, oauth.ErrNoToken):
		return "no-token"
	case errors.Is(err, oauth.ErrTokenType):
		return "token-type"
	case errors.Is(err, oauth.ErrMalformed):
		return "malformed"
	case errors.Is(err, signin.ErrNotTheRedirect):
		return "not-redirect"
	}
	return "other: " + err.Error()
}

// stateOf returns the state an authorize URL carries.
func stateOf(t *testing.T, authorizeURL string) string {
	t.Helper()
	u, err := url.Parse(authorizeURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("state")
}

func TestEveryHostileRedirectIsRefusedAndNothingIsStored(t *testing.T) {
	entries := readCorpus(t)

	// {replay}: the address a real, successful sign-in received, taken from
	// another computer's run (another fixture).
	donor := signin.NewFixture(t, sandbox.ApproveAuto)
	var replay, other string
	donor.Service().Window = func(ctx context.Context, o window.Options) (string, error) {
		other = stateOf(t, o.AuthorizeURL)
		r, err := signintest.FollowRedirects(ctx, o)
		replay = r
		return r, err
	}
	if _, err := donor.Service().SignIn(context.Background(), "acme", signin.Options{}); err != nil {
		t.Fatalf("the sign-in to replay failed: %v", err)
	}

	f := signin.NewFixture(t, sandbox.ApproveAuto)
	var current oauthtest.Entry
	f.Service().Window = func(_ context.Context, o window.Options) (string, error) {
		state := stateOf(t, o.AuthorizeURL)
		raw := corpusFill(current.Template, state, other, replay)
		other = state // the next entry's "another attempt"
		return raw, nil
	}
	matcher, err := oauth.NewMatcher(sandbox.RedirectURI)
	if err != nil {
		t.Fatal(err)
	}

	words := map[string]map[string]bool{} // family -> operator messages
	counts := map[string]int{}
	rejected, viaSignIn, viaMatcher := 0, 0, 0
	for _, e := range entries {
		current = e
		name := fmt.Sprintf("line %d (%s)", e.Line, e.Category)
		if e.Category == "not-redirect" {
			// The window never hands these back: its matcher lets the page
			// load them instead (internal/signinwindow's decide-policy).
			if raw := corpusFill(e.Template, "S", other, replay); matcher.Match(raw) {
				t.Errorf("%s: the window would catch %q as the redirect", name, raw)
				continue
			}
			rejected++
			viaMatcher++
			counts[e.Category]++
			continue
		}

		_, err := f.Service().SignIn(context.Background(), "acme", signin.Options{})
		got := categoryOf(err)
		if got != e.Category {
			t.Errorf("%s: SignIn gave %s (%v)", name, got, err)
			continue
		}
		if n := f.Secrets(); n != 0 {
			t.Fatalf("%s: the vault holds %d token(s) after a refused sign-in", name, n)
		}
		if p := f.Saved(t); p.Token.SignedIn || p.Token.ObtainedAt != nil {
			t.Fatalf("%s: the profile was marked signed in: %+v", name, p.Token)
		}
		msg := explain.Message(err)
		if strings.Contains(msg, oauthtest.Token) || strings.Contains(err.Error(), oauthtest.Token) {
			t.Errorf("%s: the message repeats the token: %s", name, msg)
		}
		if !strings.Contains(msg, "nothing was saved") && !strings.Contains(msg, "Nothing was saved") {
			t.Errorf("%s: the message does not say nothing was saved: %s", name, msg)
		}
		fam := family(got)
		if words[fam] == nil {
			words[fam] = map[string]bool{}
		}
		words[fam][msg] = true
		rejected++
		viaSignIn++
		counts[e.Category]++
	}

	// The operator can tell a state problem from a declined approval from an
	// unusable answer: no message is shared across families.
	owner := map[string]string{}
	for fam, msgs := range words {
		for m := range msgs {
			if o, ok := owner[m]; ok && o != fam {
				t.Errorf("%s and %s read the same: %s", o, fam, m)
			}
			owner[m] = fam
		}
	}
	if b, err := os.ReadFile(f.StorePath()); err != nil || strings.Contains(string(b), oauthtest.Token) {
		t.Errorf("profiles.json holds the corpus token (or cannot be read: %v)", err)
	}

	var summary []string
	for c, n := range counts {
		summary = append(summary, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(summary)
	t.Logf("redirect corpus: %d of %d rejected, 0 stored (%d through SignIn, %d never caught by the window's matcher; %s)",
		rejected, len(entries), viaSignIn, viaMatcher, strings.Join(summary, ", "))
}

func TestEveryHostileAddressPastedIsRefusedAndNothingIsStored(t *testing.T) {
	entries := readCorpus(t)
	f := signin.NewFixture(t, sandbox.ApproveAuto)
	f.Service().Browser = func(string) error { return nil }
	other, _ := oauth.NewState()
	prev := other.String()
	rejected, tried := 0, 0
	for _, e := range entries {
		switch {
		case e.Template == "{replay}":
			continue // needs a whole earlier sign-in; covered above
		case strings.HasPrefix(e.Template, "{sp}"):
			continue // pasted text is trimmed: it is then the genuine redirect
		}
		tried++
		attempt, err := f.Service().BeginPaste("acme", false)
		if err != nil {
			t.Fatal(err)
		}
		state := stateOf(t, attempt.AuthorizeURL())
		raw := corpusFill(e.Template, state, prev, "")
		prev = state
		_, err = attempt.Complete(context.Background(), raw)
		got := categoryOf(err)
		want := e.Category
		if got != want {
			t.Errorf("line %d: pasted, it gave %s (%v), want %s", e.Line, got, err, want)
			continue
		}
		if f.Secrets() != 0 || f.Saved(t).Token.SignedIn {
			t.Fatalf("line %d: a refused paste stored something", e.Line)
		}
		rejected++
	}
	t.Logf("redirect corpus, pasted: %d of %d rejected, 0 stored", rejected, tried)
}
