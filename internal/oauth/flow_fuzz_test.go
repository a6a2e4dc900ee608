package oauth

import (
	"errors"
	"testing"
)

func FuzzParseCodeRedirect(f *testing.F) {
	for _, s := range []string{
		cb + "?code=abc123&state=" + fuzzState,
		cb + "?error=access_denied&state=" + fuzzState,
		cb + "#error=access_denied&error_description=no&state=" + fuzzState,
		cb + "#code=abc&state=" + fuzzState,
		cb + "?code=a&code=b&state=" + fuzzState,
		cb + "?code=abc&access_token=x&state=" + fuzzState,
		cb + "?code=abc#state=" + fuzzState,
		cb + "?code=a%20b&state=" + fuzzState,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		st := testState(fuzzState)
		code, err := ParseCodeRedirect(raw, st)
		if st.Check(fuzzState) != ErrStateUsed {
			t.Fatal("ParseCodeRedirect left the state usable")
		}
		if err != nil {
			if code != "" {
				t.Fatalf("an error (%v) came with a code", err)
			}
			var pe *ProviderError
			if errors.As(err, &pe) && errors.Is(err, ErrDeclined) != (pe.Code == "access_denied") {
				t.Fatalf("ErrDeclined match wrong for code %q", pe.Code)
			}
			return
		}
		if code == "" || len(code) > maxCodeLen || !printableNoSpace(code) {
			t.Fatalf("code of length %d that is not printable ASCII without spaces", len(code))
		}
		// A code is accepted only with this attempt's state.
		if other, err := ParseCodeRedirect(raw, testState("another-state")); err == nil {
			t.Fatalf("the same reply gave code %q with another state", other)
		}
	})
}
