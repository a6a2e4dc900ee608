package profiles

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitScopesAcceptsSpacesAndCommas(t *testing.T) {
	got := SplitScopes(" zap,profile  zap:runs\tauthentication, ")
	want := []string{"zap", "profile", "zap:runs", "authentication"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SplitScopes = %q, want %q", got, want)
	}
}

func TestCheckInputSaysWhatToFix(t *testing.T) {
	ok := Profile{Name: "Acme", ClientID: "abc", RedirectURI: "https://acme.example/oauth/cb"}
	cases := []struct {
		name   string
		change func(*Profile)
		words  string // "" = valid
	}{
		{"a complete profile is accepted", func(*Profile) {}, ""},
		{"a loopback redirect over http is accepted", func(p *Profile) { p.RedirectURI = "http://127.0.0.1:8765/cb" }, ""},
		{"a sandbox on 127.0.0.1 over http is accepted", func(p *Profile) {
			p.AuthorizeURL = "http://127.0.0.1:4000/oauth/authorize/"
			p.APIBaseURL = "http://localhost:4000"
		}, ""},
		{"a missing name is refused", func(p *Profile) { p.Name = " " }, "name"},
		{"a missing client ID says where it comes from", func(p *Profile) { p.ClientID = "" }, "client_id Zapier gave"},
		{"a relative redirect URI is refused", func(p *Profile) { p.RedirectURI = "/oauth/cb" }, ""},
		{"a redirect URI whose query holds the reply's state is refused", func(p *Profile) { p.RedirectURI = "https://acme.example/oauth/cb?state=x" }, `"state"`},
		{"a redirect URI whose query holds an access token is refused", func(p *Profile) { p.RedirectURI = "http://127.0.0.1:8765/cb?access_token=x" }, `"access_token"`},
		{"a redirect URI with braces in its path is accepted", func(p *Profile) { p.RedirectURI = "https://acme.example/oauth/{tenant}/cb" }, ""},
		{"an authorize URL that is not a web address is refused", func(p *Profile) { p.AuthorizeURL = "zapier.com/oauth" }, "not a web address"},
		{"a remote authorize URL over plain http is refused", func(p *Profile) { p.AuthorizeURL = "http://zapier.com/oauth/authorize/" }, "https://"},
		{"a remote API over plain http is refused", func(p *Profile) { p.APIBaseURL = "http://api.zapier.com" }, "https://"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := ok
			c.change(&p)
			err := CheckInput(p)
			valid := strings.HasSuffix(c.name, "accepted")
			switch {
			case valid && err != nil:
				t.Fatalf("CheckInput = %v, want valid", err)
			case !valid && err == nil:
				t.Fatal("CheckInput accepted it")
			case !valid && !errors.Is(err, ErrInvalid):
				t.Errorf("error %v does not wrap ErrInvalid", err)
			case !valid && !strings.Contains(err.Error(), c.words):
				t.Errorf("error %q does not mention %q", err, c.words)
			}
		})
	}
}

func TestSavedTellsANoticeFromAFailure(t *testing.T) {
	notice, err := Saved(&CorruptError{})
	if err != nil || notice == "" {
		t.Errorf("a bare CorruptError: notice %q, err %v; want a notice and no failure", notice, err)
	}
	failure := errors.New("disk full")
	if notice, err := Saved(failure); notice != "" || err != failure {
		t.Errorf("a failure: notice %q, err %v", notice, err)
	}
	if notice, err := Saved(nil); notice != "" || err != nil {
		t.Errorf("nil: notice %q, err %v", notice, err)
	}
}

func TestAnUpdateClearsTempFilesAKilledWriterLeft(t *testing.T) {
	store := &Store{Path: filepath.Join(t.TempDir(), "profiles.json")}
	stale := store.Path + ".tmp-123456"
	if err := os.WriteFile(stale, []byte(`{"version":1,"profiles":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.Update(func(*File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale temp file is still there: %v", err)
	}
}

func TestInputIsCleanedUpTheSameWayForANewProfile(t *testing.T) {
	in := Input{Name: " Acme ", ClientID: " abc\t", RedirectURI: " https://acme.example/cb ", Scopes: "zap, profile",
		AuthorizeURL: " https://acme.example/auth ", APIBaseURL: " https://api.acme.example// "}
	want := Profile{Name: "Acme", ClientID: "abc", RedirectURI: "https://acme.example/cb", Scopes: []string{"zap", "profile"},
		AuthorizeURL: "https://acme.example/auth", APIBaseURL: "https://api.acme.example"}
	if got := in.Profile(); !reflect.DeepEqual(got, want) {
		t.Errorf("Profile() = %+v, want %+v", got, want)
	}
}

func TestApplyChangesOnlyTheGivenSettings(t *testing.T) {
	p := Profile{ID: "id", Name: "Acme", ClientID: "old", RedirectURI: "https://acme.example/cb", Scopes: []string{"zap"},
		APIBaseURL: "https://api.acme.example"}
	Input{ClientID: " new ", APIBaseURL: "https://other.example/", Name: "ignored"}.
		Apply(&p, map[Field]bool{FieldClientID: true, FieldAPIBase: true, "update": true})
	want := Profile{ID: "id", Name: "Acme", ClientID: "new", RedirectURI: "https://acme.example/cb", Scopes: []string{"zap"},
		APIBaseURL: "https://other.example"}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("after Apply: %+v, want %+v", p, want)
	}
}
