//go:build linux && !display

package signinwindow

import (
	"context"
	"errors"
	"testing"
	"time"
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
	opts := Options{AuthorizeURL: "http://127.0.0.1:9/oauth/authorize/", RedirectURI: "https://partner.invalid/oauth/callback"}

	if _, err := Open(ctx, opts); !errors.Is(err, ErrCancelled) {
		t.Fatalf("first Open = %v, want ErrCancelled", err)
	}
	if _, err := Open(ctx, opts); errors.Is(err, ErrInProgress) {
		t.Fatal("the window that never closed still holds the next sign-in: Open says one is in progress")
	} else if !errors.Is(err, ErrCancelled) {
		t.Fatalf("second Open = %v, want it to run (and be cancelled)", err)
	}
}
