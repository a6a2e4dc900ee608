package signinwindow

import (
	"strings"
	"testing"
)

func TestTheTitleNamesTheHostAndHowSecureItIs(t *testing.T) {
	cases := []struct {
		uri      string
		security Security
		want     string
	}{
		{"https://zapier.com/oauth/authorize/?client_id=x", Secure, "Sign in: zapier.com (secure connection)"},
		{"https://zapier.com/login", CertificateProblem, "Sign in: zapier.com (certificate problem)"},
		{"http://127.0.0.1:4000/oauth/authorize/", Insecure, "Sign in: 127.0.0.1 (NOT secure)"},
		{"about:blank", Insecure, "Sign in"},
		{"::not a url", Secure, "Sign in"},
	}
	for _, c := range cases {
		if got := windowTitle("Sign in", c.uri, c.security); got != c.want {
			t.Errorf("windowTitle(%q, %v) = %q, want %q", c.uri, c.security, got, c.want)
		}
	}
}

func TestLoadFailuresReadAsAdvice(t *testing.T) {
	cases := []struct {
		name, domain string
		code         int
		want         string // "" = not shown: part of normal operation
	}{
		{"our own interception is not a failure", "WebKitPolicyError", 102, ""},
		{"a navigation replaced by another is not a failure", "WebKitNetworkError", 302, ""},
		{"a name that does not resolve", "g-resolver-error-quark", 0, "could not find zapier.com"},
		{"a TLS failure", "g-tls-error-quark", 3, "secure connection to zapier.com"},
		{"a refused connection", "g-io-error-quark", 39, "could not reach zapier.com"},
		{"anything else", "SomethingNew", 7, "could not be opened"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := loadFailure(c.domain, c.code, "https://zapier.com/oauth/authorize/?state=s")
			if c.want == "" && got != "" {
				t.Fatalf("got %q, want no message", got)
			}
			if !strings.Contains(got, c.want) {
				t.Fatalf("got %q, want it to contain %q", got, c.want)
			}
			if strings.Contains(got, "state=") {
				t.Error("the message repeats the URL's query")
			}
		})
	}
}

func TestTheMessagePageEscapesWhatItShowsAndRunsNoScript(t *testing.T) {
	page := messagePage(`<script>alert(1)</script>`, `https://x.example/?a=1&b="><script>`)
	if strings.Contains(page, "<script>") {
		t.Fatalf("unescaped markup in the page:\n%s", page)
	}
	if !strings.Contains(page, "default-src 'none'") {
		t.Error("the page has no CSP forbidding scripts")
	}
	if !strings.Contains(page, `href="https://x.example/?a=1&amp;b=&#34;&gt;&lt;script&gt;"`) {
		t.Errorf("the retry link is not the escaped authorize URL:\n%s", page)
	}
}

func TestRedactURLDropsQueryAndFragment(t *testing.T) {
	for in, want := range map[string]string{
		"https://partner.invalid/cb#access_token=secret": "https://partner.invalid/cb?…",
		"https://zapier.com/oauth/authorize/?state=s":    "https://zapier.com/oauth/authorize/?…",
		"https://zapier.com/login":                       "https://zapier.com/login",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
