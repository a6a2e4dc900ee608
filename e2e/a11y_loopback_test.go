//go:build e2e

package e2e

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Sign in with the browser to a profile whose redirect URI is on this
// computer (http://127.0.0.1:PORT): the app listens there for the answer
// (SignInWithBrowser) instead of asking for a pasted address. The test
// plays the browser: it asks the sandbox for the token as the registered
// client, then posts the answer as the app's relay page does.
func TestA11yBrowserSignInThroughTheLoopback(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	base := o.sandbox("auto")
	redirect := "http://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/callback"
	id := o.addProfile("Loop", base, redirect)
	opened := o.fakeBrowser()
	s := o.startApp()

	s.press("push button", "Sign in with my browser")
	var authorize string
	s.eventually("the browser being asked to open the sign-in page", func() bool {
		b, _ := os.ReadFile(opened)
		authorize = strings.TrimSpace(string(b))
		return authorize != ""
	})
	u, err := url.Parse(authorize)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("redirect_uri") != redirect {
		t.Fatalf("the browser was sent to %s: want the redirect URI %s in it", authorize, redirect)
	}
	step("browser opened")

	// The sandbox knows only its registered redirect URI: get its answer
	// there, then hand it to the app's receiver as its relay page would.
	q.Set("redirect_uri", registeredRedirect)
	u.RawQuery = q.Encode()
	ended := browse(t, u.String())
	_, fragment, _ := strings.Cut(ended, "#")
	req, err := http.NewRequest("POST", redirect, strings.NewReader(url.Values{"query": {""}, "fragment": {fragment}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", strings.TrimSuffix(redirect, "/callback"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the app's receiver at %s: %v", redirect, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("the app's receiver answered the sign-in's answer with %s", resp.Status)
	}
	s.waitText("Signed in as ")
	if keychainSecret(t, id) == "" {
		t.Error("signed in through the browser, the keychain holds no token")
	}
	step("signed in through the loopback")
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
