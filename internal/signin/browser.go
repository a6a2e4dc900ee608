package signin

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"partnerdesk/internal/loopback"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin/window"
)

// Browser opens an address in the operator's system browser.
type Browser func(url string) error

// ErrNotTheRedirect means a pasted address is not the registered
// redirect_uri, so it cannot be the answer of the sign-in; the attempt is
// still open and another address can be pasted.
var ErrNotTheRedirect = oauth.ErrNotRedirectURI

// SignInWithBrowser runs one attempt in the system browser for a profile
// whose registered redirect_uri is an http address on this computer: the
// app listens there for this attempt only and receives the redirect from
// the browser (internal/loopback). For other redirect URIs it returns
// loopback.ErrNotLoopback; use BeginPaste.
func (s *Service) SignInWithBrowser(ctx context.Context, nameOrID string, opts Options) (profiles.Profile, error) {
	a, err := s.begin(ctx, nameOrID, opts.Force)
	if err != nil {
		return profiles.Profile{}, err
	}
	receiver, err := loopback.Listen(a.profile.RedirectURI, a.flow.State())
	if err != nil {
		return a.profile, err
	}
	defer receiver.Close()

	if err := s.openBrowser(a.flow.AuthorizeURL()); err != nil {
		return a.profile, err
	}
	s.progress(StageBrowser)
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	redirect, err := receiver.Wait(ctx)
	if err != nil {
		return a.profile, waitError(err)
	}
	return s.finish(context.WithoutCancel(ctx), a, redirect)
}

func (s *Service) openBrowser(url string) error {
	if s.Browser == nil {
		return errors.New("no way to open the system browser is set up")
	}
	if err := s.Browser(url); err != nil {
		return fmt.Errorf("the system browser could not be opened: %w", err)
	}
	return nil
}

// PasteAttempt is a sign-in in the system browser whose answer the operator
// copies from the browser's address bar into the app: the method for
// registered redirect URIs the app cannot listen on.
type PasteAttempt struct {
	s       *Service
	a       *attempt
	matcher *oauth.Matcher
}

// BeginPaste starts a paste attempt and opens the authorize page in the
// system browser.
func (s *Service) BeginPaste(nameOrID string, force bool) (*PasteAttempt, error) {
	// The keychain has its own time-out (a code-grant profile's client
	// secret is read here).
	a, err := s.begin(context.Background(), nameOrID, force)
	if err != nil {
		return nil, err
	}
	m, err := oauth.NewMatcher(a.profile.RedirectURI)
	if err != nil {
		return nil, err
	}
	if err := s.openBrowser(a.flow.AuthorizeURL()); err != nil {
		return nil, err
	}
	s.progress(StageBrowser)
	return &PasteAttempt{s: s, a: a, matcher: m}, nil
}

// AuthorizeURL is the page the operator signs in on, for when the browser
// did not open by itself.
func (p *PasteAttempt) AuthorizeURL() string { return p.a.flow.AuthorizeURL() }

// Profile is the profile signing in.
func (p *PasteAttempt) Profile() profiles.Profile { return p.a.profile }

// Complete validates the pasted address exactly as an intercepted redirect
// (state included, one answer only) and stores the token. An address that
// is not the registered redirect_uri returns ErrNotTheRedirect and leaves
// the attempt open; any other outcome ends it.
func (p *PasteAttempt) Complete(ctx context.Context, pasted string) (profiles.Profile, error) {
	pasted = strings.TrimSpace(pasted)
	if !p.matcher.Match(pasted) {
		return p.a.profile, ErrNotTheRedirect
	}
	return p.s.finish(ctx, p.a, pasted)
}

// waitError turns the end of a wait into the sign-in window's errors, so
// every method reads the same to the operator.
func waitError(err error) error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return window.ErrTimeout
	case errors.Is(err, context.Canceled):
		return window.ErrCancelled
	}
	return err
}
