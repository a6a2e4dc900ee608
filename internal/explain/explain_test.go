package explain

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

func TestEveryKnownErrorReadsAsWhatHappenedAndWhatToDo(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("sign in %q: %w", "acme", err) }
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"a declined approval", wrap(&oauth.ProviderError{Code: "access_denied"}), []string{"declined", "Sign in again"}},
		{"a wrong state", wrap(oauth.ErrStateMismatch), []string{"did not belong to this sign-in", "Try again"}},
		{"a reused state", oauth.ErrStateUsed, []string{"did not belong to this sign-in"}},
		{"an unusable answer", wrap(oauth.ErrTokenType), []string{"cannot use", "redirect URI"}},
		{"a closed window", wrap(window.ErrCancelled), []string{"cancelled", "Nothing was saved"}},
		{"no redirect in time", wrap(window.ErrTimeout), []string{"client ID", "redirect URI", "letter for letter"}},
		{"a second window", window.ErrInProgress, []string{"already open"}},
		{"no keychain", wrap(&vault.UnavailableError{Reason: "no Secret Service on the session bus"}), []string{"no Secret Service", "nothing was saved", "GNOME Keyring"}},
		{"a locked keychain", wrap(&vault.TimeoutError{Op: "set", After: 30 * time.Second}), []string{"30s", "unlock it"}},
		{"no token", wrap(vault.ErrNotFound), []string{"not signed in", "Sign in first"}},
		{"a rejected token", wrap(&partnerapi.APIError{Status: 401, Path: "/v1/profiles/me"}), []string{"no longer accepts", "Sign in again"}},
		{"a missing scope", &partnerapi.APIError{Status: 403, Scope: "zap:runs"}, []string{`"zap:runs"`, "Add the scope"}},
		{"a rate limit", &partnerapi.APIError{Status: 429, RetryAfter: 42 * time.Second}, []string{"Wait 42s"}},
		{"a server fault", &partnerapi.APIError{Status: 502}, []string{"502", "few minutes"}},
		{"no network", &partnerapi.NetworkError{Host: "api.zapier.com", Err: errors.New("dial tcp: no route")}, []string{"could not reach api.zapier.com", "internet connection"}},
		{"an unknown profile", fmt.Errorf("%w: no profile is named %q", profiles.ErrUnknown, "x"), []string{"Unknown profile"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := Message(c.err)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Message = %q, want it to contain %q", msg, w)
				}
			}
			if strings.Contains(msg, "%!") || strings.Contains(msg, "<nil>") {
				t.Errorf("Message = %q has formatting debris", msg)
			}
		})
	}
	if Message(nil) != "" {
		t.Error("Message(nil) is not empty")
	}
}

func TestAPlainErrorIsShownAsASentence(t *testing.T) {
	if got := Message(errors.New("something odd happened")); got != "Something odd happened." {
		t.Errorf("got %q", got)
	}
}

func TestDiskTroubleReadsAsWhatToDo(t *testing.T) {
	cases := map[string]error{
		"disk is full":                fmt.Errorf("save profiles: %w", &fs.PathError{Op: "write", Path: "/home/x/.config/partnerdesk/profiles.json.tmp", Err: syscall.ENOSPC}),
		"read-only":                   fmt.Errorf("open profiles lock: %w", &fs.PathError{Op: "open", Path: "/ro/partnerdesk/profiles.json.lock", Err: syscall.EROFS}),
		"/home/x/.config/partnerdesk": &fs.PathError{Op: "mkdir", Path: "/home/x/.config/partnerdesk", Err: fs.ErrPermission},
	}
	for want, err := range cases {
		if got := Message(err); !strings.Contains(got, want) || !strings.Contains(got, "Nothing was changed") && !strings.Contains(got, "nothing was changed") {
			t.Errorf("Message(%v) = %q, want it to say %q and that nothing changed", err, got, want)
		}
	}
}

func TestABackOffWaitReadsAsARetryWithoutItsSeconds(t *testing.T) {
	kind, reason := Wait(partnerapi.Wait{Reason: partnerapi.WaitRetry, For: 4 * time.Second, Try: 2, Tries: 3,
		Err: &partnerapi.APIError{Status: 502}})
	if kind != "retry" || !strings.Contains(reason, "502") || !strings.Contains(reason, "try 2 of 3") || strings.Contains(reason, "4 s") {
		t.Errorf("waitPayload = %q, %q", kind, reason)
	}
}
