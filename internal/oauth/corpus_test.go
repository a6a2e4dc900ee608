package oauth

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"partnerdesk/internal/oauth/oauthtest"
)

// The corpus of hostile redirects lives in testdata/redirects.txt, one
// address a line with the category of error it must give; see the file's
// header. internal/signin/corpus_test.go runs the same file through a whole
// sign-in.

const corpusFile = "testdata/redirects.txt"

func readCorpus(t *testing.T) []oauthtest.Entry {
	t.Helper()
	entries, err := oauthtest.Load(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func corpusFill(template, state, other, replay string) string {
	return oauthtest.Fill(template, "https://partner.invalid/oauth/callback", state, other, replay)
}

// corpusCategory names the kind of refusal err is, as the corpus does.
func corpusCategory(err error) string {
	var pe *ProviderError
	switch {
	case err == nil:
		return "accepted"
	case errors.Is(err, ErrStateMissing):
		return "state-missing"
	case errors.Is(err, ErrStateMismatch):
		return "state-mismatch"
	case errors.Is(err, ErrStateUsed):
		return "state-used"
	case errors.Is(err, ErrDeclined):
		return "declined"
	case errors.As(err, &pe):
		return "provider"
	case errors.Is(err, ErrNoToken):
		return "no-token"
	case errors.Is(err, ErrTokenType):
		return "token-type"
	case errors.Is(err, ErrMalformed):
		return "malformed"
	}
	return "other: " + err.Error()
}

func TestTheRedirectCorpusIsRefusedEntryByEntry(t *testing.T) {
	t.Parallel()
	entries := readCorpus(t)
	if len(entries) < 50 {
		t.Fatalf("the corpus has %d entries; keep at least 50", len(entries))
	}
	matcher, err := NewMatcher("https://partner.invalid/oauth/callback")
	if err != nil {
		t.Fatal(err)
	}

	// {replay}: the whole address an earlier attempt accepted.
	earlier, _ := NewState()
	replay := "https://partner.invalid/oauth/callback#access_token=" + oauthtest.Token + "&token_type=Bearer&state=" + earlier.String()
	if _, err := ParseRedirect(replay, earlier, nil); err != nil {
		t.Fatalf("the address to replay was refused the first time: %v", err)
	}
	other := earlier.String()

	messages := map[string]map[string]bool{} // category -> the messages it gave
	counts := map[string]int{}
	rejected := 0
	for _, e := range entries {
		state, err := NewState()
		if err != nil {
			t.Fatal(err)
		}
		raw := corpusFill(e.Template, state.String(), other, replay)
		other = state.String()
		name := fmt.Sprintf("line %d %s", e.Line, e.Category)

		if e.Category == "not-redirect" {
			if matcher.Match(raw) {
				t.Errorf("%s: the matcher takes %q for the registered redirect_uri", name, raw)
				continue
			}
			rejected++
			counts[e.Category]++
			continue
		}
		if !matcher.Match(raw) {
			t.Errorf("%s: the corpus address is not on the registered redirect_uri, so it tests nothing beyond the matcher: %.120q", name, raw)
		}
		tok, err := ParseRedirect(raw, state, []string{"zap"})
		got := corpusCategory(err)
		if got != e.Category {
			t.Errorf("%s: got %s (%v), want %s, for %.200q", name, got, err, e.Category, raw)
			continue
		}
		if tok.AccessToken != "" {
			t.Errorf("%s: an error came with a token", name)
		}
		msg := err.Error()
		if strings.Contains(msg, oauthtest.Token) || strings.Contains(msg, state.String()) {
			t.Errorf("%s: the message repeats the token or the state: %s", name, msg)
		}
		if state.Check(state.String()) != ErrStateUsed {
			t.Errorf("%s: the state can be used again after a refused reply", name)
		}
		if messages[got] == nil {
			messages[got] = map[string]bool{}
		}
		messages[got][msg] = true
		rejected++
		counts[e.Category]++
	}

	// Each category speaks in its own words: no message is shared by two.
	owner := map[string]string{}
	for category, msgs := range messages {
		for m := range msgs {
			if o, ok := owner[m]; ok && o != category {
				t.Errorf("categories %s and %s give the same message: %s", o, category, m)
			}
			owner[m] = category
		}
	}

	var summary []string
	for c, n := range counts {
		summary = append(summary, fmt.Sprintf("%s %d", c, n))
	}
	sort.Strings(summary)
	t.Logf("redirect corpus (parser and matcher): %d of %d rejected, each in its category (%s)",
		rejected, len(entries), strings.Join(summary, ", "))
}
