package logging

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
)

// token looks like a Zapier access token; tokenOdd holds the characters that
// change under percent- and base64-encoding.
const (
	token    = "zpk_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	tokenOdd = "tok/with+odd=chars~and.more-stuff_42"
)

// record logs one record through a redacting handler and returns the line.
func record(t *testing.T, secrets *Secrets, log func(*slog.Logger)) string {
	t.Helper()
	var buf bytes.Buffer
	l := slog.New(NewHandler(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}), secrets))
	log(l)
	return buf.String()
}

type credentials struct {
	User  string
	Token string
}

func TestTheHandlerRemovesEveryFormOfAToken(t *testing.T) {
	withSecret := &Secrets{}
	withSecret.Add(token)
	withSecret.Add(tokenOdd)
	header := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}}

	tests := []struct {
		name    string
		secrets *Secrets // nil: patterns only, no registered secret
		log     func(*slog.Logger)
		secret  string
	}{
		{"a redirect address with the token in its fragment", nil, func(l *slog.Logger) {
			l.Info("caught https://partner.invalid/cb#access_token=" + token + "&token_type=Bearer&state=s")
		}, token},
		{"a redirect address in an attribute", nil, func(l *slog.Logger) {
			l.Debug("navigation", "url", "https://partner.invalid/cb?access_token="+token)
		}, token},
		{"the redirect address percent-encoded inside another address", nil, func(l *slog.Logger) {
			l.Info("load", "url", "https://x.test/?next="+url.QueryEscape("https://partner.invalid/cb#access_token="+token))
		}, token},
		{"a form body with refresh_token and client_secret", nil, func(l *slog.Logger) {
			l.Info("body", "b", "grant_type=refresh_token&refresh_token="+token+"&client_secret="+tokenOdd)
		}, token + "|" + tokenOdd},
		{"a code-grant redirect address with its code", nil, func(l *slog.Logger) {
			l.Info("caught https://partner.invalid/cb?code=" + token + "&state=s")
		}, token},
		{"a token request's form body with the code and its verifier", nil, func(l *slog.Logger) {
			l.Info("body", "b", "code="+token+"&grant_type=authorization_code&code_verifier="+tokenOdd)
		}, token + "|" + tokenOdd},
		{"a code-grant redirect percent-encoded inside another address", nil, func(l *slog.Logger) {
			l.Info("load", "url", "https://x.test/?next="+url.QueryEscape("https://partner.invalid/cb?state=s&code="+token))
		}, token},
		{"a JSON answer holding access_token", nil, func(l *slog.Logger) {
			l.Info(`answer {"access_token": "` + token + `", "token_type": "bearer"}`)
		}, token},
		{"an Authorization header written in the message", nil, func(l *slog.Logger) {
			l.Info("sent Authorization: Bearer " + token)
		}, token},
		{"an http.Header printed as a value", nil, func(l *slog.Logger) {
			l.Info("request", "headers", header)
		}, token},
		{"a Bearer credential in an error", nil, func(l *slog.Logger) {
			l.Warn("api failed", "err", fmt.Errorf("GET /v1/profiles/me with bearer %s: 401", token))
		}, token},
		{"a Basic credential", nil, func(l *slog.Logger) {
			l.Info("proxy", "auth", "Basic "+base64.StdEncoding.EncodeToString([]byte("me:"+token)))
		}, base64.StdEncoding.EncodeToString([]byte("me:" + token))},
		{"a Cookie header", nil, func(l *slog.Logger) {
			l.Info("Cookie: _zapier_session=" + token + "; csrftoken=abc")
		}, token},
		{"attributes named after secrets lose their value", nil, func(l *slog.Logger) {
			l.Info("x", "token", token, "access_token", token, "Authorization", token, "password", token,
				"client_secret", token, "Cookie", token, "api_key", token, "refresh_token", token)
		}, token},
		{"a secret-named attribute inside a group", nil, func(l *slog.Logger) {
			l.Info("x", slog.Group("http", slog.String("authorization", token), slog.Int("status", 200)))
		}, token},
		{"an attribute bound with With", nil, func(l *slog.Logger) {
			l.With("url", "https://p/cb#access_token="+token).WithGroup("g").Info("x", "token", token)
		}, token},
		{"a struct holding the token, once the token is registered", withSecret, func(l *slog.Logger) {
			l.Info("creds", "c", credentials{User: "ann", Token: token})
		}, token},
		{"the registered token in a message with no hint", withSecret, func(l *slog.Logger) {
			l.Info("got " + token + " back")
		}, token},
		{"the registered token percent-encoded", withSecret, func(l *slog.Logger) {
			l.Info("got " + url.QueryEscape(tokenOdd) + " and " + url.PathEscape(tokenOdd))
		}, url.QueryEscape(tokenOdd) + "|" + url.PathEscape(tokenOdd)},
		{"the registered token base64-encoded, both alphabets", withSecret, func(l *slog.Logger) {
			l.Info("blob", "std", base64.StdEncoding.EncodeToString([]byte(tokenOdd)),
				"url", base64.RawURLEncoding.EncodeToString([]byte(tokenOdd)))
		}, base64.StdEncoding.EncodeToString([]byte(tokenOdd)) + "|" + base64.RawURLEncoding.EncodeToString([]byte(tokenOdd))},
		{"an oauth.Token keeps only its summary", nil, func(l *slog.Logger) {
			l.Info("parsed", "token", oauth.Token{AccessToken: token, TokenType: "Bearer", Scopes: []string{"zap"}})
		}, token},
	}
	checked := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := record(t, tt.secrets, tt.log)
			for _, s := range strings.Split(tt.secret, "|") {
				if strings.Contains(out, s) {
					t.Errorf("the record still holds %q:\n%s", s, out)
				}
				checked++
			}
			if !strings.Contains(out, Redacted) && !strings.Contains(out, "chars=") {
				t.Errorf("nothing was marked %s:\n%s", Redacted, out)
			}
		})
	}
	t.Logf("redaction: %d secret forms in %d records, 0 left in the output", checked, len(tests))
}

func TestTheHandlerKeepsWhatIsNotSecret(t *testing.T) {
	out := record(t, nil, func(l *slog.Logger) {
		l.Info("The sign-in reply did not say it carries a Bearer token.",
			"token_type", "Bearer", "scope", "zap profile", "intercepted", true,
			"status", 401, "took", 1500*time.Millisecond, "url", "https://partner.invalid/cb?…",
			"answer", "status_code=500&postcode=SW1A",
			"token", oauth.Token{AccessToken: token, TokenType: "Bearer", Scopes: []string{"zap"}, ExpiresIn: time.Hour})
	})
	for _, want := range []string{
		`msg="The sign-in reply did not say it carries a Bearer token."`,
		"token_type=Bearer", `scope="zap profile"`, "intercepted=true", "status=401", "took=1.5s",
		"status_code=500&postcode=SW1A", "token.type=Bearer", "token.chars=36", "token.scope=zap", "token.expires_in=1h0m0s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lost %q:\n%s", want, out)
		}
	}
}

func TestASecretRegisteredLaterIsRemovedFromAttributesBoundBefore(t *testing.T) {
	s := &Secrets{}
	var buf bytes.Buffer
	l := slog.New(NewHandler(slog.NewTextHandler(&buf, nil), s)).With("creds", credentials{Token: token})
	s.Add(token)
	l.Info("x")
	s.Remove(token)
	l.Info("y")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if strings.Contains(lines[0], token) {
		t.Errorf("the registered token was logged: %s", lines[0])
	}
	if !strings.Contains(lines[1], token) {
		t.Errorf("a removed secret is still being cut (the test's premise): %s", lines[1])
	}
}

func TestSecretsIgnoreValuesTooShortToBeTokens(t *testing.T) {
	s := &Secrets{}
	s.Add("")
	s.Add("zap")
	if got := s.Redact("zap profile"); got != "zap profile" {
		t.Errorf("Redact = %q", got)
	}
}

func TestTheStandardLogPackageIsRedactedToo(t *testing.T) {
	dir := t.TempDir()
	logger, closeFile, err := Setup(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile()
	old := slog.Default()
	slog.SetDefault(logger)
	log.Printf("library says: GET https://api.test/v1?access_token=%s", token)
	slog.SetDefault(old)
	b, _ := os.ReadFile(filepath.Join(dir, FileName))
	if strings.Contains(string(b), token) || !strings.Contains(string(b), "library says") {
		t.Errorf("log file:\n%s", b)
	}
}

func TestTheLogFileIsOwnerOnlyAndRotatesBySize(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "partnerdesk")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	logger, closeFile, err := Setup(Options{Dir: dir, MaxSize: 4096, MaxFiles: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile()
	for i := range 500 {
		logger.Info("a line to fill the log", "i", i, "pad", strings.Repeat("x", 40))
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("log directory mode = %v (%v), want 0700", st.Mode().Perm(), err)
	}
	for _, name := range []string{FileName, FileName + ".1", FileName + ".2"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", name, st.Mode().Perm())
		}
		if st.Size() > 4096 {
			t.Errorf("%s holds %d bytes, more than the 4096 allowed", name, st.Size())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, FileName+".3")); !os.IsNotExist(err) {
		t.Errorf("a fourth file exists: %v", err)
	}
	// The newest records are in the current file, whole.
	b, _ := os.ReadFile(filepath.Join(dir, FileName))
	if !strings.Contains(string(b), "i=499 ") {
		t.Errorf("the last record is not in %s", FileName)
	}
}

func TestAnExistingLogFileIsMadeOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(path, 0o644)
	_, closeFile, err := Setup(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
}

func TestProcessesSharingTheLogKeepEveryLineWhole(t *testing.T) {
	dir := t.TempDir()
	// Two writers on one path stand for the app and a command-line process.
	a := &rotatingFile{path: filepath.Join(dir, FileName), maxSize: 2048, maxFiles: 3}
	b := &rotatingFile{path: filepath.Join(dir, FileName), maxSize: 2048, maxFiles: 3}
	done := make(chan error, 2)
	for _, w := range []*rotatingFile{a, b} {
		go func() {
			for i := range 300 {
				if _, err := fmt.Fprintf(w, "writer=%p line=%d %s end\n", w, i, strings.Repeat("y", 30)); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	b.Close()
	files, _ := filepath.Glob(filepath.Join(dir, FileName+"*"))
	if len(files) > 3 {
		t.Errorf("%d files, want at most 3: %v", len(files), files)
	}
	for _, f := range files {
		fh, _ := os.Open(f)
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if line := sc.Text(); !strings.HasPrefix(line, "writer=") || !strings.HasSuffix(line, " end") {
				t.Errorf("%s has a broken line: %q", filepath.Base(f), line)
			}
		}
		fh.Close()
	}
}

func TestARecordLargerThanTheCapIsCut(t *testing.T) {
	dir := t.TempDir()
	logger, closeFile, err := Setup(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile()
	logger.Info("huge", "body", strings.Repeat("z", 1<<20))
	st, _ := os.Stat(filepath.Join(dir, FileName))
	if st.Size() > maxRecord {
		t.Errorf("one record wrote %d bytes, over the %d cap", st.Size(), maxRecord)
	}
}

func TestDebugRecordsOnlyWhenAskedFor(t *testing.T) {
	for _, debug := range []bool{false, true} {
		dir := t.TempDir()
		var mirror bytes.Buffer
		logger, closeFile, err := Setup(Options{Dir: dir, Debug: debug, Mirror: &mirror})
		if err != nil {
			t.Fatal(err)
		}
		logger.Debug("debug-record")
		logger.Info("info-record")
		logger.Warn("warn-record")
		closeFile()
		b, _ := os.ReadFile(filepath.Join(dir, FileName))
		file := string(b)
		if strings.Contains(file, "debug-record") != debug || !strings.Contains(file, "info-record") {
			t.Errorf("debug=%v: file:\n%s", debug, file)
		}
		// The mirror (stderr) gets debug records in debug mode, otherwise
		// warnings only.
		m := mirror.String()
		if strings.Contains(m, "debug-record") != debug || strings.Contains(m, "info-record") != debug || !strings.Contains(m, "warn-record") {
			t.Errorf("debug=%v: mirror:\n%s", debug, m)
		}
	}
	for v, want := range map[string]bool{"": false, "0": false, "1": true, "yes": true} {
		t.Setenv(DebugEnv, v)
		if DebugFromEnv() != want {
			t.Errorf("%s=%q: DebugFromEnv() = %v", DebugEnv, v, !want)
		}
	}
}

func TestAnUnwritableLogDirectoryStillLogsToTheMirror(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var mirror bytes.Buffer
	logger, _, err := Setup(Options{Dir: filepath.Join(blocker, "partnerdesk"), Mirror: &mirror})
	if err == nil {
		t.Fatal("Setup reported no error for a directory that cannot exist")
	}
	logger.Warn("still here", "url", "https://p/cb#access_token="+token)
	if !strings.Contains(mirror.String(), "still here") || strings.Contains(mirror.String(), token) {
		t.Errorf("mirror:\n%s", mirror.String())
	}
	if !errors.Is(err, os.ErrExist) && !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("error %q does not say the log cannot be written", err)
	}
}

func TestStartWritesIntoTheXDGStateDirectory(t *testing.T) {
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv(DebugEnv, "1")
	reloadXDG()
	old := slog.Default()
	defer slog.SetDefault(old)
	var stderr bytes.Buffer
	Start(&stderr)
	AddSecret(tokenOdd)
	defer RemoveSecret(tokenOdd)
	slog.Debug("hello", "value", "x "+tokenOdd)
	b, err := os.ReadFile(filepath.Join(state, "partnerdesk", FileName))
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"file": string(b), "stderr": stderr.String()} {
		if !strings.Contains(out, "msg=hello") || strings.Contains(out, tokenOdd) {
			t.Errorf("%s:\n%s", name, out)
		}
	}
	if got := Redact("x " + tokenOdd); strings.Contains(got, tokenOdd) {
		t.Errorf("Redact = %q", got)
	}
}
