package profiles

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
)

func codeProfile(name string) Profile {
	return Profile{Name: name, ClientID: "acme-client", RedirectURI: "https://acme.example/cb",
		Grant: oauth.GrantCode, TokenURL: "https://auth.acme.example/oauth/token/"}
}

func fileVersion(t *testing.T, s *Store) int {
	t.Helper()
	raw, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	var head struct{ Version int }
	if err := json.Unmarshal(raw, &head); err != nil {
		t.Fatal(err)
	}
	return head.Version
}

func TestACodeGrantProfileIsSavedWithItsGrantAndTokenURLInVersion2(t *testing.T) {
	s := tempStore(t)
	addProfile(t, s, "Old")
	if v := fileVersion(t, s); v != 1 {
		t.Fatalf("a file of implicit profiles is version %d, want 1 (so an older Partnerdesk still opens it)", v)
	}
	raw, _ := os.ReadFile(s.Path)
	if strings.Contains(string(raw), "grant") || strings.Contains(string(raw), "token_url") {
		t.Fatalf("an implicit profile is written with a grant or token URL:\n%s", raw)
	}

	if err := s.Update(func(f *File) error { _, err := f.Add(codeProfile("New")); return err }); err != nil {
		t.Fatal(err)
	}
	if v := fileVersion(t, s); v != 2 {
		t.Fatalf("a file with a code-grant profile is version %d, want 2", v)
	}
	f, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.Find("New")
	if p.EffectiveGrant() != oauth.GrantCode || p.EffectiveTokenURL() != "https://auth.acme.example/oauth/token/" {
		t.Fatalf("loaded grant %q, token URL %q", p.EffectiveGrant(), p.EffectiveTokenURL())
	}
	old, _ := f.Find("Old")
	if old.EffectiveGrant() != oauth.GrantImplicit {
		t.Fatalf("a profile saved before grants loads as grant %q", old.EffectiveGrant())
	}
}

// An older Partnerdesk reads version 1 only: it must find a version it
// refuses, not a version 1 file with fields it would drop.
func TestAVersionAboveThisOnesIsLeftAlone(t *testing.T) {
	s := tempStore(t)
	content := `{"version": 3, "profiles": [{"id": "p_1", "name": "A", "client_id": "c", "redirect_uri": "https://a.example/cb", "grant": "device"}]}`
	writeRaw(t, s, content)
	if _, err := s.Load(); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Load = %v, want ErrNewerSchema", err)
	}
	if raw, _ := os.ReadFile(s.Path); string(raw) != content {
		t.Fatal("the newer file was changed")
	}
}

func TestAnUnknownGrantIsRefused(t *testing.T) {
	p := codeProfile("A")
	p.Grant = "password"
	if err := CheckInput(p); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `"implicit" or "code"`) {
		t.Fatalf("CheckInput = %v", err)
	}
	f := &File{}
	if _, err := f.Add(Profile{Name: "A", ClientID: "c", RedirectURI: "https://a.example/cb", Grant: "password"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Add = %v", err)
	}
}

func TestATokenURLMustBeHTTPSOutsideThisComputer(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://auth.acme.example/oauth/token/": true,
		"http://127.0.0.1:47913/oauth/token/":    true,
		"http://auth.acme.example/oauth/token/":  false,
		"auth.acme.example/oauth/token/":         false,
	} {
		p := codeProfile("A")
		p.TokenURL = url
		if err := CheckInput(p); (err == nil) != ok {
			t.Errorf("CheckInput with token URL %q = %v", url, err)
		}
	}
}

func TestApplyKeepsATokenURLOnlyForTheCodeGrant(t *testing.T) {
	p := Input{Name: "A", ClientID: "c", RedirectURI: "https://a.example/cb", Grant: " Code ", TokenURL: " https://t.example/token/ "}.Profile()
	if p.Grant != oauth.GrantCode || p.TokenURL != "https://t.example/token/" {
		t.Fatalf("Profile() = grant %q, token URL %q", p.Grant, p.TokenURL)
	}
	Input{Grant: "implicit"}.Apply(&p, map[Field]bool{FieldGrant: true})
	if p.Grant != "" || p.TokenURL != "" {
		t.Fatalf("after switching to implicit: grant %q, token URL %q; want both empty", p.Grant, p.TokenURL)
	}
	Input{ClientID: "d"}.Apply(&p, map[Field]bool{FieldClientID: true})
	if p.ClientID != "d" || p.Grant != "" {
		t.Fatalf("a change of the client ID touched the grant: %+v", p)
	}
}

func TestACodeGrantProfileFileCarriesNoSecretAndImportsWithItsGrant(t *testing.T) {
	p := codeProfile("Acme")
	p.ID = "p_123456789abc"
	data, err := Export(p)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"client_id", "format", "grant", "name", "redirect_uri", "token_url", "version"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("the file's fields are %v, want %v", keys, want)
	}
	if fields["version"] != float64(2) {
		t.Fatalf("a code-grant profile file is version %v, want 2: an older Partnerdesk must refuse it", fields["version"])
	}
	got, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	p.ID = ""
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("Import(Export(p)) = %+v, want %+v", got, p)
	}

	implicit, _ := Export(testProfile("Old"))
	if !strings.Contains(string(implicit), `"version": 1`) || strings.Contains(string(implicit), "grant") {
		t.Fatalf("an implicit profile's file is not the version 1 file older builds open:\n%s", implicit)
	}
}

func TestAProfileFileOfANewerVersionSaysSo(t *testing.T) {
	_, err := Import([]byte(`{"format":"partnerdesk-profile","version":3,"name":"x","client_id":"c","redirect_uri":"https://a.example/cb"}`))
	if err == nil || !strings.Contains(err.Error(), "made by a newer Partnerdesk") {
		t.Fatalf("Import = %v", err)
	}
}

func TestTheTokenURLHostIsNamedWithTheClientSecret(t *testing.T) {
	p := codeProfile("Acme")
	got := p.UntrustedHosts()
	want := []HostUse{{Host: "auth.acme.example", Gets: []string{GetsClientSecret}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("UntrustedHosts = %v, want %v", got, want)
	}
	p.Grant, p.TokenURL = "", ""
	if got := p.UntrustedHosts(); len(got) != 0 {
		t.Fatalf("an implicit profile names %v", got)
	}
}

func TestAChangedTokenURLOrClientIDDropsTheClientSecret(t *testing.T) {
	old := codeProfile("Acme")
	for _, tt := range []struct {
		name    string
		change  func(*Profile)
		binding []string
		drops   bool
	}{
		{"token URL", func(p *Profile) { p.TokenURL = "https://other.example/token/" }, []string{"token URL"}, true},
		{"client ID", func(p *Profile) { p.ClientID = "other" }, []string{"client ID"}, true},
		{"the default token URL", func(p *Profile) { p.TokenURL = "" }, []string{"token URL"}, true},
		{"scopes", func(p *Profile) { p.Scopes = []string{"zap"} }, nil, false},
		{"grant", func(p *Profile) { p.Grant, p.TokenURL = "", "" }, []string{"sign-in type"}, true},
	} {
		next := old
		tt.change(&next)
		if got := BindingChanges(old, next); !reflect.DeepEqual(got, tt.binding) {
			t.Errorf("%s: BindingChanges = %v, want %v", tt.name, got, tt.binding)
		}
		if got := DropsClientSecret(old, next); got != tt.drops {
			t.Errorf("%s: DropsClientSecret = %v, want %v", tt.name, got, tt.drops)
		}
	}
}

func TestExpiriesAreKeptInTheTokenFacts(t *testing.T) {
	s := tempStore(t)
	addProfile(t, s, "Acme")
	f, _ := s.Load()
	id := f.Profiles[0].ID
	if err := s.Update(func(f *File) error { f.Profiles[0].Token.Invalid = true; return nil }); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC)
	if err := s.SetExpiry(id, at); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Expiry(id); err != nil || !got.Equal(at) {
		t.Fatalf("Expiry = %v, %v; want %v", got, err, at)
	}
	f, _ = s.Load()
	if f.Profiles[0].Token.Invalid {
		t.Fatal("a new token's expiry left the old token's rejection mark")
	}
	if err := s.SetExpiry(id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Expiry(id); err != nil || !got.IsZero() {
		t.Fatalf("after clearing, Expiry = %v, %v", got, err)
	}
}
