package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wailsapp/wails/v2/pkg/logger"

	"partnerdesk/internal/desktop"
	"partnerdesk/internal/desktop/desktoptest"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// signedIn is the app as Wails runs it (its services over the Wails
// adapter), signed in to a sandbox on 127.0.0.1 with a real token in the
// (mock) keychain, and everything that leaves it recorded: what its
// methods return, the events it emits, its native calls (wailsRecorder),
// the secret clipboard and the token's window.
type signedIn struct {
	*desktoptest.Sandbox
	t       *testing.T
	app     *app
	desk    *wailsRecorder
	clip    *recordingClipboard
	windows *recordingWindows

	mu     sync.Mutex
	tokens []string // every token the sandbox issued in this test, refresh tokens and the client secret included
	events []event
}

// event is one event the app emitted.
type event struct {
	name    string
	payload any
}

func newSignedIn(t *testing.T) *signedIn {
	t.Helper()
	return newSignedInWith(t, desktoptest.NewSandbox(t, sandbox.Options{}, "profile zap"))
}

// newCodeSignedIn is newSignedIn for a code-grant profile: besides its
// access token, a refresh token and a client secret are in the keychain.
func newCodeSignedIn(t *testing.T) *signedIn {
	t.Helper()
	return newSignedInWith(t, desktoptest.NewCodeSandbox(t, sandbox.Options{}, "profile zap"))
}

func newSignedInWith(t *testing.T, sb *desktoptest.Sandbox) *signedIn {
	t.Helper()
	s := &signedIn{Sandbox: sb, t: t, desk: &wailsRecorder{}, clip: &recordingClipboard{}, windows: &recordingWindows{}, tokens: []string{sb.Token}}
	if sb.RefreshToken != "" {
		s.tokens = append(s.tokens, sb.RefreshToken, desktoptest.ClientSecret)
	}
	cfg := sb.Config(nil)
	// The sign-in window: the sandbox approves at once; the window hands
	// back the redirect it intercepted.
	cfg.Window = func(ctx context.Context, o window.Options) (string, error) {
		return s.authorize(o.AuthorizeURL), nil
	}
	s.app = newApp(cfg)
	s.app.platform.clipboard = s.clip
	s.app.platform.secrets = s.windows
	s.app.platform.emit = func(name string, payload any) {
		s.mu.Lock()
		s.events = append(s.events, event{name, payload})
		s.mu.Unlock()
	}
	ctx, cancel := context.WithCancel(s.desk.appContext(context.Background()))
	// Registered after the test's temp folders: the loops have stopped
	// writing there before those are removed.
	t.Cleanup(func() { cancel(); s.app.services.Wait() })
	s.app.startup(ctx)
	return s
}

// authorize follows a sign-in page as a browser would, up to the redirect
// with the token, and notes the token.
func (s *signedIn) authorize(address string) string {
	loc := s.Authorize(address)
	if u, err := url.Parse(loc); err == nil {
		if frag, err := url.ParseQuery(u.Fragment); err == nil && frag.Get("access_token") != "" {
			s.mu.Lock()
			s.tokens = append(s.tokens, frag.Get("access_token"))
			s.mu.Unlock()
		}
	}
	return loc
}

// tokenForms are the ways a token could be written where it leaks.
func tokenForms(token string) []string {
	b := []byte(token)
	return []string{
		token,
		url.QueryEscape(token),
		url.PathEscape(token),
		base64.StdEncoding.EncodeToString(b),
		base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b),
		base64.RawURLEncoding.EncodeToString(b),
	}
}

// noteKeychain adds what the keychain holds for the profile now (a token
// a call obtained, a refresh token, a client secret) to what must not leak.
func (s *signedIn) noteKeychain() {
	for _, user := range []string{s.Profile.ID, vault.RefreshTokenUser(s.Profile.ID), vault.ClientSecretUser(s.Profile.ID)} {
		if v, err := s.Vault.Get(context.Background(), user); err == nil && v != "" {
			s.mu.Lock()
			if !slices.Contains(s.tokens, v) {
				s.tokens = append(s.tokens, v)
			}
			s.mu.Unlock()
		}
	}
}

// holdsToken tells whether text holds any token issued in the test (or
// refresh token, or client secret), in any of its forms.
func (s *signedIn) holdsToken(text string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, token := range s.tokens {
		for _, form := range tokenForms(token) {
			if strings.Contains(text, form) {
				return true
			}
		}
	}
	return false
}

// boundMethod is one method Wails binds for the frontend: Bind holds the
// services, and Wails binds every exported method of each (its
// reflect.Type's methods).
type boundMethod struct {
	service int // its service's place in Bind
	reflect.Method
}

// boundMethods lists the bound methods of every service the app binds,
// from the one list main.go hands Wails (appOptions' Bind).
func boundMethods(t *testing.T, a *app) []boundMethod {
	t.Helper()
	bind := appOptions(a).Bind
	if len(bind) < 4 {
		t.Fatalf("the app binds %d services; want Session, SignIn, Profiles and Browse", len(bind))
	}
	var out []boundMethod
	for n, service := range bind {
		typ := reflect.TypeOf(service)
		for i := range typ.NumMethod() {
			out = append(out, boundMethod{n, typ.Method(i)})
		}
	}
	return out
}

// argsFor gives the arguments each bound method that takes any is called
// with: those of the page in its signed-in state.
func argsFor(s *signedIn) map[string]func() []any {
	id := s.Profile.ID
	settings := profiles.Input{
		Name: "Acme renamed", ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI, Scopes: "profile zap",
		AuthorizeURL: s.Srv.AuthorizeURL(), APIBaseURL: s.Srv.URL(),
	}
	return map[string]func() []any{
		"SelectProfile": func() []any { return []any{id} },
		"SetClientSecret": func() []any {
			return []any{id, "sbs_typed_by_the_operator_0a1b2c3d4e5f6a7b"}
		},
		"AddSandboxProfile": func() []any { return []any{string(s.Profile.EffectiveGrant())} },
		"AddProfile": func() []any {
			return []any{profiles.Input{Name: "Second", ClientID: "c", RedirectURI: "https://a.example/cb"}}
		},
		"SignIn":            func() []any { return []any{id, true} },
		"SignInWithBrowser": func() []any { return []any{id, true} },
		"StartPaste":        func() []any { return []any{id, true} },
		"CompletePaste": func() []any {
			start, err := s.app.services.SignIn.StartPaste(id, true)
			if err != nil {
				s.t.Fatalf("StartPaste: %v", err)
			}
			return []any{s.authorize(start.AuthorizeURL)}
		},
		"Verify":        func() []any { return []any{id} },
		"CopyToken":     func() []any { return []any{id} },
		"SignOut":       func() []any { return []any{id} },
		"OpenURL":       func() []any { return []any{"https://docs.zapier.com/"} },
		"UpdateProfile": func() []any { return []any{id, settings} },
		"RemoveProfile": func() []any { return []any{id} },
		"MaskedToken":   func() []any { return []any{id} },
		"ShowToken":     func() []any { return []any{id} },
		"ExportProfile": func() []any {
			s.desk.saveFile = filepath.Join(s.t.TempDir(), "exported"+profiles.ExchangeExt)
			return []any{id}
		},
		"ListResources": func() []any { return []any{id} },
		"FetchResource": func() []any { return []any{id, "v1/zaps", true, map[string]string{}} },
		"CancelFetch": func() []any {
			job, err := s.app.services.Browse.FetchResource(id, "v1/zaps", true, map[string]string{})
			if err != nil {
				s.t.Fatalf("FetchResource: %v", err)
			}
			return []any{job}
		},
		"ReopenList":    func() []any { return []any{id, "v1/zaps", map[string]string{}} },
		"ReleaseList":   func() []any { return []any{id, "v1/zaps"} },
		"RowJSON":       func() []any { s.fetched(id); return []any{id, "v1/zaps", "1"} },
		"RowsJSON":      func() []any { s.fetched(id); return []any{id, "v1/zaps", []string{"1", "2"}} },
		"CopyRows":      func() []any { s.fetched(id); return []any{id, "v1/zaps", []string{"1", "2"}, true} },
		"ConfirmImport": func() []any { return []any{s.pendingImport()} },
		"CancelImport":  func() []any { return []any{s.pendingImport()} },
	}
}

// fetched loads the profile's Zaps whole, as the page shows them before it
// asks for a row's JSON.
func (s *signedIn) fetched(id string) {
	if _, err := s.app.services.Browse.FetchResource(id, "v1/zaps", true, map[string]string{}); err != nil {
		s.t.Fatalf("FetchResource: %v", err)
	}
	s.settle("FetchResource")
}

// prepare readies what a method with no arguments works on.
func (s *signedIn) prepare(method string) {
	if method == "ImportProfileFile" {
		p := s.Profile
		p.Name = "Imported"
		data, err := profiles.Export(p)
		if err != nil {
			s.t.Fatal(err)
		}
		s.desk.openFile = filepath.Join(s.t.TempDir(), "Imported"+profiles.ExchangeExt)
		if err := os.WriteFile(s.desk.openFile, data, 0o600); err != nil {
			s.t.Fatal(err)
		}
	}
}

// pendingImport opens a profile file that names the sandbox's host, which
// then waits for the operator's word, and returns its id.
func (s *signedIn) pendingImport() string {
	s.prepare("ImportProfileFile")
	out := reflect.ValueOf(s.app.services.Profiles).MethodByName("ImportProfileFile").Call(nil)
	var res struct {
		Pending *struct {
			ID string `json:"id"`
		} `json:"pending"`
	}
	if err := json.Unmarshal([]byte(asWailsSends(out[0])), &res); err != nil || res.Pending == nil {
		s.t.Fatalf("importing a profile of the sandbox = %s, %s; want it waiting for the operator", asWailsSends(out[0]), asWailsSends(out[1]))
	}
	return res.Pending.ID
}

// settle waits for what a call started in the background: a fetch's last
// page.
func (s *signedIn) settle(method string) {
	if method != "FetchResource" && method != "CancelFetch" && method != "ReopenList" {
		return
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		for _, e := range s.events {
			if p, ok := e.payload.(desktop.ResourcePage); ok && p.Done {
				s.mu.Unlock()
				return
			}
			if e.name == desktop.EventResourceError {
				s.mu.Unlock()
				return
			}
		}
		s.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("%s: the fetch did not end", method)
}

// asWailsSends is a method's result as the page receives it: Wails
// marshals the value to JSON, and an error as its message.
func asWailsSends(v reflect.Value) string {
	if err, ok := v.Interface().(error); ok {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return fmt.Sprintf("(does not marshal: %v) %#v", err, v.Interface())
	}
	return string(b)
}

// TestNoBoundMethodReturnsTheToken calls every method the page can call, in
// a signed-in state, and scans what reaches the page (results and events)
// and what leaves the app natively (browser, the Wails clipboard, which
// also sets PRIMARY, notifications, dialogs, files) for the token: 0 hits.
// Only Show token's window and Copy token's secret clipboard hold it. It
// runs for each grant: for the code grant, the refresh token and the
// client secret (the keychain's, the sandbox's, and one the page sends)
// are scanned for as well, and may go nowhere at all.
func TestNoBoundMethodReturnsTheToken(t *testing.T) {
	desktoptest.Isolate(t)
	methods := boundMethods(t, newApp(desktop.Config{Profiles: profiles.NewStore()}))
	names := []string{}
	for _, m := range methods {
		names = append(names, m.Name)
	}
	for _, must := range []string{"ShowToken", "CopyToken", "MaskedToken", "SignIn", "GetState"} {
		if !slices.Contains(names, must) {
			t.Fatalf("the bound methods %v lack %s: the list is not what Wails binds", names, must)
		}
	}

	for _, grant := range []string{"implicit", "code"} {
		for _, m := range methods {
			t.Run(grant+"/"+m.Name, func(t *testing.T) { scanBoundMethod(t, grant, m) })
		}
	}
}

func scanBoundMethod(t *testing.T, grant string, m boundMethod) {
	start := newSignedIn
	if grant == "code" {
		start = newCodeSignedIn
	}
	s := start(t)
	token := s.Token
	if grant == "code" {
		s.tokens = append(s.tokens, argsFor(s)["SetClientSecret"]()[1].(string))
		if local, err := sandbox.LocalClientSecret(); err == nil {
			s.tokens = append(s.tokens, local)
		}
	}
	args := []reflect.Value{reflect.ValueOf(appOptions(s.app).Bind[m.service])}
	if n := m.Type.NumIn() - 1; n > 0 {
		give, ok := argsFor(s)[m.Name]
		if !ok {
			t.Fatalf("%s takes arguments and argsFor gives it none: add it there, so it is scanned", m.Name)
		}
		given := give()
		if len(given) != n {
			t.Fatalf("argsFor gives %s %d arguments, it takes %d", m.Name, len(given), n)
		}
		for i, g := range given {
			v := reflect.ValueOf(g)
			if !v.Type().AssignableTo(m.Type.In(i + 1)) {
				t.Fatalf("argument %d of %s is a %s, it takes a %s", i+1, m.Name, v.Type(), m.Type.In(i+1))
			}
			args = append(args, v)
		}
	}
	s.prepare(m.Name)
	s.desk.mu.Lock()
	s.desk.dialogs = nil
	s.desk.mu.Unlock()

	out := m.Func.Call(args)
	s.settle(m.Name)
	s.noteKeychain()

	var leaks []string
	for i, v := range out {
		if text := asWailsSends(v); s.holdsToken(text) {
			leaks = append(leaks, fmt.Sprintf("result %d: %s", i, text))
		}
	}
	s.mu.Lock()
	events := slices.Clone(s.events)
	s.mu.Unlock()
	for _, e := range events {
		b, _ := json.Marshal(e.payload)
		if s.holdsToken(string(b)) {
			leaks = append(leaks, fmt.Sprintf("event %s: %s", e.name, b))
		}
	}
	s.desk.mu.Lock()
	opened, wailsClip, notes, dialogs := slices.Clone(s.desk.opened), slices.Clone(s.desk.clipboard), slices.Clone(s.desk.notes), slices.Clone(s.desk.dialogs)
	s.desk.mu.Unlock()
	for _, u := range opened {
		if s.holdsToken(u) {
			leaks = append(leaks, "browser: "+u)
		}
	}
	for _, c := range wailsClip {
		if s.holdsToken(c) {
			leaks = append(leaks, "clipboard through Wails (PRIMARY too): "+c)
		}
	}
	for _, n := range notes {
		if s.holdsToken(n.Title + " " + n.Body) {
			leaks = append(leaks, "notification: "+n.Body)
		}
	}
	for _, d := range dialogs {
		if s.holdsToken(d.Title + " " + d.Message) {
			leaks = append(leaks, "dialog: "+d.Message)
		}
	}
	s.windows.mu.Lock()
	shown := slices.Clone(s.windows.shown)
	s.windows.mu.Unlock()
	if m.Name != "ShowToken" {
		for _, w := range shown {
			if s.holdsToken(w.title + " " + w.text) {
				leaks = append(leaks, "the token's window: "+w.text)
			}
		}
	}
	if m.Name != "CopyToken" {
		s.clip.mu.Lock()
		for _, c := range s.clip.copied {
			if s.holdsToken(c) {
				leaks = append(leaks, "secret clipboard: "+c)
			}
		}
		s.clip.mu.Unlock()
	}
	if m.Name == "ExportProfile" {
		b, err := os.ReadFile(s.desk.saveFile)
		if err != nil {
			t.Fatalf("ExportProfile wrote nothing: %v", err)
		}
		if s.holdsToken(string(b)) {
			leaks = append(leaks, "exported file: "+string(b))
		}
	}
	for _, l := range leaks {
		t.Errorf("the token left through %s", l)
	}

	// The two that must still hand the token to the operator, natively.
	switch m.Name {
	case "ShowToken":
		if len(out) != 1 || !out[0].IsNil() {
			t.Fatalf("ShowToken returned %v", out)
		}
		want := shownSecret{s.Profile.ID, desktop.TokenWindowTitle(s.Profile.Name), token}
		if len(shown) != 1 || shown[0] != want {
			t.Errorf("Show token showed %+v, want one window titled %q showing the token", shown, want.title)
		}
	case "CopyToken":
		if !out[0].IsNil() {
			t.Fatalf("CopyToken: %v", out[0])
		}
		if s.clip.holds != token {
			t.Errorf("Copy token put %q on the secret clipboard, want the token", s.clip.holds)
		}
	}
}

// Wails logs each bound call's result (a token, were one returned) at
// Trace: the app keeps only its warnings and errors, in every build.
func TestWailsLogsOnlyWarningsAndErrors(t *testing.T) {
	desktoptest.Isolate(t)
	o := appOptions(newApp(desktop.Config{Profiles: profiles.NewStore()}))
	for name, level := range map[string]logger.LogLevel{"LogLevel": o.LogLevel, "LogLevelProduction": o.LogLevelProduction} {
		if level < logger.WARNING {
			t.Errorf("%s is %q (%d); want Warning or Error", name, level, level)
		}
	}
}

func TestShowTokenSaysWhyWhenTheTokenCannotBeRead(t *testing.T) {
	s := newSignedIn(t)
	err := s.app.services.SignIn.ShowToken("no-such-profile")
	if err == nil {
		t.Fatal("ShowToken of a missing profile succeeded")
	}
	if len(s.desk.dialogs) != 0 || len(s.windows.shown) != 0 {
		t.Errorf("a window showed for a missing profile: %+v %+v", s.desk.dialogs, s.windows.shown)
	}
}

// addOtherProfile adds a second profile, not signed in, beside the one
// signed in.
func (s *signedIn) addOtherProfile(t *testing.T) desktop.ProfileView {
	t.Helper()
	other, err := s.app.services.Profiles.AddProfile(profiles.Input{Name: "Other", ClientID: "c", RedirectURI: "https://a.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	return other
}

func TestSigningOutClearsTheClipboardOnlyOfItsOwnToken(t *testing.T) {
	s := newSignedIn(t)
	other := s.addOtherProfile(t)
	if err := s.app.services.SignIn.CopyToken(s.Profile.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.services.SignIn.SignOut(other.ID); err != nil {
		t.Fatal(err)
	}
	if s.clip.holds != s.Token {
		t.Errorf("signing out of another profile cleared the copied token (clipboard holds %q)", s.clip.holds)
	}
	if _, err := s.app.services.SignIn.SignOut(s.Profile.ID); err != nil {
		t.Fatal(err)
	}
	if s.clip.holds != "" {
		t.Error("signing out left the profile's token on the clipboard")
	}
}

func TestQuittingClearsTheCopiedToken(t *testing.T) {
	s := newSignedIn(t)
	if err := s.app.services.SignIn.CopyToken(s.Profile.ID); err != nil {
		t.Fatal(err)
	}
	s.app.shutdown(context.Background())
	if s.clip.holds != "" {
		t.Error("quitting left the token on the clipboard")
	}
}

func TestCopyTokenSaysWhatToDoWhenTheClipboardFails(t *testing.T) {
	s := newSignedIn(t)
	s.app.platform.clipboard = failingClipboard{}
	err := s.app.services.SignIn.CopyToken(s.Profile.ID)
	if err == nil || !strings.Contains(err.Error(), "Try again") {
		t.Errorf("CopyToken with a failing clipboard = %v", err)
	}
}

type failingClipboard struct{}

func (failingClipboard) Copy(string) error { return errors.New("no display") }
func (failingClipboard) Clear()            {}

// Whatever signs a profile out or removes it also clears its copied token
// from the clipboard and closes the window showing it; another profile's
// copy stays.
func TestEveryWayOfSigningOutForgetsTheCopiedAndShownToken(t *testing.T) {
	for name, signOut := range map[string]func(s *signedIn) error{
		"sign out": func(s *signedIn) error { _, err := s.app.services.SignIn.SignOut(s.Profile.ID); return err },
		"remove":   func(s *signedIn) error { return s.app.services.Profiles.RemoveProfile(s.Profile.ID) },
		"remove all data": func(s *signedIn) error {
			return s.app.services.Session.RemoveAllData()
		},
		"sign out of expired tokens": func(s *signedIn) error {
			err := s.Store.Update(func(f *profiles.File) error {
				p, _ := f.Find(s.Profile.ID)
				past := time.Now().Add(-time.Minute)
				p.Token.ExpiresAt = &past
				return nil
			})
			if err != nil {
				return err
			}
			n, err := s.app.services.SignIn.SignOutExpired()
			if n != 1 {
				s.t.Errorf("SignOutExpired signed out of %d profiles, want 1", n)
			}
			return err
		},
		"change the API host": func(s *signedIn) error {
			_, err := s.app.services.Profiles.UpdateProfile(s.Profile.ID, profiles.Input{
				Name: s.Profile.Name, ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI, Scopes: "profile zap",
				AuthorizeURL: s.Srv.AuthorizeURL(), APIBaseURL: "http://127.0.0.2:1",
			})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSignedIn(t)
			if err := s.app.services.SignIn.CopyToken(s.Profile.ID); err != nil {
				t.Fatal(err)
			}
			if err := s.app.services.SignIn.ShowToken(s.Profile.ID); err != nil {
				t.Fatal(err)
			}
			if err := signOut(s); err != nil {
				t.Fatal(err)
			}
			if s.clip.holds != "" {
				t.Error("the token is still on the clipboard")
			}
			if s.windows.showing(s.Profile.ID) != "" {
				t.Error("the token's window is still open")
			}
		})
	}
}

func TestSigningOutLeavesAnotherProfilesCopiedAndShownToken(t *testing.T) {
	s := newSignedIn(t)
	other := s.addOtherProfile(t)
	if err := s.app.services.SignIn.CopyToken(s.Profile.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.app.services.SignIn.ShowToken(s.Profile.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.app.services.Profiles.RemoveProfile(other.ID); err != nil {
		t.Fatal(err)
	}
	if s.clip.holds != s.Token || s.windows.showing(s.Profile.ID) != s.Token {
		t.Error("removing another profile cleared this one's copied or shown token")
	}
}
