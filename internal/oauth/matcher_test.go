package oauth

import (
	"strings"
	"testing"
)

func TestMatcher(t *testing.T) {
	t.Parallel()
	const reg = "https://partner.invalid/oauth/callback"
	tests := []struct {
		name       string
		registered string // reg when empty
		target     string
		want       bool
	}{
		// Matches.
		{name: "the exact address with a token in the fragment matches", target: reg + "#access_token=tok&state=S", want: true},
		{name: "the exact address with a denial in the query matches", target: reg + "?error=access_denied&state=S", want: true},
		{name: "the bare address matches", target: reg, want: true},
		{name: "scheme and host in another case match", target: "HTTPS://Partner.INVALID/oauth/callback#x", want: true},
		{name: "the default port written out matches", target: "https://partner.invalid:443/oauth/callback", want: true},
		{name: "the default port with leading zeros matches", target: "https://partner.invalid:0443/oauth/callback", want: true},
		{name: "an empty port means the default and matches", target: "https://partner.invalid:/oauth/callback", want: true},
		{name: "a %-coded unreserved letter in the path matches", target: "https://partner.invalid/oauth/%63allback", want: true},
		{name: "a %-coded unreserved letter in lower-case hex matches", target: "https://partner.invalid/%6fauth/callback", want: true},
		{name: "a query holding a fragment-like text still matches", target: reg + "?next=%23x#y", want: true},

		// Scheme, host and port.
		{name: "plain http does not match https", target: "http://partner.invalid/oauth/callback"},
		{name: "ftp does not match", target: "ftp://partner.invalid/oauth/callback"},
		{name: "a websocket scheme does not match", target: "wss://partner.invalid/oauth/callback"},
		{name: "javascript does not match", target: "javascript:alert(1)//partner.invalid/oauth/callback"},
		{name: "a data address does not match", target: "data:text/html,https://partner.invalid/oauth/callback"},
		{name: "another port does not match", target: "https://partner.invalid:8443/oauth/callback"},
		{name: "the http default port on https does not match", target: "https://partner.invalid:80/oauth/callback"},
		{name: "an out-of-range port does not match", target: "https://partner.invalid:65979/oauth/callback"},
		{name: "a look-alike host ending in an evil domain does not match", target: "https://partner.invalid.evil.test/oauth/callback"},
		{name: "a host with a prefix does not match", target: "https://evilpartner.invalid/oauth/callback"},
		{name: "the registered address in an evil query does not match", target: "https://evil.test/?u=https://partner.invalid/oauth/callback"},
		{name: "the registered address in an evil fragment does not match", target: "https://evil.test/#https://partner.invalid/oauth/callback"},
		{name: "the registered path on an evil host does not match", target: "https://evil.test/oauth/callback"},
		{name: "a trailing dot on the host does not match", target: "https://partner.invalid./oauth/callback"},
		{name: "a %-coded host does not match", target: "https://partner%2Einvalid/oauth/callback"},
		{name: "a fullwidth dot in the host does not match", target: "https://partner\uff0einvalid/oauth/callback"},

		// User info.
		{name: "a user name before the host does not match", target: "https://user@partner.invalid/oauth/callback"},
		{name: "user and password before the host do not match", target: "https://user:pw@partner.invalid/oauth/callback"},
		{name: "an empty user info does not match", target: "https://@partner.invalid/oauth/callback"},
		{name: "the registered host as user info of an evil host does not match", target: "https://partner.invalid@evil.test/oauth/callback"},
		{name: "the registered host and port as user info does not match", target: "https://partner.invalid:443@evil.test/oauth/callback"},

		// Path.
		{name: "a trailing slash does not match", target: "https://partner.invalid/oauth/callback/"},
		{name: "a path prefix does not match", target: "https://partner.invalid/oauth"},
		{name: "a longer path does not match", target: "https://partner.invalid/oauth/callback/x"},
		{name: "a path with extra letters does not match", target: "https://partner.invalid/oauth/callbackX"},
		{name: "a path in another case does not match", target: "https://partner.invalid/OAuth/Callback"},
		{name: "an empty path does not match a registered path", target: "https://partner.invalid"},
		{name: "an encoded slash does not match a slash", target: "https://partner.invalid/oauth%2Fcallback"},
		{name: "an encoded slash in lower case does not match a slash", target: "https://partner.invalid/oauth%2fcallback"},
		{name: "encoded dot segments are not resolved", target: "https://partner.invalid/oauth/x/%2e%2e/callback"},
		{name: "dot segments are not resolved", target: "https://partner.invalid/oauth/x/../callback"},
		{name: "a single dot segment is not removed", target: "https://partner.invalid/oauth/./callback"},
		{name: "a broken %-code does not match", target: "https://partner.invalid/oauth/callback%zz"},
		{name: "a truncated %-code does not match", target: "https://partner.invalid/oauth/callback%4"},
		{name: "a %-coded NUL does not match", target: "https://partner.invalid/oauth/callback%00"},

		// Malformed and tricky addresses.
		{name: "backslashes as separators do not match", target: "https:\\\\partner.invalid\\oauth\\callback"},
		{name: "a backslash in the path does not match", target: "https://partner.invalid/oauth\\callback"},
		{name: "a backslash before an @ does not match", target: "https://partner.invalid\\@evil.test/oauth/callback"},
		{name: "an address without slashes after the scheme does not match", target: "https:partner.invalid/oauth/callback"},
		{name: "an address with one slash after the scheme does not match", target: "https:/partner.invalid/oauth/callback"},
		{name: "an address with three slashes after the scheme does not match", target: "https:///partner.invalid/oauth/callback"},
		{name: "leading white space does not match", target: " https://partner.invalid/oauth/callback"},
		{name: "trailing white space does not match", target: "https://partner.invalid/oauth/callback "},
		{name: "a tab inside the host does not match", target: "https://partner.inva\tlid/oauth/callback"},
		{name: "a line break inside the path does not match", target: "https://partner.invalid/oauth/call\nback"},
		{name: "a NUL byte does not match", target: "https://partner.invalid\x00.evil.test/oauth/callback"},
		{name: "an empty target does not match", target: ""},
		{name: "a relative path does not match", target: "/oauth/callback"},
		{name: "a protocol-relative address does not match", target: "//partner.invalid/oauth/callback"},
		{name: "garbage does not match", target: "%"},
		{name: "a very long path does not match", target: "https://partner.invalid/" + strings.Repeat("a", maxTargetBaseLen)},

		// Hosts: IDN, IP addresses, look-alike letters.
		{name: "a punycode host matches in any case", registered: "https://xn--bcher-kva.example/cb", target: "https://XN--BCHER-KVA.example/cb", want: true},
		{name: "the Unicode form of a punycode host does not match", registered: "https://xn--bcher-kva.example/cb", target: "https://bücher.example/cb"},
		{name: "the %-coded Unicode form of a punycode host does not match", registered: "https://xn--bcher-kva.example/cb", target: "https://b%C3%BCcher.example/cb"},
		{name: "a Kelvin sign does not match the letter k", registered: "https://key.test/cb", target: "https://\u212Aey.test/cb"},
		{name: "a loopback address with its port matches", registered: "http://127.0.0.1:47401/oauth/callback", target: "http://127.0.0.1:47401/oauth/callback#a=b", want: true},
		{name: "a loopback address on another port does not match", registered: "http://127.0.0.1:47401/oauth/callback", target: "http://127.0.0.1:47402/oauth/callback"},
		{name: "a loopback address without its port does not match", registered: "http://127.0.0.1:47401/oauth/callback", target: "http://127.0.0.1/oauth/callback"},
		{name: "localhost does not match 127.0.0.1", registered: "http://127.0.0.1:47401/oauth/callback", target: "http://localhost:47401/oauth/callback"},
		{name: "a shortened IPv4 address does not match", registered: "http://127.0.0.1:47401/oauth/callback", target: "http://127.1:47401/oauth/callback"},
		{name: "localhost with the default port written out matches", registered: "http://localhost/cb", target: "http://LOCALHOST:80/cb", want: true},
		{name: "an IPv6 loopback in long form matches", registered: "http://[::1]:8080/cb", target: "http://[0:0:0:0:0:0:0:1]:8080/cb", want: true},
		{name: "an IPv6 address with a zone does not match", registered: "http://[::1]:8080/cb", target: "http://[::1%25lo]:8080/cb"},
		{name: "an IPv6 address without brackets does not match", registered: "http://[::1]:8080/cb", target: "http://::1:8080/cb"},

		// Other registered addresses.
		{name: "an empty path equals a slash", registered: "https://partner.invalid", target: "https://partner.invalid/?x=1", want: true},
		{name: "a slash equals an empty path", registered: "https://partner.invalid/", target: "https://partner.invalid#x", want: true},
		{name: "a root registration does not match a deeper path", registered: "https://partner.invalid", target: "https://partner.invalid/x"},
		{name: "%-codes compare without regard to hex case", registered: "https://partner.invalid/a%2fb", target: "https://partner.invalid/a%2Fb", want: true},
		{name: "a %-coded tilde equals a tilde", registered: "https://partner.invalid/~me/cb", target: "https://partner.invalid/%7Eme/cb", want: true},
		{name: "a registered query is ignored", registered: "https://partner.invalid/cb?profile=1", target: "https://partner.invalid/cb#access_token=x", want: true},
		{name: "an http registration matches only http", registered: "http://partner.invalid/cb", target: "https://partner.invalid/cb"},

		// Characters a browser %-codes in a path before it goes there: the
		// registered address matches the coded form the browser hands over.
		{name: "braces match their %-codes", registered: "https://partner.invalid/cb/{id}", target: "https://partner.invalid/cb/%7Bid%7D#access_token=x", want: true},
		{name: "braces match their %-codes in lower-case hex", registered: "https://partner.invalid/cb/{id}", target: "https://partner.invalid/cb/%7bid%7d", want: true},
		{name: "braces still match themselves", registered: "https://partner.invalid/cb/{id}", target: "https://partner.invalid/cb/{id}", want: true},
		{name: "coded braces match raw ones", registered: "https://partner.invalid/cb/%7Bid%7D", target: "https://partner.invalid/cb/{id}", want: true},
		{name: "a double quote matches its %-code", registered: `https://partner.invalid/cb/"x"`, target: "https://partner.invalid/cb/%22x%22", want: true},
		{name: "angle brackets match their %-codes", registered: "https://partner.invalid/cb/<x>", target: "https://partner.invalid/cb/%3Cx%3E", want: true},
		{name: "a backtick matches its %-code", registered: "https://partner.invalid/cb/`x", target: "https://partner.invalid/cb/%60x", want: true},
		{name: "a caret matches its %-code", registered: "https://partner.invalid/cb/^x", target: "https://partner.invalid/cb/%5Ex", want: true},
		{name: "a vertical bar matches its %-code (Chromium codes it)", registered: "https://partner.invalid/cb/|x", target: "https://partner.invalid/cb/%7Cx", want: true},
		{name: "a vertical bar matches itself (WebKit leaves it)", registered: "https://partner.invalid/cb/|x", target: "https://partner.invalid/cb/|x", want: true},
		{name: "all of them at once match as Chromium codes them", registered: "https://partner.invalid/a{b}|^\"<>`", target: "https://partner.invalid/a%7Bb%7D%7C%5E%22%3C%3E%60", want: true},
		{name: "a %-coded space matches itself", registered: "https://partner.invalid/my%20cb", target: "https://partner.invalid/my%20cb", want: true},
		{name: "an opening brace does not match a closing one", registered: "https://partner.invalid/cb/{id}", target: "https://partner.invalid/cb/%7Did%7B"},
		{name: "a coded brace does not match a missing one", registered: "https://partner.invalid/cb/{id}", target: "https://partner.invalid/cb/%7Bid"},
		{name: "a coded brace does not match another character", registered: "https://partner.invalid/cb/{id}", target: "https://partner.invalid/cb/%5Bid%5D"},
		{name: "a square bracket, which browsers leave, does not match its %-code", registered: "https://partner.invalid/cb/[id]", target: "https://partner.invalid/cb/%5Bid%5D"},
		{name: "an apostrophe, which browsers leave in paths, does not match its %-code", registered: "https://partner.invalid/cb/it's", target: "https://partner.invalid/cb/it%27s"},
		{name: "a coded brace in the host does not match", registered: "https://partner.invalid/cb", target: "https://partner.invalid%7B%7D/cb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.registered
			if r == "" {
				r = reg
			}
			m, err := NewMatcher(r)
			if err != nil {
				t.Fatalf("NewMatcher(%q): %v", r, err)
			}
			if got := m.Match(tt.target); got != tt.want {
				t.Errorf("Match(%q) against %q = %v, want %v", tt.target, r, got, tt.want)
			}
		})
	}
}

func TestNilMatcherMatchesNothing(t *testing.T) {
	t.Parallel()
	var m *Matcher
	if m.Match("https://partner.invalid/") {
		t.Error("a nil Matcher matched")
	}
	if new(Matcher).Match("https://partner.invalid/") {
		t.Error("a zero Matcher matched")
	}
}

func TestValidateRedirectURI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		uri   string
		words string // part of the error; "" means valid
	}{
		{"an https address is valid", "https://partner.invalid/oauth/callback", ""},
		{"an https address without path is valid", "https://partner.invalid", ""},
		{"an https address with port and query is valid", "https://partner.invalid:8443/cb?profile=1", ""},
		{"an https punycode host is valid", "https://xn--bcher-kva.example/cb", ""},
		{"http to 127.0.0.1 is valid", "http://127.0.0.1:47401/oauth/callback", ""},
		{"http to anywhere in 127.0.0.0/8 is valid", "http://127.5.6.7/cb", ""},
		{"http to localhost is valid", "http://localhost:8080/cb", ""},
		{"http to LOCALHOST is valid", "http://LOCALHOST/cb", ""},
		{"http to [::1] is valid", "http://[::1]:8080/cb", ""},
		{"a %-coded path is valid", "https://partner.invalid/caf%C3%A9/cb", ""},
		{"braces and the other characters browsers %-code are valid in the path", "https://partner.invalid/cb/{id}|^\"<>`", ""},
		{"a space in the path is refused, saying to write %20", "https://partner.invalid/my cb", "%20"},

		{"an empty address is refused", "", "empty"},
		{"leading spaces are refused", " https://partner.invalid/cb", "spaces"},
		{"a line break is refused", "https://partner.invalid/cb\n", "spaces"},
		{"a relative path is refused", "/oauth/callback", "full address"},
		{"an address without scheme is refused", "partner.invalid/oauth/callback", "full address"},
		{"an opaque address is refused", "https:partner.invalid/cb", "full address"},
		{"an ftp address is refused", "ftp://partner.invalid/cb", "https://"},
		{"a custom scheme is refused", "com.example.app:/oauth", "https://"},
		{"an address without host is refused", "https:///cb", "no host"},
		{"a bare scheme is refused", "https://", "no host"},
		{"a user name is refused", "https://me@partner.invalid/cb", "user name"},
		{"a password is refused", "https://me:pw@partner.invalid/cb", "user name"},
		{"a fragment is refused", "https://partner.invalid/cb#x", "#"},
		{"an empty fragment is refused", "https://partner.invalid/cb#", "#"},
		{"plain http to a public host is refused", "http://partner.invalid/cb", "https://"},
		{"plain http to a host starting with 127 is refused", "http://127.0.0.1.evil.test/cb", "https://"},
		{"plain http to a subdomain of localhost is refused", "http://localhost.evil.test/cb", "https://"},
		{"plain http to another IPv6 address is refused", "http://[::2]/cb", "https://"},
		{"plain http to a private address is refused", "http://192.168.1.10/cb", "https://"},
		{"a Unicode host is refused", "https://bücher.example/cb", "ASCII"},
		{"a %-coded host is refused", "https://b%C3%BCcher.example/cb", "valid web address"},
		{"an odd character in the host is refused", "https://partner!invalid/cb", "not allowed"},
		{"a dot-dot segment is refused", "https://partner.invalid/a/../cb", "/../"},
		{"an encoded dot-dot segment is refused", "https://partner.invalid/a/%2E%2e/cb", "/../"},
		{"a dot segment is refused", "https://partner.invalid/./cb", "/./"},
		{"a backslash is refused", "https://partner.invalid\\cb", "backslash"},
		{"a broken %-code is refused", "https://partner.invalid/%zz", "valid web address"},
		{"a port over 65535 is refused", "https://partner.invalid:65536/cb", "port"},
		{"port 0 is refused", "https://partner.invalid:0/cb", "port"},
		{"a shortened IPv4 address is refused", "https://127.1/cb", "four numbers"},
		{"a hexadecimal IPv4 address is refused", "http://0x7f.0.0.1/cb", "four numbers"},
		{"a host ending in a hexadecimal label is refused", "https://partner.0xbeef/cb", "four numbers"},
		{"a host ending in a label that only starts like hex is valid", "https://partner.0xbeefy/cb", ""},
		{"a host ending in a number is refused", "https://partner.invalid.1/cb", "four numbers"},
		{"an IPv6 zone is refused", "http://[fe80::1%25eth0]/cb", "valid web address"},
		{"an IPv4 address in brackets is refused", "http://[127.0.0.1]/cb", "valid web address"},
		{"a damaged query is refused", "https://partner.invalid/cb?a=%zz", "query"},
		{"an address over 2048 characters is refused", "https://partner.invalid/" + strings.Repeat("a", 2048), "too long"},

		// A parameter of the provider's reply in the registered query.
		{"a query of the app's own is valid", "https://partner.invalid/cb?profile=1&tab=state", ""},
		{"a parameter merely starting like a reply's is valid", "https://partner.invalid/cb?state_of=x&codes=1", ""},
		{"a state in the query is refused", "https://partner.invalid/cb?state=abc", `"state"`},
		{"an empty state in the query is refused", "https://partner.invalid/cb?profile=1&state=", `"state"`},
		{"a state with no value in the query is refused", "https://partner.invalid/cb?state", `"state"`},
		{"a %-coded state name in the query is refused", "https://partner.invalid/cb?st%61te=abc", `"state"`},
		{"a code in the query is refused", "https://partner.invalid/cb?code=1", `"code"`},
		{"an access token in the query is refused", "http://127.0.0.1:8765/cb?access_token=x", `"access_token"`},
		{"a token type in the query is refused", "https://partner.invalid/cb?token_type=Bearer", `"token_type"`},
		{"a scope in the query is refused", "https://partner.invalid/cb?scope=zap", `"scope"`},
		{"an expiry in the query is refused", "https://partner.invalid/cb?expires_in=1", `"expires_in"`},
		{"an error in the query is refused", "https://partner.invalid/cb?error=access_denied", `"error"`},
		{"an error description in the query is refused", "https://partner.invalid/cb?error_description=x", `"error_description"`},
		{"an error link in the query is refused", "https://partner.invalid/cb?error_uri=x", `"error_uri"`},
		{"the refusal says what to do", "https://partner.invalid/cb?state=abc", "Remove it here, and in the redirect address registered with Zapier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateRedirectURI(tt.uri)
			switch {
			case tt.words == "" && err != nil:
				t.Errorf("ValidateRedirectURI(%q) = %v, want valid", tt.uri, err)
			case tt.words != "" && err == nil:
				t.Errorf("ValidateRedirectURI(%q) passed, want an error about %q", tt.uri, tt.words)
			case tt.words != "" && !strings.Contains(err.Error(), tt.words):
				t.Errorf("ValidateRedirectURI(%q) = %q, want it to mention %q", tt.uri, err, tt.words)
			}
			if tt.words == "" {
				m, err := NewMatcher(tt.uri)
				if err != nil {
					t.Fatalf("NewMatcher refuses a valid address: %v", err)
				}
				if !m.Match(tt.uri) {
					t.Errorf("a valid address does not match itself")
				}
			}
		})
	}
}

func TestNewMatcherRefusesWhatCannotBeARedirectAddress(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{
		"",
		"not an address",
		"ftp://partner.invalid/cb",
		"https://me@partner.invalid/cb",
		"https://partner.invalid/cb#x",
		"https://bücher.example/cb",
		"https://partner.invalid/a/../cb",
		"https://127.1/cb",
		"https:partner.invalid/cb",
		"https://partner.invalid:99999/cb",
	} {
		if m, err := NewMatcher(uri); err == nil || m != nil {
			t.Errorf("NewMatcher(%q) = %v, %v; want an error", uri, m, err)
		}
	}
}

func TestNewMatcherAcceptsPlainHTTPToAnyHost(t *testing.T) {
	t.Parallel()
	// The sandbox and the published example use plain http; the https rule
	// is ValidateRedirectURI's, applied when a profile is saved.
	if _, err := NewMatcher("http://your.redirect.url/"); err != nil {
		t.Errorf("NewMatcher refused plain http: %v", err)
	}
}

func TestEveryParameterTheParserReadsIsRefusedInARegisteredQuery(t *testing.T) {
	t.Parallel()
	for name := range replyParams {
		if err := ValidateRedirectURI("https://partner.invalid/cb?" + name + "=x"); err == nil || !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("a registered query with %s: %v, want a refusal naming it", name, err)
		}
	}
}
