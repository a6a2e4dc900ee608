package signinwindow

import (
	"encoding/json"
	"testing"
)

func TestOnlyWebPagesLoad(t *testing.T) {
	for uri, want := range map[string]bool{
		"https://zapier.com/oauth/authorize/?state=s": true,
		"http://127.0.0.1:4000/oauth/authorize/":      true,
		"http://[::1]:4000/":                          true,
		"http://localhost:4000/":                      true,
		"about:blank":                                 true,
		"about:srcdoc":                                true,
		"http://zapier.com/login":                     false,
		"http://127.0.0.2/":                           false,
		"http://localhost.evil.example/":              false,
		"file:///etc/hostname":                        false,
		"data:text/html,<title>x</title>":             false,
		"blob:https://zapier.com/1b2c":                false,
		"javascript:alert(1)":                         false,
		"wails://wails/":                              false,
		"about:config":                                false,
		"ftp://zapier.com/":                           false,
		"https:///nohost":                             false,
		"::not a url":                                 false,
	} {
		if got := loadable(uri); got != want {
			t.Errorf("loadable(%q) = %v, want %v", uri, got, want)
		}
	}
}

func TestTheRedirectFilterCoversTheRedirectAddressAndNothingElse(t *testing.T) {
	cases := []struct {
		registered string
		blocked    []string
		notBlocked []string
	}{
		{"https://partner.invalid/oauth/callback",
			[]string{"https://partner.invalid/oauth/callback", "https://partner.invalid/oauth/callback?code=c&state=s", "https://partner.invalid/oauth/callback#access_token=t"},
			[]string{"https://partner.invalid/oauth/callbackx", "https://partner.invalid/oauth", "http://partner.invalid/oauth/callback", "https://partner.invalid:8443/oauth/callback", "https://evil.example/?https://partner.invalid/oauth/callback"}},
		{"http://127.0.0.1:8765/cb?x=1",
			[]string{"http://127.0.0.1:8765/cb?x=1&code=c", "http://127.0.0.1:8765/cb#access_token=t"},
			[]string{"http://127.0.0.1:8766/cb", "http://127.0.0.1/cb", "http://127.0.0.1:8765/"}},
		{"https://Partner.Invalid:443",
			[]string{"https://partner.invalid/", "https://partner.invalid/?code=c"},
			[]string{"https://partner.invalid/x"}},
		{"http://[::1]:9000/cb",
			[]string{"http://[::1]:9000/cb?code=c"},
			[]string{"http://[::2]:9000/cb"}},
		{"https://partner.invalid/a%7eb/{id}",
			[]string{"https://partner.invalid/a%7eb/%7Bid%7D", "https://partner.invalid/a~b/%7Bid%7D#x"},
			[]string{"https://partner.invalid/a~b/{id}"}},
	}
	for _, c := range cases {
		f, err := newRedirectFilter(c.registered)
		if err != nil {
			t.Fatalf("%s: %v", c.registered, err)
		}
		for _, u := range c.blocked {
			if !f.blocks(u) {
				t.Errorf("the filter for %s lets %s through", c.registered, u)
			}
		}
		for _, u := range c.notBlocked {
			if f.blocks(u) {
				t.Errorf("the filter for %s blocks %s", c.registered, u)
			}
		}
		var rules []map[string]any
		if err := json.Unmarshal([]byte(f.rules()), &rules); err != nil || len(rules) == 0 {
			t.Errorf("%s: rules %s: %v", c.registered, f.rules(), err)
		}
	}
}
