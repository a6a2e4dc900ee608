package oauth

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// secret is a realistic 40-character token; no output may ever contain it.
const secret = "Zq8X2mLp4Rt7Vw9Yb3Nc6Hd1Kf5Gj0Ss2Aa4Ee6U"

const cb = "https://partner.invalid/oauth/callback"

func TestParseRedirect(t *testing.T) {
	t.Parallel()
	requested := []string{"zap", "profile"}
	long := strings.Repeat("a", maxTokenLen)
	tests := []struct {
		name      string
		url       string
		want      Token  // checked when wantErr is nil
		wantErr   error  // sentinel for errors.Is
		provider  bool   // a *ProviderError is expected
		wantCode  string // its code
		wantDesc  string
		wantURI   string
		nilState  bool
		requested []string
	}{
		// Successes.
		{
			name: "a real Zapier success in the fragment gives the token",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=36000&scope=zap&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", ExpiresIn: 10 * time.Hour, Scopes: []string{"zap"}},
		},
		{
			name: "a lower-case bearer token type is accepted and kept as received",
			url:  cb + "#access_token=" + secret + "&token_type=bearer&expires_in=36000&scope=zap&state=S",
			want: Token{AccessToken: secret, TokenType: "bearer", ExpiresIn: 10 * time.Hour, Scopes: []string{"zap"}},
		},
		{
			name: "a success without scope is taken to grant the requested scopes",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "scopes separated by %20 are split",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&scope=zap%20profile&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "scopes separated by + are split",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&scope=zap+profile&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "scopes separated by commas are split and repeats dropped",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&scope=zap,profile,%20zap&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "an empty scope means no scope was granted",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&scope=&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{}},
		},
		{
			name: "a query of the redirect_uri's own, without reply parameters, is no part of the reply",
			url:  cb + "?profile=1#access_token=" + secret + "&token_type=Bearer&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "unknown parameters, also repeated ones, are ignored",
			url:  cb + "?profile=1&profile=2#access_token=" + secret + "&token_type=Bearer&state=S&x=1&x=2",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "parameter names are read percent-decoded",
			url:  cb + "#access%5Ftoken=" + secret + "&token%5ftype=Bearer&%73tate=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", Scopes: []string{"zap", "profile"}},
		},
		{
			name: "an expiry of exactly one year is accepted",
			url:  cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=31536000&scope=zap&state=S",
			want: Token{AccessToken: secret, TokenType: "Bearer", ExpiresIn: 365 * 24 * time.Hour, Scopes: []string{"zap"}},
		},
		{
			name: "a token of exactly 4096 bytes is accepted",
			url:  cb + "#access_token=" + long + "&token_type=Bearer&scope=zap&state=S",
			want: Token{AccessToken: long, TokenType: "Bearer", Scopes: []string{"zap"}},
		},
		{
			name:      "no requested scopes and no scope give no scopes",
			url:       cb + "#access_token=" + secret + "&token_type=Bearer&state=S",
			want:      Token{AccessToken: secret, TokenType: "Bearer"},
			requested: []string{},
		},

		// The published example with its typo.
		{
			// The access token value swallows "token_type=Bearer" (no '&'
			// before it) and the example carries no state: it must never
			// yield a token. Without a state the state check fails first.
			name:    "the verbatim published example is refused for its missing state",
			url:     "http://your.redirect.url/#access_token=iuqhw8egojqenduvybtoken_type=Bearer&expires_in=36000&scope=zap",
			wantErr: ErrStateMissing,
		},
		{
			// With the state added, the state passes, but there is no
			// token_type parameter: ErrTokenType, not a token
			// "iuqhw8egojqenduvybtoken_type=Bearer".
			name:    "the verbatim published example with a state has no token type",
			url:     "http://your.redirect.url/#access_token=iuqhw8egojqenduvybtoken_type=Bearer&expires_in=36000&scope=zap&state=S",
			wantErr: ErrTokenType,
		},

		// Provider errors.
		{
			name:     "a denial in the query is the operator declining",
			url:      cb + "?error=access_denied&state=S",
			wantErr:  ErrDeclined,
			provider: true,
			wantCode: "access_denied",
		},
		{
			name:     "an error in the fragment is read",
			url:      cb + "#error=server_error&state=S",
			provider: true,
			wantCode: "server_error",
		},
		{
			name:     "error_description and error_uri are kept",
			url:      cb + "#error=invalid_scope&error_description=Scope+%22foo%22+is+unknown&error_uri=https%3A%2F%2Fzapier.com%2Fhelp&state=S",
			provider: true,
			wantCode: "invalid_scope",
			wantDesc: `Scope "foo" is unknown`,
			wantURI:  "https://zapier.com/help",
		},
		{
			name:     "an error_uri that is not a web address is dropped",
			url:      cb + "?error=invalid_request&error_uri=javascript%3Aalert(1)&state=S",
			provider: true,
			wantCode: "invalid_request",
		},
		{
			name:     "an error wins over a token sent with it",
			url:      cb + "#error=access_denied&access_token=" + secret + "&token_type=Bearer&state=S",
			wantErr:  ErrDeclined,
			provider: true,
			wantCode: "access_denied",
		},
		{
			name:     "an empty error is still an error",
			url:      cb + "?error=&state=S",
			provider: true,
			wantCode: "",
		},

		// The state.
		{name: "a success with the wrong state is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&state=T", wantErr: ErrStateMismatch},
		{name: "a success without state is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer", wantErr: ErrStateMissing},
		{name: "a success with an empty state is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&state=", wantErr: ErrStateMissing},
		{name: "a denial with the wrong state is refused before the denial", url: cb + "?error=access_denied&state=T", wantErr: ErrStateMismatch},
		{name: "a denial without state is refused", url: cb + "?error=access_denied", wantErr: ErrStateMissing},
		{name: "no state object at all is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrStateMismatch, nilState: true},

		// Token type and token.
		{name: "a mac token is refused", url: cb + "#access_token=" + secret + "&token_type=mac&state=S", wantErr: ErrTokenType},
		{name: "a missing token type is refused", url: cb + "#access_token=" + secret + "&state=S", wantErr: ErrTokenType},
		{name: "a token type of Bearer with a space is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer%20&state=S", wantErr: ErrTokenType},
		{name: "a missing access token is refused", url: cb + "#token_type=Bearer&state=S", wantErr: ErrNoToken},
		{name: "an empty access token is refused", url: cb + "#access_token=&token_type=Bearer&state=S", wantErr: ErrNoToken},
		{name: "a reply with only the state has no token", url: cb + "?state=S", wantErr: ErrNoToken},
		{name: "a token longer than 4096 bytes is refused", url: cb + "#access_token=" + long + "a&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token with a NUL byte is refused", url: cb + "#access_token=abc%00def&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token with a line break is refused", url: cb + "#access_token=abc%0Adef&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token with a space is refused", url: cb + "#access_token=abc%20def&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token with a raw plus (a space) is refused", url: cb + "#access_token=abc+def&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token with DEL is refused", url: cb + "#access_token=abc%7Fdef&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token with non-ASCII characters is refused", url: cb + "#access_token=abc%C3%A9&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a scope with a control character is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&scope=zap%01&state=S", wantErr: ErrMalformed},

		// Repeated and conflicting parameters.
		{name: "two access tokens in the fragment are refused", url: cb + "#access_token=" + secret + "&access_token=other&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "the same access token twice in the fragment is refused", url: cb + "#access_token=" + secret + "&access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token in the query conflicting with the fragment is refused", url: cb + "?access_token=evil#access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a state in the query conflicting with the fragment is refused", url: cb + "?state=T#access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "two states are refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&state=S&state=S", wantErr: ErrMalformed},
		{name: "two errors are refused", url: cb + "?error=access_denied&error=server_error&state=S", wantErr: ErrMalformed},
		{name: "a token in the query conflicting with an encoded name in the fragment is refused", url: cb + "?access_token=evil#access%5Ftoken=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},

		// The token only in the fragment; the reply in one part only.
		{name: "a token in the query is refused", url: cb + "?access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token in the query with an error is refused", url: cb + "?error=access_denied&access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a token in the query under an encoded name is refused", url: cb + "?access%5Ftoken=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "the state in the query and the token in the fragment are refused", url: cb + "?state=S#access_token=" + secret + "&token_type=Bearer", wantErr: ErrMalformed},
		{name: "the same state in the query and the fragment is refused", url: cb + "?state=S#state=S&access_token=" + secret + "&token_type=Bearer", wantErr: ErrMalformed},
		{name: "a denial in the query and a token in the fragment are refused", url: cb + "?error=access_denied&state=S#access_token=" + secret + "&token_type=Bearer", wantErr: ErrMalformed},
		{name: "a token type in the query and the token in the fragment are refused", url: cb + "?token_type=Bearer#access_token=" + secret + "&state=S", wantErr: ErrMalformed},
		{name: "a scope in the query and the token in the fragment are refused", url: cb + "?scope=zap#access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "an error description in the fragment and the denial in the query are refused", url: cb + "?error=access_denied&state=S#error_description=no", wantErr: ErrMalformed},

		// expires_in.
		{name: "an expiry that is not a number is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=soon&state=S", wantErr: ErrMalformed},
		{name: "a negative expiry is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=-5&state=S", wantErr: ErrMalformed},
		{name: "an expiry with a plus sign is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=%2B5&state=S", wantErr: ErrMalformed},
		{name: "a zero expiry is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=0&state=S", wantErr: ErrMalformed},
		{name: "a fractional expiry is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=1.5&state=S", wantErr: ErrMalformed},
		{name: "an empty expiry is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=&state=S", wantErr: ErrMalformed},
		{name: "an expiry over one year is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=31536001&state=S", wantErr: ErrMalformed},
		{name: "an expiry that would overflow is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=999999999999&state=S", wantErr: ErrMalformed},
		{name: "a huge expiry is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&expires_in=99999999999999999999999&state=S", wantErr: ErrMalformed},

		// Unreadable addresses.
		{name: "an unparsable address is refused", url: "http://[::1#access_token=x&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a broken %-code in the fragment is refused", url: cb + "#access_token=%zz&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a broken %-code in the query is refused", url: cb + "?x=%G1#access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "semicolons between parameters are refused", url: cb + "#access_token=" + secret + ";token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "a control character in the address is refused", url: cb + "\n#access_token=" + secret + "&token_type=Bearer&state=S", wantErr: ErrMalformed},
		{name: "an address over 32 KiB is refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&state=S&x=" + strings.Repeat("a", maxRedirectLen), wantErr: ErrMalformed},
		{name: "too many parameters are refused", url: cb + "#access_token=" + secret + "&token_type=Bearer&state=S" + strings.Repeat("&", maxParams), wantErr: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := testState("S")
			if tt.nilState {
				st = nil
			}
			req := requested
			if tt.requested != nil {
				req = tt.requested
			}
			got, err := ParseRedirect(tt.url, st, req)

			if tt.wantErr == nil && !tt.provider {
				if err != nil {
					t.Fatalf("error %v, want token", err)
				}
				if got.AccessToken != tt.want.AccessToken || got.TokenType != tt.want.TokenType ||
					got.ExpiresIn != tt.want.ExpiresIn || !reflect.DeepEqual(got.Scopes, tt.want.Scopes) {
					t.Errorf("got token %q type %q expires %v scopes %#v\nwant token %q type %q expires %v scopes %#v",
						got.AccessToken, got.TokenType, got.ExpiresIn, got.Scopes,
						tt.want.AccessToken, tt.want.TokenType, tt.want.ExpiresIn, tt.want.Scopes)
				}
				return
			}
			if err == nil {
				t.Fatalf("got token %q, want an error", got.AccessToken)
			}
			if !reflect.DeepEqual(got, Token{}) {
				t.Errorf("an error came with a non-empty token %q", got.AccessToken)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q, want errors.Is %q", err, tt.wantErr)
			}
			var pe *ProviderError
			isProvider := errors.As(err, &pe)
			if isProvider != tt.provider {
				t.Fatalf("error %q: ProviderError = %v, want %v", err, isProvider, tt.provider)
			}
			if isProvider && (pe.Code != tt.wantCode || pe.Description != tt.wantDesc || pe.URI != tt.wantURI) {
				t.Errorf("ProviderError = %+v, want code %q description %q uri %q", *pe, tt.wantCode, tt.wantDesc, tt.wantURI)
			}
		})
	}
}

func TestParseRedirectConsumesTheStateWhateverTheOutcome(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		cb + "#access_token=" + secret + "&token_type=Bearer&state=S",
		cb + "?error=access_denied&state=S",
		cb + "#access_token=a&access_token=b&state=S",
		"http://[::1#state=S",
		cb + "#state=T",
	} {
		st := testState("S")
		_, _ = ParseRedirect(u, st, nil)
		if err := st.Check("S"); !errors.Is(err, ErrStateUsed) {
			t.Errorf("after ParseRedirect(%q) the state is still usable: %v", u, err)
		}
	}
}

func TestParseRedirectAcceptsAReplyOnlyOnce(t *testing.T) {
	t.Parallel()
	st := testState("S")
	u := cb + "#access_token=" + secret + "&token_type=Bearer&state=S"
	if _, err := ParseRedirect(u, st, nil); err != nil {
		t.Fatal(err)
	}
	if tok, err := ParseRedirect(u, st, nil); !errors.Is(err, ErrStateUsed) || tok.AccessToken != "" {
		t.Errorf("second ParseRedirect = %q, %v; want ErrStateUsed", tok.AccessToken, err)
	}
}

func TestParseRedirectDoesNotShareTheRequestedScopes(t *testing.T) {
	t.Parallel()
	req := []string{"zap", "profile"}
	tok, err := ParseRedirect(cb+"#access_token="+secret+"&token_type=Bearer&state=S", testState("S"), req)
	if err != nil {
		t.Fatal(err)
	}
	tok.Scopes[0] = "changed"
	if req[0] != "zap" {
		t.Error("changing the token's scopes changed the caller's slice")
	}
}

func TestProviderErrorSpeaksToTheOperator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  ProviderError
		want string // the whole message, or a part of it when part is true
		part bool
	}{
		{"access_denied says the operator declined", ProviderError{Code: "access_denied"}, "You declined access on the sign-in page.", false},
		{"invalid_request points at client ID and redirect address", ProviderError{Code: "invalid_request"}, "Check the profile's client ID and redirect address.", true},
		{"unauthorized_client points at the client ID", ProviderError{Code: "unauthorized_client"}, "does not let this client ID sign in", true},
		{"unsupported_response_type says token sign-in was refused", ProviderError{Code: "unsupported_response_type"}, "no longer hands out tokens directly", true},
		{"invalid_scope names the profile's scopes", ProviderError{Code: "invalid_scope", Description: "zap:nope"}, `The provider does not accept the scopes this profile asks for: check the profile's scopes. The provider said: "zap:nope"`, false},
		{"server_error asks to try later", ProviderError{Code: "server_error"}, "Try again later.", true},
		{"temporarily_unavailable asks to wait", ProviderError{Code: "temporarily_unavailable"}, "Try again in a few minutes.", true},
		{"an unknown code shows code and description", ProviderError{Code: "quota_exceeded", Description: "Too many sign-ins"}, `The provider refused the sign-in with the reason "quota_exceeded". The provider said: "Too many sign-ins"`, false},
		{"an empty code says no reason was given", ProviderError{}, "without saying why", true},
		{"control characters become spaces and bidi overrides are dropped", ProviderError{Code: "x\x1b[31m", Description: "a\r\nb\u202Ec\x00d"}, `reason "x [31m". The provider said: "a bc d"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.err.Error()
			if tt.part && !strings.Contains(got, tt.want) || !tt.part && got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProviderErrorCapsALongDescription(t *testing.T) {
	t.Parallel()
	e := ProviderError{Code: "server_error", Description: strings.Repeat("é", 5000)}
	msg := e.Error()
	if n := strings.Count(msg, "é"); n != maxDescription {
		t.Errorf("message shows %d characters of the description, want %d", n, maxDescription)
	}
	if !strings.Contains(msg, "…") {
		t.Error("a cut description is not marked with an ellipsis")
	}
}

func TestOnlyAccessDeniedMatchesErrDeclined(t *testing.T) {
	t.Parallel()
	if !errors.Is(&ProviderError{Code: "access_denied"}, ErrDeclined) {
		t.Error("access_denied does not match ErrDeclined")
	}
	if errors.Is(&ProviderError{Code: "server_error"}, ErrDeclined) {
		t.Error("server_error matches ErrDeclined")
	}
}
