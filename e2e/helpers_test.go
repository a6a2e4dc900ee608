//go:build e2e

// Package e2e drives the built binaries (build/bin/partnerdesk, the command,
// and partnerdesk-app beside it, which the command execs) the way an
// operator and a script would: real WebKitGTK windows under Xvfb and openbox,
// a real gnome-keyring on a private session bus, the sandbox provider on
// 127.0.0.1. Run it through `make test-e2e`, which sets that session up.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// binary is the command under test: PARTNERDESK_BIN, or
// build/bin/partnerdesk. With no arguments it becomes the app binary beside
// it (appBinary).
func binary(t *testing.T) string {
	t.Helper()
	if b := os.Getenv("PARTNERDESK_BIN"); b != "" {
		return b
	}
	b, err := filepath.Abs("../build/bin/partnerdesk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(b); err != nil {
		t.Fatalf("build the app first (make build): %v", err)
	}
	return b
}

// appBinary is the app the command under test runs: partnerdesk-app beside it.
func appBinary(t *testing.T) string {
	t.Helper()
	app := filepath.Join(filepath.Dir(binary(t)), "partnerdesk-app")
	if _, err := os.Stat(app); err != nil {
		t.Fatalf("the app binary is not beside the command (make build): %v", err)
	}
	return app
}

// operator is one person's machine: their own XDG directories. The keychain
// is the session's, shared; profile ids keep entries apart.
type operator struct {
	t     *testing.T
	bin   string
	dirs  map[string]string
	extra []string // more environment, KEY=VALUE
}

func newOperator(t *testing.T) *operator {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" || os.Getenv("DISPLAY") == "" {
		t.Skip("needs a desktop session: run through make test-e2e (scripts/desktop-session.sh)")
	}
	root := t.TempDir()
	o := &operator{t: t, bin: binary(t), dirs: map[string]string{}}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		d := filepath.Join(root, strings.ToLower(strings.TrimPrefix(k, "XDG_")))
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		o.dirs[k] = d
	}
	return o
}

func (o *operator) env() []string {
	env := os.Environ()
	for k, v := range o.dirs {
		env = append(env, k+"="+v)
	}
	return append(env, o.extra...)
}

// command prepares the binary with the operator's directories.
func (o *operator) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, o.bin, args...)
	cmd.Env = o.env()
	return cmd
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs a command to its end and returns what it printed and its exit code.
func (o *operator) run(args ...string) result {
	o.t.Helper()
	return o.runWith(nil, nil, args...)
}

// openSignInFromTheApp presses the card's Sign in (Ctrl+Enter) in the main
// window until the sign-in window shows, and returns that window. The page
// may still be loading when the main window maps.
func openSignInFromTheApp(t *testing.T, main string) string {
	t.Helper()
	var signin string
	eventually(t, 30*time.Second, "the sign-in window opening", func() bool {
		if signin = findWindow("Partnerdesk sign-in"); signin != "" {
			return true
		}
		key(t, main, "ctrl+Return")
		time.Sleep(time.Second)
		signin = findWindow("Partnerdesk sign-in")
		return signin != ""
	})
	return signin
}

// mustRun runs a command that has to succeed.
func (o *operator) mustRun(args ...string) result {
	o.t.Helper()
	r := o.run(args...)
	if r.code != 0 {
		o.t.Fatalf("partnerdesk %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// sandbox starts `partnerdesk sandbox` with the given answer mode and
// returns its base URL.
func (o *operator) sandbox(approve string) string {
	o.t.Helper()
	return o.sandboxWith(approve)
}

// sandboxWith starts `partnerdesk sandbox` with the given answer mode and
// more flags (such as --zaps 10000) and returns its base URL.
func (o *operator) sandboxWith(approve string, flags ...string) string {
	o.t.Helper()
	base, _ := o.stoppableSandbox(approve, flags...)
	if u, err := url.Parse(base); err != nil || u.Hostname() != "127.0.0.1" {
		o.t.Fatalf("sandbox URL %q is not on 127.0.0.1", base)
	}
	return base
}

// stoppableSandbox starts `partnerdesk sandbox` with the given answer mode
// and more flags and returns its base URL and a function that stops it
// (Zapier out of reach) before the test ends.
func (o *operator) stoppableSandbox(approve string, flags ...string) (base string, stop func()) {
	o.t.Helper()
	return o.startSandbox(nil, nil, append([]string{"--approve", approve}, flags...)...)
}

// startSandbox starts `partnerdesk sandbox` on a free port of 127.0.0.1
// with flags added and env added to its environment, all its output going
// to out (nil: nowhere). It returns its base URL (the first line it
// prints) and a function that stops it before the test ends.
func (o *operator) startSandbox(out io.Writer, env []string, flags ...string) (base string, stop func()) {
	o.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := o.command(ctx, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = out
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		o.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		o.t.Fatal(err)
	}
	stop = func() { cancel(); cmd.Wait() }
	o.t.Cleanup(stop)
	r := bufio.NewReader(pipe)
	line, err := r.ReadString('\n')
	if err != nil {
		o.t.Fatalf("sandbox printed no URL: %v", err)
	}
	if out != nil {
		out.Write([]byte(line))
		go io.Copy(out, r)
	}
	return strings.TrimSpace(line), stop
}

const sandboxClient = "partnerdesk-sandbox"
const registeredRedirect = "https://partner.invalid/oauth/callback"

// addProfile adds a profile signing in at the sandbox base.
func (o *operator) addProfile(name, base, redirectURI string) string {
	o.t.Helper()
	o.mustRun("profile", "add", name, "--client-id", sandboxClient, "--redirect-uri", redirectURI,
		"--authorize-url", base+"/oauth/authorize/", "--api-base", base, "--scope", "profile zap")
	return o.profileID(name)
}

func (o *operator) profileID(name string) string {
	o.t.Helper()
	var list []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	r := o.mustRun("profile", "list", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		o.t.Fatalf("profile list --json: %v\n%s", err, r.stdout)
	}
	for _, p := range list {
		if p.Name == name {
			return p.ID
		}
	}
	o.t.Fatalf("no profile %q in %s", name, r.stdout)
	return ""
}

// keychainSecret reads what the keychain holds for a profile, as any other
// tool would; "" when nothing.
func keychainSecret(t *testing.T, profileID string) string {
	t.Helper()
	out, err := exec.Command("secret-tool", "lookup", "service", "partnerdesk", "username", profileID).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return ""
	}
	if err != nil {
		t.Fatalf("secret-tool: %v", err)
	}
	return string(out)
}

// leaks counts the files under the operator's XDG directories that hold the
// token in plain, URL-encoded or base64 form, and names them.
func (o *operator) leaks(token string) []string {
	o.t.Helper()
	forms := [][]byte{
		[]byte(token),
		[]byte(url.QueryEscape(token)),
		[]byte(base64.StdEncoding.EncodeToString([]byte(token))),
		[]byte(base64.RawURLEncoding.EncodeToString([]byte(token))),
	}
	var hits []string
	for _, dir := range o.dirs {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			for _, f := range forms {
				if bytes.Contains(b, f) {
					hits = append(hits, path)
					break
				}
			}
			return nil
		})
	}
	return hits
}

// waitWindow waits until a visible window whose title contains name exists
// and returns its X id.
func waitWindow(t *testing.T, name string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", name).Output()
		if ids := strings.Fields(string(out)); err == nil && len(ids) > 0 {
			return ids[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no window named %q appeared within %s", name, within)
	return ""
}

func windowTitle(t *testing.T, id string) string {
	t.Helper()
	out, err := exec.Command("xdotool", "getwindowname", id).Output()
	if err != nil {
		t.Fatalf("xdotool getwindowname: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// artifacts is where tests leave screenshots for people to look at.
func artifacts(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../build/test-artifacts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(artifacts(t), name)
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	return path
}
