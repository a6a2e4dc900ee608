package signin_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/loopback"
	"partnerdesk/internal/signin"
)

// ipv6Loopback reports whether this computer has ::1.
func ipv6Loopback() bool {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

// freeOnBoth returns a port free right now on 127.0.0.1 and ::1.
func freeOnBoth(t *testing.T) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "[::1]:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if ln4, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			ln4.Close()
			return port
		}
	}
	t.Fatal("no port free on both 127.0.0.1 and ::1")
	return 0
}

// A browser goes to ::1 first for localhost: another local user's program
// there would receive the redirect and the token. The sign-in must refuse
// to start, and say why, when either address is taken.
func TestABrowserSignInForLocalhostRefusesAPortTakenOnEitherAddress(t *testing.T) {
	if !ipv6Loopback() {
		t.Skip("skipped: this computer has no IPv6 loopback address (::1), so no program can take the port there")
	}
	for _, taken := range []string{"::1", "127.0.0.1"} {
		t.Run("taken on "+taken, func(t *testing.T) {
			port := freeOnBoth(t)
			squatter, err := net.Listen("tcp", net.JoinHostPort(taken, fmt.Sprint(port)))
			if err != nil {
				t.Fatal(err)
			}
			defer squatter.Close()
			f := signin.NewBrowserFixture(t, fmt.Sprintf("http://localhost:%d/callback", port))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f.Service().Browser = func(string) error {
				t.Error("the browser opened although another program holds the redirect's port")
				cancel()
				return nil
			}
			_, err = f.Service().SignInWithBrowser(ctx, "acme", signin.Options{})
			var busy *loopback.PortBusyError
			if !errors.As(err, &busy) {
				t.Fatalf("SignInWithBrowser = %v, want a busy port", err)
			}
			msg := explain.Message(err)
			for _, words := range []string{fmt.Sprintf("port %d", port), "close that program"} {
				if !strings.Contains(msg, words) {
					t.Errorf("the operator reads %q, which does not say %q", msg, words)
				}
			}
			if f.Secrets() != 0 {
				t.Error("a token was stored")
			}
		})
	}
}

func TestABrowserSignInForLocalhostIsReceivedOnEitherAddress(t *testing.T) {
	if !ipv6Loopback() {
		t.Skip("skipped: this computer has no IPv6 loopback address (::1); the relay then listens on 127.0.0.1 only")
	}
	for _, via := range []string{"::1", "127.0.0.1"} {
		t.Run("via "+via, func(t *testing.T) {
			port := freeOnBoth(t)
			redirect := fmt.Sprintf("http://localhost:%d/callback", port)
			f := signin.NewBrowserFixture(t, redirect)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			served := make(chan string, 1)
			// The browser: it loads the relay page and posts the answer, both
			// on the address it connected to.
			f.Service().Browser = func(authorizeURL string) error {
				go func() {
					answer, _ := url.Parse(signin.ProviderAnswer(t, authorizeURL))
					base := "http://" + net.JoinHostPort(via, fmt.Sprint(port)) + "/callback"
					// The fragment stays in the browser; the query, if any, is sent.
					page := base
					if answer.RawQuery != "" {
						page += "?" + answer.RawQuery
					}
					get, _ := http.NewRequest(http.MethodGet, page, nil)
					get.Host = answer.Host
					resp, err := http.DefaultClient.Do(get)
					if err != nil {
						served <- err.Error()
						cancel() // nothing will be posted: end the sign-in
						return
					}
					resp.Body.Close()
					served <- resp.Status
					form := url.Values{"query": {answer.RawQuery}, "fragment": {answer.Fragment}}
					req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(form.Encode()))
					req.Host = answer.Host
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Origin", "http://"+answer.Host)
					if resp, err := http.DefaultClient.Do(req); err == nil {
						resp.Body.Close()
					}
				}()
				return nil
			}
			_, err := f.Service().SignInWithBrowser(ctx, "acme", signin.Options{})
			if got := <-served; got != "200 OK" {
				t.Fatalf("the relay page on %s: %s", via, got)
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.Secret("p_acme") == "" {
				t.Errorf("the answer received on %s stored no token", via)
			}
		})
	}
}
