//go:build linux && cgo

package signinwindow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/signin/window"
)

func TestNoWindowOpensWhenTheSandboxCannotStart(t *testing.T) {
	cases := []struct {
		name, bwrap, env, want string
	}{
		{"switched off in the environment", bwrapPath, "1", "WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS"},
		{"bubblewrap missing", "/nonexistent/bwrap", "", "install the bubblewrap"},
		{"bubblewrap not allowed to make its sandbox", "/bin/false", "", "user namespaces"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			saved := bwrapPath
			t.Cleanup(func() {
				bwrapPath = saved
				sandboxMu.Lock()
				sandboxOK = false
				sandboxMu.Unlock()
			})
			bwrapPath = c.bwrap
			sandboxMu.Lock()
			sandboxOK = false
			sandboxMu.Unlock()
			t.Setenv("WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS", c.env)
			// No GTK loop turns here: a window Open went on to show would
			// wait for its timeout.
			_, err := Open(context.Background(), window.Options{AuthorizeURL: "https://zapier.com/oauth/authorize/", RedirectURI: "https://partner.invalid/cb", Timeout: time.Second})
			if !errors.Is(err, window.ErrNoSandbox) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Open = %v, want window.ErrNoSandbox saying %q", err, c.want)
			}
		})
	}
}

func TestAFirstPageThatIsNotAWebPageOpensNoWindow(t *testing.T) {
	for _, first := range []string{"file:///etc/hostname", "data:text/html,hi", "http://zapier.com/oauth/authorize/"} {
		if _, err := Open(context.Background(), window.Options{AuthorizeURL: first, RedirectURI: "https://partner.invalid/cb", Timeout: time.Second}); !errors.Is(err, errNotLoadable) {
			t.Errorf("Open(%s) = %v, want errNotLoadable", first, err)
		}
	}
}

func TestAnHTTPRedirectIsTheAnswerOnlyWhenItIsTheOnlyOne(t *testing.T) {
	const registered = "https://partner.invalid/cb"
	matcher, _ := oauth.NewMatcher(registered)
	filter, _ := newRedirectFilter(registered)
	cases := []struct {
		name, failing string
		targets       []string
		want          string
		ok            bool
	}{
		{"a direct navigation reports the answer itself", registered + "#access_token=a", nil, registered + "#access_token=a", true},
		{"a redirect reports the page that redirected", "https://zapier.com/authorize", []string{registered + "#access_token=a"}, registered + "#access_token=a", true},
		{"an iframe redirected at the same moment: neither", "https://zapier.com/authorize", []string{registered + "#access_token=a", registered + "#access_token=evil"}, "", false},
		{"no redirect seen: nothing", "https://zapier.com/authorize", nil, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &attempt{matcher: matcher, filter: filter, redirectTargets: c.targets}
			got, ok := a.answer(c.failing)
			if got != c.want || ok != c.ok {
				t.Errorf("answer = %q, %v; want %q, %v", got, ok, c.want, c.ok)
			}
		})
	}
}
