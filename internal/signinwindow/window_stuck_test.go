//go:build linux && cgo && !display

package signinwindow

import (
	"context"
	"errors"
	"testing"
	"time"

	"partnerdesk/internal/signin/window"
)

// No GTK loop runs in this test binary (the display tests run one), so a
// window asked to open or close never is, and GTK never confirms it gone:
// a window that failed to close.
func TestAWindowThatNeverConfirmsItClosedDoesNotHoldTheNextSignIn(t *testing.T) {
	old := destroyWait
	destroyWait = 20 * time.Millisecond
	t.Cleanup(func() { destroyWait = old })
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the operator pressed Cancel
	opts := window.Options{AuthorizeURL: "http://127.0.0.1:9/oauth/authorize/", RedirectURI: "https://partner.invalid/oauth/callback"}

	if _, err := Open(ctx, opts); !errors.Is(err, window.ErrCancelled) {
		t.Fatalf("first Open = %v, want window.ErrCancelled", err)
	}
	if _, err := Open(ctx, opts); errors.Is(err, window.ErrInProgress) {
		t.Fatal("the window that never closed still holds the next sign-in: Open says one is in progress")
	} else if !errors.Is(err, window.ErrCancelled) {
		t.Fatalf("second Open = %v, want it to run (and be cancelled)", err)
	}
}
