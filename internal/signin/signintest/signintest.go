// Package signintest holds a stand-in for the sign-in window, for the tests
// of the packages that sign in (internal/signin, internal/cli): it needs no
// display. It is for tests only: nothing else imports it.
package signintest

import (
	"context"
	"net/http"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/signin/window"
)

// FollowRedirects plays the sign-in window when the provider needs no one
// to click (the sandbox in auto mode): it loads the authorize page over
// real HTTP, follows the provider's redirects and stops at the registered
// redirect_uri, as the window's decide-policy does, returning that address.
// No redirect there is window.ErrTimeout.
func FollowRedirects(ctx context.Context, opts window.Options) (string, error) {
	m, err := oauth.NewMatcher(opts.RedirectURI)
	if err != nil {
		return "", err
	}
	var caught string
	client := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if u := req.URL.String(); m.Match(u) {
			caught = u
			return http.ErrUseLastResponse
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opts.AuthorizeURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if caught == "" {
		return "", window.ErrTimeout
	}
	return caught, nil
}
