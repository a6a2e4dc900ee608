package loopback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freeRedirect returns a redirect_uri on a port that is free right now.
func freeRedirect(t *testing.T, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return fmt.Sprintf("http://%s:%d/oauth/callback", host, port)
}

func listen(t *testing.T, redirect, state string) *Receiver {
	t.Helper()
	r, err := Listen(redirect, state)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func post(t *testing.T, target, origin string, form url.Values) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestOnlyRedirectURIsOnThisComputerCanBeServed(t *testing.T) {
	for _, uri := range []string{
		"https://partner.example/cb",
		"http://partner.example:8080/cb",
		"https://127.0.0.1:8443/cb",
		"http://127.0.0.1/cb", // no port: the browser would go to port 80
		"http://user@127.0.0.1:9000/cb",
		"http://10.0.0.1:9000/cb",
	} {
		if _, err := Listen(uri, "s"); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Listen(%q) = %v, want ErrNotLoopback", uri, err)
		}
		if Accepts(uri) {
			t.Errorf("Accepts(%q) = true; the app would offer a browser sign-in Listen refuses", uri)
		}
	}
	for _, uri := range []string{"http://127.0.0.1:8765/cb", "http://localhost:8765/cb", "http://[::1]:8765/cb", "http://LOCALHOST:80/cb"} {
		if !Accepts(uri) {
			t.Errorf("Accepts(%q) = false, want true", uri)
		}
	}
}

func TestTheRelayPageRunsOnlyItsOwnScript(t *testing.T) {
	redirect := freeRedirect(t, "127.0.0.1")
	listen(t, redirect, "s")
	resp, err := http.Get(redirect + "#access_token=x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'nonce-") || !strings.Contains(csp, "connect-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q is not nonce-only with connections to itself", csp)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(string(body), "history.replaceState") {
		t.Error("the page may be cached or does not clear the address from history")
	}
	if resp, _ := http.Get(strings.TrimSuffix(redirect, "/oauth/callback") + "/other"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another path answered %d, want 404", resp.StatusCode)
	}
}

func TestTheFirstPostWithTheStateFromItsOwnOriginIsTheAnswer(t *testing.T) {
	redirect := freeRedirect(t, "localhost")
	u, _ := url.Parse(redirect)
	target := strings.Replace(redirect, "localhost", "127.0.0.1", 1)
	r := listen(t, redirect, "the-state")
	origin := "http://" + u.Host
	good := url.Values{"fragment": {"access_token=tok&token_type=Bearer&state=the-state"}}

	if code := post(t, target, "", good); code != http.StatusForbidden {
		t.Errorf("a post without Origin: %d, want 403", code)
	}
	if code := post(t, target, "http://evil.example", good); code != http.StatusForbidden {
		t.Errorf("a post from another site: %d, want 403", code)
	}
	if code := post(t, target, origin, url.Values{"fragment": {"access_token=forged&state=guess"}}); code != http.StatusBadRequest {
		t.Errorf("a post with a wrong state: %d, want 400", code)
	}
	if code := post(t, target, origin, good); code != http.StatusNoContent {
		t.Fatalf("the real answer: %d, want 204", code)
	}
	if code := post(t, target, origin, good); code != http.StatusGone {
		t.Errorf("a second answer: %d, want 410", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := r.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := redirect + "#access_token=tok&token_type=Bearer&state=the-state"; got != want {
		t.Errorf("Wait = %q, want %q", got, want)
	}
}

func TestADenialInTheQueryIsHandedOnToo(t *testing.T) {
	redirect := freeRedirect(t, "127.0.0.1")
	u, _ := url.Parse(redirect)
	r := listen(t, redirect, "s")
	if code := post(t, redirect, "http://"+u.Host, url.Values{"query": {"error=access_denied&state=s"}}); code != http.StatusNoContent {
		t.Fatalf("denial: %d", code)
	}
	got, _ := r.Wait(context.Background())
	if got != redirect+"?error=access_denied&state=s" {
		t.Errorf("Wait = %q", got)
	}
}

func TestABusyPortNamesTheProgramHoldingIt(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Listen(fmt.Sprintf("http://127.0.0.1:%d/cb", ln.Addr().(*net.TCPAddr).Port), "s")
	var busy *PortBusyError
	if !errors.As(err, &busy) {
		t.Fatalf("Listen on a busy port = %v, want PortBusyError", err)
	}
	if !strings.Contains(busy.Program, fmt.Sprint(os.Getpid())) {
		t.Errorf("the busy port's owner is %q, want this test process (%d)", busy.Program, os.Getpid())
	}
	if !strings.Contains(busy.Error(), "register a redirect URI with another port") {
		t.Errorf("message %q does not say what to do", busy.Error())
	}
}

// TestARealBrowserDeliversTheFragment runs the relay page in headless
// Chromium, as the system browser would after the provider's redirect: the
// fragment never reaches a server, only the page's own script reads it.
func TestARealBrowserDeliversTheFragment(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is not installed (make deps-test installs it)")
	}
	redirect := freeRedirect(t, "127.0.0.1")
	r := listen(t, redirect, "st8")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	profile, err := os.MkdirTemp("", "partnerdesk-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+profile, "--virtual-time-budget=5000", "--dump-dom",
		redirect+"#access_token=from-browser&token_type=Bearer&expires_in=36000&state=st8")
	// Chromium starts helper processes: end them all with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	out := make(chan []byte, 1)
	go func() { b, _ := cmd.CombinedOutput(); out <- b }()
	got, err := r.Wait(ctx)
	if err != nil {
		t.Fatalf("no answer from the browser: %v\n%s", err, <-out)
	}
	if !strings.HasSuffix(got, "#access_token=from-browser&token_type=Bearer&expires_in=36000&state=st8") {
		t.Errorf("Wait = %q", got)
	}
	cancel()
	<-out
}

// freePort returns a port free right now on 127.0.0.1 and, when this
// computer has it, on ::1.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if !hasIPv6Loopback() {
			return port
		}
		if ln6, err := net.Listen("tcp", fmt.Sprintf("[::1]:%d", port)); err == nil {
			ln6.Close()
			return port
		}
	}
	t.Fatal("no port free on both 127.0.0.1 and ::1")
	return 0
}

// needIPv6Loopback skips, saying why, on a computer without ::1.
func needIPv6Loopback(t *testing.T) {
	t.Helper()
	if !hasIPv6Loopback() {
		t.Skip("skipped: this computer has no IPv6 loopback address (::1), so no program can take the port there and browsers use 127.0.0.1 only")
	}
}

// squat listens on addr:port as another local user's program would.
func squat(t *testing.T, addr string, port int) {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, fmt.Sprint(port)))
	if err != nil {
		t.Fatalf("the squatter could not listen on %s:%d: %v", addr, port, err)
	}
	t.Cleanup(func() { ln.Close() })
}

// getVia asks for target on the given address, with the Host header a
// browser sends for the redirect_uri.
func getVia(t *testing.T, addr string, port int, hostHeader, pathAndQuery string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+net.JoinHostPort(addr, fmt.Sprint(port))+pathAndQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = hostHeader
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET on %s: %v", addr, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestALocalhostRelayServesBothLoopbackAddresses(t *testing.T) {
	needIPv6Loopback(t)
	port := freePort(t)
	redirect := fmt.Sprintf("http://localhost:%d/cb", port)
	host := fmt.Sprintf("localhost:%d", port)
	r := listen(t, redirect, "st")

	for _, addr := range []string{"::1", "127.0.0.1"} {
		code, body := getVia(t, addr, port, host, "/cb?error=access_denied&state=st")
		if code != http.StatusOK || !strings.Contains(body, "history.replaceState") {
			t.Errorf("the relay page on %s: status %d, want the relay page", addr, code)
		}
		// While the relay runs, no other program can take the port there.
		if ln, err := net.Listen("tcp", net.JoinHostPort(addr, fmt.Sprint(port))); err == nil {
			ln.Close()
			t.Errorf("another program could listen on %s:%d while the relay runs", addr, port)
		}
	}

	// The answer posted on ::1, where browsers go first, is received.
	form := url.Values{"fragment": {"access_token=tok&token_type=Bearer&state=st"}}
	if code := post(t, fmt.Sprintf("http://[::1]:%d/cb", port), "http://"+host, form); code != http.StatusNoContent {
		t.Fatalf("the answer posted on ::1: %d, want 204", code)
	}
	got, err := r.Wait(context.Background())
	if err != nil || got != redirect+"#access_token=tok&token_type=Bearer&state=st" {
		t.Errorf("Wait = %q, %v", got, err)
	}
}

func TestAProgramOnEitherLoopbackAddressStopsALocalhostRelay(t *testing.T) {
	needIPv6Loopback(t)
	for _, taken := range []string{"::1", "127.0.0.1"} {
		t.Run("taken on "+taken, func(t *testing.T) {
			port := freePort(t)
			squat(t, taken, port)
			r, err := Listen(fmt.Sprintf("http://localhost:%d/cb", port), "st")
			if err == nil {
				r.Close()
				t.Fatalf("the relay started although another program holds %s:%d: the browser could hand it the token", taken, port)
			}
			var busy *PortBusyError
			if !errors.As(err, &busy) || busy.Port != port || busy.Address != taken {
				t.Fatalf("Listen = %v, want a PortBusyError for %s port %d", err, taken, port)
			}
			msg := busy.Error()
			for _, words := range []string{fmt.Sprintf("port %d", port), "close that program", "another port"} {
				if !strings.Contains(msg, words) {
					t.Errorf("message %q does not say %q", msg, words)
				}
			}
			if taken == "::1" && !strings.Contains(msg, "::1") {
				t.Errorf("message %q does not say the port is taken at ::1, where 127.0.0.1 looks free", msg)
			}
			// What the relay took before it found the port busy is let go.
			for _, addr := range []string{"127.0.0.1", "::1"} {
				if addr == taken {
					continue
				}
				ln, err := net.Listen("tcp", net.JoinHostPort(addr, fmt.Sprint(port)))
				if err != nil {
					t.Errorf("the refused relay still holds %s:%d: %v", addr, port, err)
					continue
				}
				ln.Close()
			}
		})
	}
}

func TestAnAddressRelayHoldsOnlyItsOwnAddress(t *testing.T) {
	needIPv6Loopback(t)
	for _, c := range []struct{ host, own, other string }{
		{"127.0.0.1", "127.0.0.1", "::1"},
		{"[::1]", "::1", "127.0.0.1"},
	} {
		t.Run(c.host, func(t *testing.T) {
			port := freePort(t)
			// The browser never goes to the other address for this
			// redirect_uri, so a program there does not matter.
			squat(t, c.other, port)
			redirect := fmt.Sprintf("http://%s:%d/cb", c.host, port)
			listen(t, redirect, "st")
			if code, _ := getVia(t, c.own, port, fmt.Sprintf("%s:%d", c.host, port), "/cb?state=st"); code != http.StatusOK {
				t.Errorf("the relay on %s answered %d", c.own, code)
			}
		})
	}
}

func TestARedirectPathWithBracesIsServedWhereTheBrowserGoes(t *testing.T) {
	port := freePort(t)
	listen(t, fmt.Sprintf("http://127.0.0.1:%d/cb/{id}", port), "st")
	// The browser %-codes the braces before it goes there (and Chromium the
	// other characters oauth.Matcher lists too).
	if code, _ := getVia(t, "127.0.0.1", port, fmt.Sprintf("127.0.0.1:%d", port), "/cb/%7Bid%7D?state=st"); code != http.StatusOK {
		t.Errorf("the coded path answered %d, want the relay page", code)
	}
}
