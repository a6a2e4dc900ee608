package oauth

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// The corpus of hostile redirects lives in testdata/redirects.txt, one
// address a line with the category of error it must give; see the file's
// header. internal/signin/corpus_test.go runs the same file through a whole
// sign-in.

const corpusFile = "testdata/redirects.txt"

// corpusToken is the well-formed token the corpus's addresses carry.
const corpusToken = "Ct7Qw2Er9Ty4Ui8Op3As6Df1Gh5Jk0Lz2Xc4Vb6N"

type corpusEntry struct {
	line     int
	category string
	template string
}

func readCorpus(t *testing.T) []corpusEntry {
	t.Helper()
	f, err := os.Open(corpusFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		category, template, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("%s:%d: no address after the category", corpusFile, n)
		}
		out = append(out, corpusEntry{line: n, category: category, template: strings.TrimSpace(template)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// corpusFill replaces the placeholders of a corpus line.
func corpusFill(template, state, other, replay string) string {
	r := strings.NewReplacer(
		"{cb}", "https://partner.invalid/oauth/callback",
		"{state-short}", state[:len(state)-1],
		"{state-upper}", strings.ToUpper(state),
		"{state}", state,
		"{other}", other,
		"{replay}", replay,
		"{token}", corpusToken,
		"{huge}", strings.Repeat("h", 5000),
		"{long}", "pad="+strings.Repeat("p", 33000),
		"{many}", strings.TrimSuffix(strings.Repeat("a=1&", 1000), "&"),
		"{sp}", " ",
	)
	return r.Replace(template)
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
	replay := "https://partner.invalid/oauth/callback#access_token=" + corpusToken + "&token_type=Bearer&state=" + earlier.String()
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
		raw := corpusFill(e.template, state.String(), other, replay)
		other = state.String()
		name := fmt.Sprintf("line %d %s", e.line, e.category)

		if e.category == "not-redirect" {
			if matcher.Match(raw) {
				t.Errorf("%s: the matcher takes %q for the registered redirect_uri", name, raw)
				continue
			}
			rejected++
			counts[e.category]++
			continue
		}
		if !matcher.Match(raw) {
			t.Errorf("%s: the corpus address is not on the registered redirect_uri, so it tests nothing beyond the matcher: %.120q", name, raw)
		}
		tok, err := ParseRedirect(raw, state, []string{"zap"})
		got := corpusCategory(err)
		if got != e.category {
			t.Errorf("%s: got %s (%v), want %s, for %.200q", name, got, err, e.category, raw)
			continue
		}
		if tok.AccessToken != "" {
			t.Errorf("%s: an error came with a token", name)
		}
		msg := err.Error()
		if strings.Contains(msg, corpusToken) || strings.Contains(msg, state.String()) {
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
		counts[e.category]++
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
