package profiles

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestOnlyZapiersOwnHostsOverHttpsAreTrusted(t *testing.T) {
	cases := []struct {
		url  string
		want string // "" = trusted; else the host as the operator reads it
	}{
		{"https://zapier.com/oauth/authorize/", ""},
		{"https://api.zapier.com", ""},
		{"https://API.Zapier.com:443/v2", ""},
		{"https://zapier.com.evil.example/oauth/authorize/", "zapier.com.evil.example"},
		{"https://evil.example", "evil.example"},
		{"https://evil.example:443", "evil.example"},
		{"https://evil.example:8443", "evil.example:8443"},
		{"https://zapier.com:8443/oauth/authorize/", "zapier.com:8443"},
		{"http://zapier.com/oauth/authorize/", "zapier.com"},
		{"https://www.zapier.com/oauth/authorize/", "www.zapier.com"},
		{"https://zapier.com@evil.example/", "evil.example"},
		{"http://127.0.0.1:47913", "127.0.0.1:47913"},
		{"http://localhost", "localhost"},
		{"http://[::1]:8080/x", "[::1]:8080"},
		{"https://[::1]/x", "[::1]"},
	}
	for _, c := range cases {
		got := UntrustedHosts([]Address{{URL: c.url, Gets: GetsToken}})
		switch {
		case c.want == "" && len(got) != 0:
			t.Errorf("%s: untrusted %v, want trusted", c.url, got)
		case c.want != "" && (len(got) != 1 || got[0].Host != c.want):
			t.Errorf("%s: %v, want one untrusted host %q", c.url, got, c.want)
		}
	}
}

func TestAProfileNamesEachUntrustedHostOnceWithWhatItGets(t *testing.T) {
	cases := []struct {
		name string
		p    Profile
		want []HostUse
	}{
		{"the defaults send nothing outside Zapier", Profile{}, nil},
		{"a look-alike API host gets the token", Profile{APIBaseURL: "https://api.zapier.com.evil.example"},
			[]HostUse{{"api.zapier.com.evil.example", []string{GetsToken}}}},
		{"a phishing authorize page gets the password page", Profile{AuthorizeURL: "https://login.evil.example/oauth/authorize/"},
			[]HostUse{{"login.evil.example", []string{GetsPasswordPage}}}},
		{"the sandbox's one host gets both", Profile{AuthorizeURL: "http://127.0.0.1:47913/oauth/authorize/", APIBaseURL: "http://127.0.0.1:47913"},
			[]HostUse{{"127.0.0.1:47913", []string{GetsPasswordPage, GetsToken}}}},
		{"two hosts are named apart", Profile{AuthorizeURL: "https://a.example/auth", APIBaseURL: "https://b.example:8443"},
			[]HostUse{{"a.example", []string{GetsPasswordPage}}, {"b.example:8443", []string{GetsToken}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.UntrustedHosts(); !reflect.DeepEqual(got, c.want) {
				t.Errorf("UntrustedHosts = %v, want %v", got, c.want)
			}
		})
	}
}

func TestNotTrustedWantsEveryHostWrittenAsShown(t *testing.T) {
	p := Profile{AuthorizeURL: "https://a.example/auth", APIBaseURL: "http://127.0.0.1:47913"}
	var e *UntrustedError
	if err := NotTrusted(p, nil); !errors.As(err, &e) || len(e.Hosts) != 2 {
		t.Fatalf("NotTrusted(nothing trusted) = %v, want both hosts", err)
	}
	if err := NotTrusted(p, []string{"a.example"}); !errors.As(err, &e) || len(e.Hosts) != 1 || e.Hosts[0].Host != "127.0.0.1:47913" {
		t.Errorf("NotTrusted(one trusted) = %v, want the other", err)
	}
	if err := NotTrusted(p, []string{"127.0.0.1", "a.example"}); err == nil {
		t.Error("a host trusted without its port counted for HOST:PORT")
	}
	if err := NotTrusted(p, []string{"A.example", "127.0.0.1:47913"}); err != nil {
		t.Errorf("NotTrusted(both trusted) = %v", err)
	}
	if err := NotTrusted(Profile{}, nil); err != nil {
		t.Errorf("a profile on Zapier's own hosts needs trust: %v", err)
	}
}

func TestNamesWithFormatOrControlCharactersAreRefusedEverywhere(t *testing.T) {
	bad := []rune{'\u202e', '\u202d', '\u200b', '\u200e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff', '\u00ad', '\u0007', '\u001b'}
	for _, r := range bad {
		name := "Acme" + string(r) + "lanimreT"
		t.Run(fmt.Sprintf("U+%04X", r), func(t *testing.T) {
			code := fmt.Sprintf("U+%04X", r)
			p := Profile{Name: name, ClientID: "c", RedirectURI: "https://acme.example/cb"}
			if err := CheckInput(p); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), code) {
				t.Errorf("CheckInput = %v, want ErrInvalid naming %s", err, code)
			}
			var f File
			if _, err := f.Add(p); !errors.Is(err, ErrInvalid) {
				t.Errorf("File.Add = %v, want ErrInvalid", err)
			}
			if err := CheckName(name); strings.ContainsRune(fmt.Sprint(err), r) {
				t.Errorf("the message repeats the invisible character: %q", err)
			}
		})
	}
	if err := CheckName("Acme – Zürich 東京 (prod)"); err != nil {
		t.Errorf("an ordinary international name was refused: %v", err)
	}
}

func TestAProfileFileWithAFormatCharacterInItsNameIsRefused(t *testing.T) {
	data := `{"format":"partnerdesk-profile","version":1,"name":"Acme\u202eodd","client_id":"c","redirect_uri":"https://a.example/cb"}`
	if _, err := Import([]byte(data)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "U+202E") {
		t.Errorf("Import = %v, want ErrInvalid naming U+202E", err)
	}
}

func TestAnOldFileWithAFormatCharacterInANameStillLoads(t *testing.T) {
	// Refusing it on load would set the whole file aside as damaged.
	f := File{Version: SchemaVersion, Profiles: []Profile{{ID: "p_1", Name: "Acme\u200b", ClientID: "c", RedirectURI: "https://a.example/cb"}}}
	if err := f.validate(); err != nil {
		t.Errorf("validate = %v", err)
	}
}

func TestBindingChangesNameWhatATokenIsBoundTo(t *testing.T) {
	old := Profile{Name: "Acme", ClientID: "c", RedirectURI: "https://a.example/cb", Scopes: []string{"zap"}}
	cases := []struct {
		name   string
		change func(*Profile)
		want   []string
	}{
		{"a new name, redirect URI or scopes binds nothing", func(p *Profile) {
			p.Name, p.RedirectURI, p.Scopes = "Acme 2", "https://a.example/other", []string{"zap", "profile"}
		}, nil},
		{"the default written out is no change", func(p *Profile) {
			p.AuthorizeURL, p.APIBaseURL = DefaultAuthorizeURL, DefaultAPIBaseURL
		}, nil},
		{"a new client ID", func(p *Profile) { p.ClientID = "d" }, []string{"client ID"}},
		{"a new authorize URL", func(p *Profile) { p.AuthorizeURL = "https://evil.example/auth" }, []string{"authorize URL"}},
		{"a new API base URL", func(p *Profile) { p.APIBaseURL = "https://evil.example" }, []string{"API base URL"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			changed := old
			c.change(&changed)
			if got := BindingChanges(old, changed); !reflect.DeepEqual(got, c.want) {
				t.Errorf("BindingChanges = %q, want %q", got, c.want)
			}
		})
	}
	if got := SignedOutReason([]string{"client ID", "authorize URL", "API base URL"}); !strings.HasPrefix(got,
		"Signed out because the profile's client ID, authorize URL and API base URL changed") {
		t.Errorf("SignedOutReason = %q", got)
	}
}
