package sandbox

import (
	"bytes"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"
)

func TestStartRefusesAnAddressThatIsNotLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.10:8080", "example.com:80", "127.0.0.1"} {
		t.Run(addr, func(t *testing.T) {
			s, err := Start(Options{Addr: addr, KeyFile: filepath.Join(t.TempDir(), "k")})
			if err == nil {
				s.Close()
				t.Fatalf("Start(%q) listened on %s", addr, s.URL())
			}
		})
	}
}

func TestStartListensOnLoopbackAddresses(t *testing.T) {
	for _, tt := range []struct{ addr, wantPrefix string }{
		{"", "http://127.0.0.1:"},
		{"127.0.0.1:0", "http://127.0.0.1:"},
		{"localhost:0", "http://127.0.0.1:"},
		{"127.0.0.2:0", "http://127.0.0.2:"},
	} {
		t.Run(tt.addr, func(t *testing.T) {
			s := start(t, Options{Addr: tt.addr})
			if !strings.HasPrefix(s.URL(), tt.wantPrefix) || strings.HasSuffix(s.URL(), "/") {
				t.Errorf("URL() = %q, want %s<port> with no trailing slash", s.URL(), tt.wantPrefix)
			}
			if s.AuthorizeURL() != s.URL()+"/oauth/authorize/" {
				t.Errorf("AuthorizeURL() = %q", s.AuthorizeURL())
			}
		})
	}
}

func TestStartRefusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"an unknown approve mode", Options{Approve: "maybe"}},
		{"a lifetime that is not whole seconds", Options{ExpiresIn: 1500 * time.Millisecond}},
		{"a negative lifetime", Options{ExpiresIn: -time.Hour}},
		{"a redirect_uri with a fragment", Options{Clients: map[string][]string{"c": {"https://x.invalid/cb#frag"}}}},
		{"a relative redirect_uri", Options{Clients: map[string][]string{"c": {"/cb"}}}},
		{"an empty client_id", Options{Clients: map[string][]string{"": {"https://x.invalid/cb"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.KeyFile = filepath.Join(t.TempDir(), "k")
			if s, err := Start(tt.opts); err == nil {
				s.Close()
				t.Fatal("Start accepted the options")
			}
		})
	}
}

func TestTheKeyFileIsCreatedPrivatelyUnderXDGDataHome(t *testing.T) {
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	xdg.Reload()
	t.Cleanup(xdg.Reload)

	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	path := filepath.Join(data, "partnerdesk", "sandbox.key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if info.Mode().Perm() != 0o600 || info.Size() != keySize {
		t.Errorf("key file mode %v size %d, want 0600 and %d bytes", info.Mode().Perm(), info.Size(), keySize)
	}
	if dir, _ := os.Stat(filepath.Dir(path)); dir.Mode().Perm() != 0o700 {
		t.Errorf("key dir mode %v, want 0700", dir.Mode().Perm())
	}
	before, _ := os.ReadFile(path)
	s2, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("a second start replaced the key")
	}
}

func TestAKeyFileOfTheWrongSizeIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.key")
	if err := os.WriteFile(path, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Start(Options{KeyFile: path}); err == nil {
		s.Close()
		t.Fatal("Start accepted a 9-byte key")
	}
}

func TestTheIndexPageSaysWhatThisIs(t *testing.T) {
	s := start(t, Options{Clients: map[string][]string{"other": {"http://127.0.0.1:9/cb"}}})
	resp, body := get(t, s.URL()+"/")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"not Zapier", s.URL(), s.AuthorizeURL(), ClientID, RedirectURI, "other", "/v1/zaps"} {
		if !strings.Contains(body, want) {
			t.Errorf("index page lacks %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if resp, _ := get(t, s.URL()+"/nothing-here"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown page: status %d, want 404", resp.StatusCode)
	}
}

func TestTheInlineStyleMatchesItsHash(t *testing.T) {
	s := start(t, Options{})
	resp, body := get(t, s.URL()+"/")
	m := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(body)
	if m == nil || m[1] != pageCSS {
		t.Fatal("the page's style element is not pageCSS as written")
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), styleHash) {
		t.Errorf("CSP lacks the style's hash")
	}
}

func TestCloseStopsServingAndCanBeCalledTwice(t *testing.T) {
	s := start(t, Options{})
	url := s.URL()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if resp, err := noFollow.Get(url + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("a closed sandbox answered with %d", resp.StatusCode)
	}
}

func TestNothingLogsATokenOrARedirectURL(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := start(t, Options{Log: log})

	// Sign in through the consent page, then use the token well and badly.
	_, page := authorize(t, s, authorizeQuery("profile zap", "state-in-log-test"))
	form := consentForm(t, page)
	form.Set("decision", "approve")
	resp, _ := postForm(t, s, form)
	loc := resp.Header.Get("Location")
	_, frag := redirectParams(t, loc)
	token := frag.Get("access_token")
	if token == "" {
		t.Fatalf("no token in %q", loc)
	}
	apiGet(t, s.URL()+"/v1/profiles/me", token)
	apiGet(t, s.URL()+"/v1/zaps?limit=2", token)
	apiGet(t, s.URL()+"/v2/zaps", token)
	apiGet(t, s.URL()+"/v1/zaps", token+"x")
	form.Set("decision", "deny")
	postForm(t, s, form)
	s.Close()

	out := logs.String()
	if !strings.Contains(out, "authorize approved") || !strings.Contains(out, "/v1/zaps") {
		t.Fatalf("the flow was not logged:\n%s", out)
	}
	body, sig, _ := strings.Cut(token, ".")
	for _, secret := range []string{token, body, sig, "access_token", "#", form.Get("csrf")} {
		if strings.Contains(out, secret) {
			t.Errorf("the log holds %q:\n%s", secret, out)
		}
	}
}
