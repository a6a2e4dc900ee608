package credential

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"partnerdesk/internal/filelock"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/vault"
)

// DefaultMargin is how little of an access token's life may remain before
// Source renews it: a minute, not earlier, so a fresh token is used exactly
// as issued. (golang.org/x/oauth2 renews 10 s before expiry, which leaves
// too little time for a request to reach the API.)
const DefaultMargin = time.Minute

// LockWait is how long Source waits for another process renewing the same
// profile: two token endpoint time-outs, so a stuck holder gives an error
// rather than a hang.
const LockWait = 2 * oauth.TokenTimeout

// ErrSignedOut means the profile has no usable token and none can be had
// without a window: never signed in, an expired token with no refresh
// token, or a refresh token the provider refused. A *SignedOutError
// matches it.
var ErrSignedOut = errors.New("signed out")

// SignedOutReason says why a profile is signed out.
type SignedOutReason int

// The reasons for ErrSignedOut.
const (
	NotSignedIn    SignedOutReason = iota + 1 // no token stored
	Expired                                   // expired (or rejected) with no refresh token
	RefreshRefused                            // the provider refused the refresh token; tokens removed
)

// SignedOutError is ErrSignedOut for one profile, saying what to run.
type SignedOutError struct {
	Profile string // the profile's name, as the operator types it
	Reason  SignedOutReason
	Err     error // what the token endpoint said, for RefreshRefused
}

// Error says what happened and to run partnerdesk login --profile NAME.
func (e *SignedOutError) Error() string {
	var msg string
	switch e.Reason {
	case Expired:
		msg = fmt.Sprintf("The sign-in of profile %q has expired.", e.Profile)
	case RefreshRefused:
		msg = fmt.Sprintf("Zapier no longer accepts the saved sign-in of profile %q (it was revoked, or renewed by a copy of Partnerdesk elsewhere), so Partnerdesk signed it out.", e.Profile)
	default:
		msg = fmt.Sprintf("Profile %q is not signed in.", e.Profile)
	}
	return msg + " Sign in again: partnerdesk login --profile " + shellWord(e.Profile)
}

// Is makes a SignedOutError match ErrSignedOut.
func (e *SignedOutError) Is(target error) bool { return target == ErrSignedOut }

// Unwrap returns the token endpoint's error, if any.
func (e *SignedOutError) Unwrap() error { return e.Err }

// shellWord quotes a profile name for a shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Source gives one profile's valid access token. Set the fields before the
// first call; a Source may then be used from several goroutines, and
// several processes may each have one for the same profile.
//
// A Source reads the keychain once, then again only when the access token
// it remembers (the one it last gave, as loaded or saved) has less than
// Margin left, or when Renew is told the API rejected it. An API client
// asks for the token before every request, and a read per request cost a
// keychain round trip per page: 100 of them to list 10,000 Zaps. Renew
// always reads the keychain again under the renewal lock, so a token
// another process stored meanwhile is still found. Keep a Source for one
// job (one list, one command), not for the life of the app: a sign-out
// elsewhere shows only when the API rejects the remembered token.
type Source struct {
	ProfileID   string
	ProfileName string // for messages
	Store       *Store
	// Endpoint is the profile's token endpoint. A ClientSecret left empty
	// is read from the keychain when a refresh needs it.
	Endpoint oauth.TokenEndpoint
	// LockDir holds the lock files shared by every process that renews
	// tokens; required. It is created (0700) when missing.
	LockDir string
	// Margin is DefaultMargin when zero.
	Margin time.Duration
	// Now is time.Now when nil.
	Now func() time.Time
	// OnWait, if not nil, is called once when another process is renewing
	// this profile's token and this call waits for it, so the caller can
	// tell the operator what is being waited for.
	OnWait func()

	mu   sync.Mutex
	last Credential // the credential whose token was last given; zero: read the keychain
}

// Token returns a valid access token: the stored one while more than
// Margin of it remains, otherwise a renewed one. It is a *SignedOutError
// when there is no token and none can be had without a window.
func (s *Source) Token(ctx context.Context) (string, error) {
	if c := s.remembered(); !c.expiresWithin(s.now(), s.margin()) {
		return c.AccessToken, nil
	}
	c, err := s.Store.Load(ctx, s.ProfileID)
	if errors.Is(err, vault.ErrNotFound) {
		return "", &SignedOutError{Profile: s.ProfileName, Reason: NotSignedIn}
	}
	if err != nil {
		return "", err
	}
	if !c.expiresWithin(s.now(), s.margin()) {
		s.remember(c)
		return c.AccessToken, nil
	}
	return s.renew(ctx, "")
}

// Renew is for when the API rejected the access token rejected: it returns
// a renewed token, or the one another process stored since rejected was
// read.
func (s *Source) Renew(ctx context.Context, rejected string) (string, error) {
	if rejected == "" {
		return "", errors.New("renew: no rejected token given")
	}
	return s.renew(ctx, rejected)
}

func (s *Source) renew(ctx context.Context, rejected string) (string, error) {
	// The token remembered is the one expiring or rejected: until this
	// renewal succeeds, Token reads the keychain again, as it always did.
	s.remember(Credential{})
	unlock, err := s.lock(ctx)
	if err != nil {
		return "", err
	}
	defer unlock()

	// Another process may have renewed the token while this one waited.
	c, err := s.Store.Load(ctx, s.ProfileID)
	if errors.Is(err, vault.ErrNotFound) {
		return "", &SignedOutError{Profile: s.ProfileName, Reason: NotSignedIn}
	}
	if err != nil {
		return "", err
	}
	if c.AccessToken != rejected && !c.expiresWithin(s.now(), s.margin()) {
		s.remember(c)
		return c.AccessToken, nil
	}
	if c.RefreshToken == "" {
		return "", &SignedOutError{Profile: s.ProfileName, Reason: Expired}
	}

	endpoint := s.Endpoint
	if endpoint.ClientSecret == "" {
		if endpoint.ClientSecret, err = s.Store.ClientSecret(ctx, s.ProfileID); err != nil {
			return "", err
		}
	}
	logging.AddClientCredentials(endpoint.ClientID, string(endpoint.ClientSecret))
	start := time.Now()
	tok, err := endpoint.Refresh(ctx, c.RefreshToken)
	if errors.Is(err, oauth.ErrGrantRefused) {
		if serr := s.Store.SignOut(ctx, s.ProfileID); serr != nil {
			return "", fmt.Errorf("%w (and signing out failed: %w)", err, serr)
		}
		return "", &SignedOutError{Profile: s.ProfileName, Reason: RefreshRefused, Err: err}
	}
	if err != nil {
		return "", err
	}
	renewed := FromToken(oauth.GrantCode, tok, s.now())
	if err := s.Store.Save(ctx, s.ProfileID, renewed); err != nil {
		return "", fmt.Errorf("Partnerdesk renewed the sign-in but could not keep it in the keychain: %w", err)
	}
	s.remember(renewed)
	// For `make bench` (PARTNERDESK_DEBUG=1): durations only, never a token.
	slog.Debug("token renewed", "profile", s.ProfileID, "renew_ms", time.Since(start).Seconds()*1000)
	return renewed.AccessToken, nil
}

// remembered is the credential whose access token Token or Renew last
// gave, zero before the first or while a renewal is under way.
func (s *Source) remembered() Credential {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

func (s *Source) remember(c Credential) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = c
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Source) margin() time.Duration {
	if s.Margin > 0 {
		return s.Margin
	}
	return DefaultMargin
}

// lock takes the profile's renewal lock: an exclusive lock on
// LockDir/<id>.renew.lock (created 0600 and never removed: removing it
// would let two processes lock different files). flock belongs to the open
// file, so goroutines of one process exclude each other too, and the kernel
// drops the lock of a process that dies. It polls, so that ctx and LockWait
// can end the wait.
func (s *Source) lock(ctx context.Context) (unlock func(), err error) {
	if s.LockDir == "" {
		return nil, errors.New("renew token: no lock directory")
	}
	if s.ProfileID == "" || filepath.Base(s.ProfileID) != s.ProfileID || strings.HasPrefix(s.ProfileID, ".") {
		return nil, fmt.Errorf("renew token: unusable profile id %q", s.ProfileID)
	}
	if err := os.MkdirAll(s.LockDir, 0o700); err != nil {
		return nil, fmt.Errorf("renew token: %w", err)
	}
	path := filepath.Join(s.LockDir, s.ProfileID+".renew.lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("renew token: %w", err)
	}
	deadline := time.NewTimer(LockWait)
	defer deadline.Stop()
	backoff := time.Millisecond
	waited := false
	for {
		ok, err := filelock.TryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("renew token: lock %s: %w", path, err)
		}
		if ok {
			return func() {
				filelock.Unlock(f)
				f.Close()
			}, nil
		}
		if !waited && s.OnWait != nil {
			s.OnWait()
		}
		waited = true
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-deadline.C:
			f.Close()
			return nil, fmt.Errorf("Another Partnerdesk has been renewing the sign-in of profile %q for over %s. Try again; if it keeps happening, close the other Partnerdesk windows and commands.", s.ProfileName, LockWait)
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 20*time.Millisecond)
	}
}
