package main

import (
	"context"
	"testing"

	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin/window"
)

// hiddenThenRedirect stands in for the sign-in window: a hidden one (a
// silent renewal) stays open, unseen, until it is cancelled, as when the
// provider's page is slow; a visible one signs in at once (redirectWindow).
type hiddenThenRedirect struct {
	redirectWindow
	hiddenOpen chan struct{} // receives when a hidden window opens
}

func (w *hiddenThenRedirect) open(ctx context.Context, o window.Options) (string, error) {
	if !o.Hidden {
		return w.redirectWindow.open(ctx, o)
	}
	w.mu.Lock()
	w.opened = append(w.opened, o)
	w.mu.Unlock()
	w.hiddenOpen <- struct{}{}
	<-ctx.Done()
	return "", window.ErrCancelled
}

// A sign-in the operator asks for (the rejected-token banner's "Sign in
// again", any sign-in button) while a silent renewal's hidden window is
// open stops the renewal and goes ahead, rather than saying a sign-in
// window is open that the operator cannot see.
func TestASignInTheOperatorAsksForStopsAHiddenRenewal(t *testing.T) {
	for name, signIn := range map[string]func(b *browser) string{
		"sign in": func(b *browser) string {
			out := b.app.SignIn(b.profile.ID, true)
			if !out.OK {
				return out.Message
			}
			return ""
		},
		"paste the address": func(b *browser) string {
			if _, err := b.app.StartPaste(b.profile.ID, true); err != nil {
				return err.Error()
			}
			return ""
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t, sandbox.Options{}, "profile zap")
			b.app.ctx = t.Context()
			window := &hiddenThenRedirect{hiddenOpen: make(chan struct{}, 1)}
			b.app.service.Window = window.open
			b.app.service.Browser = func(string) error { return nil } // paste: the system browser
			renewed := make(chan struct{})
			go func() {
				b.app.renewSilently(b.profile.ID)
				close(renewed)
			}()
			<-window.hiddenOpen

			if msg := signIn(b); msg != "" {
				t.Fatalf("the sign-in the operator asked for ended with %q", msg)
			}
			<-renewed // the renewal ended: it was stopped, not left running
			if name == "sign in" {
				tried := window.attempts()
				if len(tried) != 2 || !tried[0].Hidden || tried[1].Hidden {
					t.Errorf("sign-in windows opened: %+v; want the hidden renewal, then a visible one", tried)
				}
			}
		})
	}
}
