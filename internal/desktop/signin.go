package desktop

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/renewal"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/window"
)

// SignIn is the bound service of signing in and out, and of the token
// itself: it shows the token only natively (Show token's window, Copy
// token's secret clipboard) and never returns it.
type SignIn struct{ *shared }

// attempts is the one sign-in that may run at a time, of any method, and
// the silent renewals already tried.
type attempts struct {
	mu       sync.Mutex
	cancel   context.CancelFunc   // cancels the sign-in under way; nil when none
	silent   bool                 // the sign-in under way is a silent renewal
	ended    chan struct{}        // closed when the sign-in under way has ended
	signing  string               // the id of the profile signing in
	method   explain.Method       // how it signs in, for the words of its stages
	paste    *signin.PasteAttempt // the "paste the address" sign-in under way
	renewals renewal.Planner
}

// SignInOutcome is how a sign-in ended. Declining, cancelling and time-outs
// are outcomes, not errors: the page shows Message either way.
type SignInOutcome struct {
	OK        bool         `json:"ok"`
	Cancelled bool         `json:"cancelled"`
	Message   string       `json:"message"`
	Profile   *ProfileView `json:"profile"`
}

// ProgressEvent is the payload of "signin:progress": a stage of the sign-in
// under way, in the operator's words (explain.Stage).
type ProgressEvent struct {
	ProfileID string `json:"profileId"`
	Stage     string `json:"stage"`
	Message   string `json:"message"`
}

// StageDone ends every attempt's progress events.
const StageDone signin.Stage = "done"

func (sh *shared) progress(st signin.Stage) {
	a := &sh.attempts
	a.mu.Lock()
	id, method := a.signing, a.method
	a.mu.Unlock()
	sh.platform.Emit(EventSignInProgress, ProgressEvent{ProfileID: id, Stage: string(st), Message: explain.Stage(st, method)})
}

// SignIn opens the sign-in window for a profile and waits for it.
func (s *SignIn) SignIn(id string, force bool) SignInOutcome {
	called("SignIn")
	s.selectProfile(id)
	return s.signIn(id, signin.Options{Force: force, Timeout: signInTimeout})
}

// SignInWithBrowser signs in in the system browser, for providers that
// refuse embedded windows; the profile's redirect_uri must be on this
// computer (http://127.0.0.1:PORT/...). The app comes back to the front
// when the browser has delivered the answer.
func (s *SignIn) SignInWithBrowser(id string, force bool) SignInOutcome {
	called("SignInWithBrowser")
	s.selectProfile(id)
	out, _ := s.run(id, false, explain.InBrowser, func(ctx context.Context) (profiles.Profile, error) {
		return s.service.SignInWithBrowser(ctx, id, signin.Options{Force: force, Timeout: signInTimeout})
	})
	s.platform.RaiseWindow()
	return out
}

// PasteStart tells the page what the operator is to look for in the browser.
type PasteStart struct {
	AuthorizeURL string `json:"authorizeUrl"`
	RedirectURI  string `json:"redirectUri"`
}

// StartPaste opens the authorize page in the system browser for a sign-in
// whose answer the operator will paste (CompletePaste).
func (s *SignIn) StartPaste(id string, force bool) (PasteStart, error) {
	called("StartPaste")
	s.stopSilent()
	a := &s.attempts
	a.mu.Lock()
	busy := a.cancel != nil
	if !busy {
		a.signing, a.method = id, explain.InBrowser
	}
	a.mu.Unlock()
	if busy {
		s.platform.PresentSignInWindow()
		return PasteStart{}, errors.New(explain.Message(window.ErrInProgress))
	}
	attempt, err := s.service.BeginPaste(id, force)
	if err != nil {
		return PasteStart{}, errors.New(explain.Message(err))
	}
	a.mu.Lock()
	a.paste = attempt
	a.mu.Unlock()
	return PasteStart{AuthorizeURL: attempt.AuthorizeURL(), RedirectURI: attempt.Profile().RedirectURI}, nil
}

// PasteOutcome is a SignInOutcome that may invite another try.
type PasteOutcome struct {
	SignInOutcome
	Retry bool `json:"retry"`
}

// CompletePaste judges the pasted address exactly as an intercepted
// redirect. An address that is not the redirect URI keeps the attempt open
// (Retry); anything else ends it.
func (s *SignIn) CompletePaste(address string) PasteOutcome {
	called("CompletePaste")
	a := &s.attempts
	a.mu.Lock()
	attempt := a.paste
	a.mu.Unlock()
	if attempt == nil {
		return PasteOutcome{SignInOutcome: SignInOutcome{Message: "No sign-in is waiting for an address. Start again."}}
	}
	out, err := s.run(attempt.Profile().ID, false, explain.InBrowser, func(ctx context.Context) (profiles.Profile, error) {
		return attempt.Complete(ctx, address)
	})
	retry := errors.Is(err, signin.ErrNotTheRedirect)
	if !retry {
		s.forgetPaste()
	}
	return PasteOutcome{SignInOutcome: out, Retry: retry}
}

// CancelPaste forgets the paste sign-in under way.
func (s *SignIn) CancelPaste() {
	called("CancelPaste")
	s.forgetPaste()
}

func (s *SignIn) forgetPaste() {
	s.attempts.mu.Lock()
	s.attempts.paste = nil
	s.attempts.mu.Unlock()
}

func (s *SignIn) signIn(id string, opts signin.Options) SignInOutcome {
	out, _ := s.run(id, opts.Silent, explain.InWindow, func(ctx context.Context) (profiles.Profile, error) {
		return s.service.SignIn(ctx, id, opts)
	})
	return out
}

// renewSilently signs a profile in again without asking when the provider
// allows; when it needs the operator, the sign-in window shows itself. It
// does nothing while another sign-in is under way.
func (s *SignIn) renewSilently(id string) {
	s.attempts.mu.Lock()
	busy := s.attempts.cancel != nil
	s.attempts.mu.Unlock()
	if !busy {
		s.signIn(id, signin.Options{Silent: true, Timeout: signInTimeout})
	}
}

// run runs one sign-in of any method, one at a time, and turns its end
// into an outcome for the page; the error is for callers that branch on it.
// A sign-in the operator asked for first stops a silent renewal under way
// (stopSilent); silent tells which kind this one is.
func (s *SignIn) run(id string, silent bool, method explain.Method, signIn func(context.Context) (profiles.Profile, error)) (SignInOutcome, error) {
	if !silent {
		s.stopSilent()
	}
	ctx, cancel := context.WithCancel(s.context())
	a := &s.attempts
	a.mu.Lock()
	if a.cancel != nil {
		a.mu.Unlock()
		cancel()
		s.platform.PresentSignInWindow()
		return SignInOutcome{Message: explain.Message(window.ErrInProgress)}, window.ErrInProgress
	}
	a.signing, a.method = id, method
	a.cancel, a.silent = cancel, silent
	ended := make(chan struct{})
	a.ended = ended
	a.mu.Unlock()
	s.progress(signin.StageOpening) // at once, in this method's words
	defer func() {
		a.mu.Lock()
		a.cancel, a.silent, a.ended = nil, false, nil
		a.mu.Unlock()
		cancel()
		s.progress(StageDone)
		s.changed()
		close(ended) // last: its "done" goes out before the next sign-in begins
	}()

	p, err := signIn(ctx)
	switch {
	case err == nil, errors.Is(err, signin.ErrVerifyFailed):
		s.noteKeychain(nil) // the token reached the keychain: it works
	case explain.KeychainAdvice(err) != "":
		s.noteKeychain(err)
	}
	out := SignInOutcome{OK: err == nil || errors.Is(err, signin.ErrVerifyFailed)}
	if p.ID != "" {
		v := s.view(p, time.Now())
		out.Profile = &v
	}
	switch {
	case err == nil:
		out.Message = "Signed in."
		if v := out.Profile; v != nil && v.Identity != nil {
			out.Message = "Signed in as " + v.Identity.FullName + "."
		}
	case errors.Is(err, signin.ErrVerifyFailed):
		out.Message = "Signed in; the token is in your keychain. " + explain.Message(errors.Unwrap(err))
	default:
		out.Cancelled = errors.Is(err, oauth.ErrDeclined) || errors.Is(err, window.ErrCancelled)
		out.Message = explain.Message(err)
	}
	return out, err
}

// stopSilent cancels a silent renewal under way and waits until it has
// ended. Its window is hidden unless the provider asked for the operator, so
// a sign-in the operator asks for meanwhile would otherwise be refused with
// "a sign-in window is already open" while none can be seen; the renewal is
// not tried again for the same token (renewal.Planner).
func (s *SignIn) stopSilent() {
	a := &s.attempts
	a.mu.Lock()
	cancel, ended, silent := a.cancel, a.ended, a.silent
	a.mu.Unlock()
	if silent && cancel != nil {
		cancel()
		<-ended
	}
}

// CancelSignIn closes the sign-in window of the attempt in progress.
func (s *SignIn) CancelSignIn() {
	called("CancelSignIn")
	s.attempts.mu.Lock()
	cancel := s.attempts.cancel
	s.attempts.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// Verify checks a profile's token with Zapier now.
func (s *SignIn) Verify(id string) (ProfileView, error) {
	called("Verify")
	p, err := s.service.Verify(s.context(), id)
	s.changed()
	if err != nil && !errors.Is(err, signin.ErrVerifyFailed) && p.ID == "" {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	v := s.view(p, time.Now())
	if v.TokenInvalid {
		s.retryRejected(p)
	}
	if err != nil && !v.TokenInvalid {
		return v, errors.New(explain.Message(err))
	}
	return v, nil
}

// SignOut deletes a profile's token and clears its sign-in session, the
// clipboard if it holds that token, and the window showing it.
func (s *SignIn) SignOut(id string) (ProfileView, error) {
	called("SignOut")
	s.forgetShown(id)
	p, err := s.service.SignOut(s.context(), id)
	s.changed()
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return s.view(p, time.Now()), nil
}

// SignOutExpired signs out of every profile whose token has expired, and
// says how many.
func (s *SignIn) SignOutExpired() (int, error) {
	called("SignOutExpired")
	f, err := s.loadProfiles()
	if err != nil {
		return 0, errors.New(explain.Message(err))
	}
	n := 0
	now := time.Now()
	for _, p := range f.Profiles {
		if p.Token.SignedIn && p.Token.Expired(now) {
			s.forgetShown(p.ID)
			if _, err := s.service.SignOut(s.context(), p.ID); err != nil {
				s.changed()
				return n, errors.New(explain.Message(err))
			}
			n++
		}
	}
	s.changed()
	return n, nil
}

// CopyToken puts a profile's token on the system clipboard, marked as a
// secret and cleared after a while. The token goes from the keychain to the
// clipboard in Go and never reaches the page.
func (s *SignIn) CopyToken(id string) error {
	called("CopyToken")
	token, _, err := s.service.Token(s.context(), id)
	if err != nil {
		return errors.New(explain.Message(err))
	}
	if err := s.platform.CopySecret(token); err != nil {
		return errors.New("The token could not be put on the clipboard. Try again.")
	}
	s.copied(id)
	return nil
}

// MaskedToken shows which token a profile holds without showing it: its
// first and last four characters.
func (s *SignIn) MaskedToken(id string) (string, error) {
	called("MaskedToken")
	token, _, err := s.service.Token(s.context(), id)
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	return Mask(token), nil
}

// Mask keeps the first and last four characters of a token; a token too
// short to mask that way is hidden whole.
func Mask(token string) string {
	if len(token) < 16 {
		return strings.Repeat("•", 8)
	}
	return token[:4] + "…" + token[len(token)-4:]
}

// ShowToken shows a profile's whole token in a native window of its own,
// where the operator can read and select it, and returns when that window
// is closed. The token never reaches the page: a script in it (a
// compromised package, say) could send it anywhere.
func (s *SignIn) ShowToken(id string) error {
	called("ShowToken")
	token, p, err := s.service.Token(s.context(), id)
	if err != nil {
		return errors.New(explain.Message(err))
	}
	if err := s.platform.ShowSecret(id, TokenWindowTitle(p.Name), token); err != nil {
		return errors.New("The token could not be shown. Try again.")
	}
	return nil
}

// TokenWindowTitle names the profile whose token the window shows; it is
// also the window's name for screen readers.
func TokenWindowTitle(profileName string) string {
	return "Token of " + profileName
}
