package signin

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/signintest"
	"partnerdesk/internal/signin/window"
)

// errCloseFailed is a window's failure to close.
var errCloseFailed = errors.New("the window could not be closed")

func TestASignInWhoseWindowFailsToCloseStillFreesTheNextAttempt(t *testing.T) {
	old := windowGrace
	windowGrace = 50 * time.Millisecond
	t.Cleanup(func() { windowGrace = old })

	cases := []struct {
		name    string
		opts    Options
		cancel  bool // the operator cancels; otherwise the time-out ends it
		closing func(ctx context.Context, release <-chan struct{}) error
		want    error
	}{
		{"a window that never confirms it closed, cancelled", Options{}, true,
			func(_ context.Context, release <-chan struct{}) error { <-release; return errCloseFailed },
			window.ErrCancelled},
		{"a window that never confirms it closed, timed out", Options{Timeout: 10 * time.Millisecond}, false,
			func(_ context.Context, release <-chan struct{}) error { <-release; return errCloseFailed },
			window.ErrTimeout},
		{"a window whose close fails", Options{}, true,
			func(ctx context.Context, _ <-chan struct{}) error { <-ctx.Done(); return errCloseFailed },
			errCloseFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, sandbox.ApproveAuto)
			release := make(chan struct{}) // the stuck window lets go when the test ends
			t.Cleanup(func() { close(release) })
			var opened atomic.Bool
			f.svc.Window = func(ctx context.Context, _ window.Options) (string, error) {
				opened.Store(true)
				return "", c.closing(ctx, release)
			}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ended := make(chan error, 1)
			go func() {
				_, err := f.svc.SignIn(ctx, "acme", c.opts)
				ended <- err
			}()
			if c.cancel {
				for !opened.Load() {
					time.Sleep(time.Millisecond)
				}
				cancel()
			}
			select {
			case err := <-ended:
				if !errors.Is(err, c.want) {
					t.Fatalf("SignIn = %v, want %v", err, c.want)
				}
			case <-time.After(30 * time.Second): // a failure deadline, not a measure of speed
				t.Fatal("SignIn still waits for a window that cannot close")
			}

			// The next attempt starts, with a window that works, and signs in.
			var next atomic.Bool
			f.svc.Window = func(ctx context.Context, o window.Options) (string, error) {
				next.Store(true)
				return signintest.FollowRedirects(ctx, o)
			}
			if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
				t.Fatalf("the next SignIn = %v, want it to sign in", err)
			}
			if !next.Load() || f.vault.secrets["p_acme"] == "" {
				t.Error("the next sign-in did not open its window or store its token")
			}
		})
	}
}
