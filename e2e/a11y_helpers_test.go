//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerdesk/e2e/atspi"
)

// The GUI tests below drive the real app through its accessibility tree, as
// a screen-reader user would: controls are found by role and accessible
// name (the contract in design.md, "GUI names"), pressed through their
// default action, and what the page says is read back from the tree.

// screen is the running app as the accessibility bus shows it.
type screen struct {
	t    *testing.T
	o    *operator
	bus  *atspi.Bus
	app  atspi.Node
	proc *exec.Cmd
	log  *strings.Builder
	// checked holds the screens whose controls were already checked for names.
	checked map[string]bool
}

// within is how long a step may take before the test gives up: the app
// starts its WebKit processes, and the sandbox answers on 127.0.0.1.
const within = 30 * time.Second

// startApp starts the app for the operator and waits until its page is on
// the accessibility bus.
func (o *operator) startApp(args ...string) *screen {
	t := o.t
	t.Helper()
	// Connecting first starts the accessibility bus, which then marks the
	// display with its address: an app on another session bus (one with
	// no keychain, say) finds it there.
	bus, err := atspi.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	cmd := o.command(context.Background(), args...)
	// PARTNERDESK_DEBUG: the app notes each bound method the page calls
	// (names only), for TestZZEveryBoundMethodIsReachedThroughTheUI.
	cmd.Env = append(cmd.Env, "AT_SPI_BUS_ADDRESS="+bus.Address(), "PARTNERDESK_DEBUG=1")
	var log strings.Builder
	cmd.Stderr = &log
	// WebKit's helper processes inherit the log pipe: do not wait on them
	// for long once the app is gone.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); noteBoundCalls(log.String()) })
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	app, err := bus.AppOf(ctx, cmd.Process.Pid, "partnerdesk")
	if err != nil {
		t.Fatalf("%v: GTK joins the accessibility bus only when NO_AT_BRIDGE is not set (scripts/desktop-session.sh unsets it)", err)
	}
	s := &screen{t: t, o: o, bus: bus, app: app, proc: cmd, log: &log, checked: map[string]bool{}}
	s.find("document web", "Partnerdesk")
	return s
}

// find waits for a visible control with the role and a name starting with
// name, anywhere in the app's windows.
func (s *screen) find(role, name string) atspi.Node {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), within)
	defer cancel()
	n, err := s.bus.Find(ctx, s.app, role, name)
	if err != nil {
		s.t.Fatalf("%v\nthe app's tree:\n%s", err, atspi.Dump(s.bus.Walk(s.app)))
	}
	return n
}

// findIn is find inside one node (a dialog, a window).
func (s *screen) findIn(root atspi.Node, role, name string) atspi.Node {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), within)
	defer cancel()
	n, err := s.bus.Find(ctx, root, role, name)
	if err != nil {
		s.t.Fatalf("%v\nthe tree there:\n%s", err, atspi.Dump(s.bus.Walk(root)))
	}
	return n
}

// press finds an enabled control and presses it.
func (s *screen) press(role, name string) {
	s.t.Helper()
	s.pressIn(s.app, role, name)
}

func (s *screen) pressIn(root atspi.Node, role, name string) {
	s.t.Helper()
	var n atspi.Node
	s.eventually("the "+role+" "+quote(name)+" to be enabled", func() bool {
		n = s.findIn(root, role, name)
		return n.States.Is(atspi.StateEnabled)
	})
	if err := s.bus.Press(n); err != nil {
		s.t.Fatal(err)
	}
}

// typeInto replaces the text of the field named name.
func (s *screen) typeInto(name, text string) {
	s.t.Helper()
	s.typeIn(s.app, name, text)
}

func (s *screen) typeIn(root atspi.Node, name, text string) {
	s.t.Helper()
	n := s.findField(root, name)
	err := s.bus.Type(n, text)
	if errors.Is(err, atspi.ErrNotEditable) {
		// Only for a field that offers no EditableText: the keyboard.
		if err = s.bus.Focus(n); err == nil {
			exec.Command("xdotool", "key", "--clearmodifiers", "ctrl+a", "BackSpace").Run()
			err = exec.Command("xdotool", "type", "--delay", "5", text).Run()
		}
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.eventually("the field "+quote(name)+" to hold what was typed", func() bool {
		return s.bus.Text(n) == text
	})
}

// findField finds a text field (entry, password or multi-line text) by name.
func (s *screen) findField(root atspi.Node, name string) atspi.Node {
	s.t.Helper()
	var found atspi.Node
	s.eventually("a text field named "+quote(name), func() bool {
		for _, n := range s.bus.Walk(root) {
			if isField(n) && n.States.Is(atspi.StateVisible) && strings.HasPrefix(s.bus.Label(n), name) {
				found = n
				return true
			}
		}
		return false
	})
	return found
}

func isField(n atspi.Node) bool {
	switch n.Role {
	case "entry", "password text", "spin button":
		return true
	case "text", "section", "paragraph":
		return n.States.Is(atspi.StateEditable) && n.Has("EditableText")
	}
	return false
}

// text is everything the app's windows say now.
func (s *screen) text() string {
	return s.bus.WindowText(s.app)
}

// waitText waits until the app's windows say all of the phrases.
func (s *screen) waitText(phrases ...string) string {
	s.t.Helper()
	var text string
	deadline := time.Now().Add(within)
	for {
		text = s.text()
		missing := ""
		for _, p := range phrases {
			if !strings.Contains(text, p) {
				missing = p
				break
			}
		}
		if missing == "" {
			return text
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the app never said %q; it says:\n%s", missing, text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitGone waits until no visible node has the role and name.
func (s *screen) waitGone(role, name string) {
	s.t.Helper()
	s.eventually("the "+role+" "+quote(name)+" to go", func() bool {
		for _, n := range s.bus.FindAll(s.app, role, name) {
			if n.States.Is(atspi.StateVisible) {
				return false
			}
		}
		return true
	})
}

// dialog waits for a dialog whose name starts with title.
func (s *screen) dialog(title string) atspi.Node {
	s.t.Helper()
	var d atspi.Node
	s.eventually("a dialog named "+quote(title), func() bool {
		for _, n := range s.bus.FindAll(s.app, "", title) {
			if (n.Role == "dialog" || n.Role == "alert") && n.States.Is(atspi.StateVisible) {
				d = n
				return true
			}
		}
		return false
	})
	return d
}

func (s *screen) eventually(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s: not within %s\nthe app's tree:\n%s", what, within, atspi.Dump(s.bus.Walk(s.app)))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func quote(s string) string { return `"` + s + `"` }

// interactiveRoles are the roles of things an operator acts on: each needs
// a name a screen reader can say.
var interactiveRoles = map[string]bool{
	"push button": true, "toggle button": true, "check box": true, "radio button": true,
	"entry": true, "password text": true, "spin button": true, "link": true, "page tab": true,
	"menu item": true, "check menu item": true, "radio menu item": true, "combo box": true,
	"list box": true, "slider": true, "push button menu": true, "tree item": true,
}

// unnamedControls lists the visible interactive controls of a walk that a
// screen reader cannot name (no accessible name and no label pointing at
// them), and the focusable things with no role it can announce. Controls
// inside GTK's own file windows are listed apart: the app cannot name them.
func unnamedControls(bus *atspi.Bus, nodes []atspi.Node) (app, gtk []string) {
	for _, n := range nodes {
		if !n.States.Is(atspi.StateVisible) {
			continue
		}
		problem := ""
		switch {
		case (interactiveRoles[n.Role] || isField(n)) && strings.TrimSpace(bus.Label(n)) == "":
			problem = pathOf(nodes, n)
		case (n.Role == "unknown" || n.Role == "invalid") && n.States.Is(atspi.StateFocusable):
			problem = pathOf(nodes, n) + " (no role)"
		default:
			continue
		}
		if inFileWindow(nodes, n) {
			gtk = append(gtk, problem)
		} else {
			app = append(app, problem)
		}
	}
	return app, gtk
}

func inFileWindow(nodes []atspi.Node, n atspi.Node) bool {
	for p := n.Parent; p >= 0; p = nodes[p].Parent {
		if nodes[p].Role == "file chooser" {
			return true
		}
	}
	return false
}

// pathOf names a node by the named nodes above it, so a failure says where
// on the screen the unnamed control is.
func pathOf(nodes []atspi.Node, n atspi.Node) string {
	parts := []string{n.Role + " " + quote(n.Name)}
	for p := n.Parent; p >= 0 && len(parts) < 4; p = nodes[p].Parent {
		if nodes[p].Name != "" {
			parts = append([]string{nodes[p].Role + " " + quote(nodes[p].Name)}, parts...)
		}
	}
	return strings.Join(parts, " > ")
}

// checkNames walks the app's windows as they are now and fails the test for
// every interactive control without an accessible name (issue 11 item 3).
// Each screen is checked once per test.
func (s *screen) checkNames(screenName string) {
	s.t.Helper()
	if s.checked[screenName] {
		return
	}
	s.checked[screenName] = true
	nodes := s.bus.Walk(s.app)
	bad, gtk := unnamedControls(s.bus, nodes)
	if len(bad) > 0 {
		s.t.Errorf("on %s, controls a screen reader cannot name:\n  %s\nthe tree:\n%s",
			screenName, strings.Join(bad, "\n  "), atspi.Dump(nodes))
	}
	if len(gtk) > 0 {
		s.t.Logf("on %s, GTK's file window has controls a screen reader cannot name (GTK's, not the app's):\n  %s",
			screenName, strings.Join(gtk, "\n  "))
	}
}

// savedProfile is one profile as profiles.json holds it.
type savedProfile struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	ClientID    string   `json:"client_id"`
	RedirectURI string   `json:"redirect_uri"`
	Scopes      []string `json:"scopes"`
	Sandbox     bool     `json:"sandbox"`
	Token       struct {
		SignedIn       bool       `json:"signed_in"`
		ExpiresAt      *time.Time `json:"expires_at"`
		Scopes         []string   `json:"scopes"`
		LastVerifiedAt *time.Time `json:"last_verified_at"`
		LastVerifyOK   bool       `json:"last_verify_ok"`
		LastVerifyNote string     `json:"last_verify_note"`
		Identity       *struct {
			FullName string `json:"full_name"`
		} `json:"identity"`
	} `json:"token"`
}

// savedProfiles reads profiles.json under the operator's config folder.
func (o *operator) savedProfiles() []savedProfile {
	o.t.Helper()
	b, err := os.ReadFile(filepath.Join(o.dirs["XDG_CONFIG_HOME"], "partnerdesk", "profiles.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		o.t.Fatal(err)
	}
	var file struct {
		Profiles []savedProfile `json:"profiles"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		o.t.Fatalf("profiles.json: %v\n%s", err, b)
	}
	return file.Profiles
}

// saved returns the profile named name from profiles.json, and whether it is there.
func (o *operator) saved(name string) (savedProfile, bool) {
	for _, p := range o.savedProfiles() {
		if p.Name == name {
			return p, true
		}
	}
	return savedProfile{}, false
}

// timed logs how long each step of a scenario took, for the time budget.
func timed(t *testing.T) func(string) {
	start := time.Now()
	last := start
	return func(step string) {
		now := time.Now()
		t.Logf("%5.1fs (+%4.1fs) %s", now.Sub(start).Seconds(), now.Sub(last).Seconds(), step)
		last = now
	}
}

// waitMatch waits until the app's windows say something matching the
// regular expression, and returns the submatches.
func (s *screen) waitMatch(pattern string) []string {
	s.t.Helper()
	re := regexp.MustCompile(pattern)
	var text string
	deadline := time.Now().Add(within)
	for {
		text = s.text()
		if m := re.FindStringSubmatch(text); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the app never said anything like %q; it says:\n%s", pattern, text)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// number matches a count as the page writes it: digits, grouped by
// thousands or not, as the locale does.
const number = `(\d{1,3}(?:[,.\x{a0}\x{202f} ]?\d{3})*)`

// count reads a number matched by the pattern number.
func count(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(regexp.MustCompile(`\D`).ReplaceAllString(s, ""))
	if err != nil {
		t.Fatalf("%q is not a count: %v", s, err)
	}
	return n
}

// mainWindow is the app's main window (its frame "Partnerdesk").
func (s *screen) mainWindow() atspi.Node {
	s.t.Helper()
	for _, n := range s.bus.FindAll(s.app, "frame", "Partnerdesk") {
		if n.Name == "Partnerdesk" {
			return n
		}
	}
	s.t.Fatal("the app has no window named Partnerdesk")
	return atspi.Node{}
}

// boundCalls gathers, across the GUI tests of this run, the bound methods
// the page called: the app's debug records "bound call" (on its stderr, so
// that Remove all my data, which deletes the log file, loses none).
var boundCalls = struct {
	sync.Mutex
	apps    int
	methods map[string]bool
}{methods: map[string]bool{}}

var boundCallRecord = regexp.MustCompile(`msg="bound call".* method=(\w+)`)

func noteBoundCalls(stderr string) {
	boundCalls.Lock()
	defer boundCalls.Unlock()
	boundCalls.apps++
	for _, m := range boundCallRecord.FindAllStringSubmatch(stderr, -1) {
		boundCalls.methods[m[1]] = true
	}
}
