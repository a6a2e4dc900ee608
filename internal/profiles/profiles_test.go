package profiles

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func testProfile(name string) Profile {
	return Profile{
		Name:        name,
		ClientID:    "client-" + strings.ToLower(name),
		RedirectURI: "https://partner.example.com/callback",
	}
}

// fileWith returns a File holding profiles with the given names.
func fileWith(t *testing.T, names ...string) *File {
	t.Helper()
	f := &File{Version: SchemaVersion}
	for _, n := range names {
		if _, err := f.Add(testProfile(n)); err != nil {
			t.Fatalf("Add(%q): %v", n, err)
		}
	}
	return f
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		profiles []string
		arg      string
		want     string // profile name, or "" for an error
		wantErr  error
		inMsg    []string
	}{
		{"no name and no profiles is unknown", nil, "", "", ErrUnknown, []string{"no profiles yet"}},
		{"a name and no profiles is unknown", nil, "work", "", ErrUnknown, []string{`"work"`, "no profiles yet"}},
		{"no name and one profile picks it", []string{"Work"}, "", "Work", nil, nil},
		{"a wrong name and one profile is unknown and lists it", []string{"Work"}, "home", "", ErrUnknown, []string{`"home"`, `"Work"`}},
		{"no name and two profiles is ambiguous and lists both", []string{"Work", "Home"}, "", "", ErrAmbiguous, []string{`"Work"`, `"Home"`}},
		{"a name matches case-insensitively", []string{"Work", "Home"}, "WORK", "Work", nil, nil},
		{"a wrong name among two lists both", []string{"Work", "Home"}, "play", "", ErrUnknown, []string{`"Work", "Home"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fileWith(t, tt.profiles...)
			p, err := f.Resolve(tt.arg)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Resolve(%q) error = %v, want %v", tt.arg, err, tt.wantErr)
				}
				for _, s := range tt.inMsg {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not mention %s", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve(%q): %v", tt.arg, err)
			}
			if p.Name != tt.want {
				t.Errorf("Resolve(%q) = %q, want %q", tt.arg, p.Name, tt.want)
			}
		})
	}

	t.Run("an id resolves to its profile", func(t *testing.T) {
		f := fileWith(t, "Work", "Home")
		home, _ := f.Find("home")
		p, err := f.Resolve(home.ID)
		if err != nil || p.Name != "Home" {
			t.Fatalf("Resolve(%q) = %v, %v; want Home", home.ID, p, err)
		}
	})
	t.Run("the returned profile can be changed in place", func(t *testing.T) {
		f := fileWith(t, "Work")
		p, _ := f.Resolve("")
		p.Token.SignedIn = true
		if !f.Profiles[0].Token.SignedIn {
			t.Error("change through the returned pointer did not reach the File")
		}
	})
}

func TestAdd(t *testing.T) {
	idPattern := regexp.MustCompile(`^p_[0-9a-f]{12}$`)

	t.Run("an empty id is replaced by a random one", func(t *testing.T) {
		f := fileWith(t, "Work", "Home")
		a, b := f.Profiles[0].ID, f.Profiles[1].ID
		if !idPattern.MatchString(a) || !idPattern.MatchString(b) || a == b {
			t.Errorf("ids %q and %q: want two different p_ + 12 hex", a, b)
		}
	})
	t.Run("a given id is kept", func(t *testing.T) {
		f := &File{}
		p := testProfile("Work")
		p.ID = "p_0123456789ab"
		got, err := f.Add(p)
		if err != nil || got.ID != p.ID {
			t.Fatalf("Add = %v, %v; want id kept", got, err)
		}
	})
	t.Run("the name is trimmed", func(t *testing.T) {
		f := &File{}
		got, err := f.Add(testProfile("  Work \t"))
		if err != nil || got.Name != "Work" {
			t.Fatalf("Add = %+v, %v; want name Work", got, err)
		}
	})
	t.Run("the scopes are copied", func(t *testing.T) {
		f := &File{}
		p := testProfile("Work")
		p.Scopes = []string{"zap"}
		got, _ := f.Add(p)
		p.Scopes[0] = "changed"
		if got.Scopes[0] != "zap" {
			t.Error("Add kept the caller's scopes slice")
		}
	})

	withID := func(id, name string) Profile { p := testProfile(name); p.ID = id; return p }
	with := func(change func(*Profile)) Profile { p := testProfile("New"); change(&p); return p }
	tests := []struct {
		name    string
		p       Profile
		wantErr error
	}{
		{"a duplicate name is refused", testProfile("Work"), ErrExists},
		{"a duplicate name in another case is refused", testProfile("wORK"), ErrExists},
		{"a duplicate id is refused", withID("p_000000000001", "New"), ErrExists},
		{"a duplicate id in another case is refused", withID("P_000000000001", "New"), ErrExists},
		{"a name equal to another profile's id is refused", testProfile("p_000000000001"), ErrExists},
		{"an empty name is refused", testProfile(" "), ErrInvalid},
		{"a name with a newline is refused", testProfile("a\nb"), ErrInvalid},
		{"an id with a slash is refused", withID("../x", "New"), ErrInvalid},
		{"a missing client id is refused", with(func(p *Profile) { p.ClientID = "" }), ErrInvalid},
		{"a missing redirect uri is refused", with(func(p *Profile) { p.RedirectURI = "" }), ErrInvalid},
		{"a relative redirect uri is refused", with(func(p *Profile) { p.RedirectURI = "/callback" }), ErrInvalid},
		{"a non-http authorize url is refused", with(func(p *Profile) { p.AuthorizeURL = "ftp://x/" }), ErrInvalid},
		{"an api base without a host is refused", with(func(p *Profile) { p.APIBaseURL = "https://" }), ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{}
			if _, err := f.Add(withID("p_000000000001", "Work")); err != nil {
				t.Fatal(err)
			}
			_, err := f.Add(tt.p)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Add(%+v) error = %v, want %v", tt.p, err, tt.wantErr)
			}
			if len(f.Profiles) != 1 {
				t.Errorf("a refused Add changed the File: %d profiles", len(f.Profiles))
			}
		})
	}
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name     string
		arg      func(f *File) string
		removed  string
		left     []string
		wantErr  error
		profiles []string
	}{
		{"a name removes that profile and keeps the order", func(*File) string { return "home" }, "Home", []string{"Work", "Play"}, nil, nil},
		{"an id removes that profile", func(f *File) string { return f.Profiles[2].ID }, "Play", []string{"Work", "Home"}, nil, nil},
		{"an unknown name is an error and removes nothing", func(*File) string { return "nope" }, "", []string{"Work", "Home", "Play"}, ErrUnknown, nil},
		{"an empty name is an error and removes nothing", func(*File) string { return "" }, "", []string{"Work", "Home", "Play"}, ErrUnknown, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fileWith(t, "Work", "Home", "Play")
			got, err := f.Remove(tt.arg(f))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Remove error = %v, want %v", err, tt.wantErr)
			}
			if got.Name != tt.removed {
				t.Errorf("removed %q, want %q", got.Name, tt.removed)
			}
			var left []string
			for _, p := range f.Profiles {
				left = append(left, p.Name)
			}
			if !reflect.DeepEqual(left, tt.left) {
				t.Errorf("left %q, want %q", left, tt.left)
			}
		})
	}
}

func TestEffectiveURLs(t *testing.T) {
	tests := []struct {
		name           string
		p              Profile
		authorize, api string
	}{
		{"empty urls mean Zapier's", Profile{}, "https://zapier.com/oauth/authorize/", "https://api.zapier.com"},
		{"set urls are used as they are", Profile{AuthorizeURL: "http://127.0.0.1:9/oauth/authorize/", APIBaseURL: "http://127.0.0.1:9"},
			"http://127.0.0.1:9/oauth/authorize/", "http://127.0.0.1:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.EffectiveAuthorizeURL(); got != tt.authorize {
				t.Errorf("EffectiveAuthorizeURL() = %q, want %q", got, tt.authorize)
			}
			if got := tt.p.EffectiveAPIBaseURL(); got != tt.api {
				t.Errorf("EffectiveAPIBaseURL() = %q, want %q", got, tt.api)
			}
		})
	}
}

func TestExpired(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	tests := []struct {
		name string
		meta TokenMeta
		want bool
	}{
		{"a token with no known expiry is not expired", TokenMeta{}, false},
		{"a token expiring later is not expired", TokenMeta{ExpiresAt: at(time.Second)}, false},
		{"a token expiring now is expired", TokenMeta{ExpiresAt: at(0)}, true},
		{"a token that expired earlier is expired", TokenMeta{ExpiresAt: at(-time.Hour)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.meta.Expired(now); got != tt.want {
				t.Errorf("Expired() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestNoSecretFields guards the rule that profiles.json never holds a
// token: it walks every type that is written to the file and fails on any
// JSON key that looks like a secret. The one "token" key is the metadata
// object Profile.Token, and token_url is an address.
func TestNoSecretFields(t *testing.T) {
	allowed := map[string]bool{"Profile.token": true, "Profile.token_url": true}
	suspicious := regexp.MustCompile(`(?i)token|secret|password|passwd|bearer|credential|refresh|private|api_?key`)

	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() != reflect.TypeFor[File]().PkgPath() {
			return
		}
		seen[typ] = true
		for field := range typ.Fields() {
			key, _, _ := strings.Cut(field.Tag.Get("json"), ",")
			if key == "-" || !field.IsExported() {
				continue
			}
			if key == "" {
				key = field.Name
			}
			where := typ.Name() + "." + key
			if suspicious.MatchString(key) && !allowed[where] {
				t.Errorf("%s: profiles.json must not hold secrets; keep the token in the keychain", where)
			}
			walk(field.Type)
		}
	}
	walk(reflect.TypeFor[File]())
	if len(seen) < 4 {
		t.Fatalf("walked %d types, want File, Profile, TokenMeta and Identity at least", len(seen))
	}
}
