// Package explain turns the typed errors of Partnerdesk's packages into
// what an operator reads: what happened, and what to do next. The GUI and
// the CLI both show errors through it, so one failure reads the same
// everywhere. It never shows a token: none of the errors it reads carry one.
package explain

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"syscall"
	"time"

	"partnerdesk/internal/loopback"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/signin/window"
	"partnerdesk/internal/vault"
)

// Message says what went wrong and what to do next.
func Message(err error) string {
	if err == nil {
		return ""
	}
	var (
		provider    *oauth.ProviderError
		unavailable *vault.UnavailableError
		slow        *vault.TimeoutError
		apiErr      *partnerapi.APIError
		netErr      *partnerapi.NetworkError
		scopeErr    *partnerapi.ScopeError
		paramErr    *partnerapi.ParamError
		gaveUp      *partnerapi.GaveUpError
		badAnswer   *partnerapi.BadResponseError
		busy        *loopback.PortBusyError
	)
	switch {
	case errors.Is(err, oauth.ErrDeclined):
		return "You declined access on the sign-in page, so nothing was saved. Sign in again when you are ready."
	case errors.As(err, &provider):
		return provider.Error() + " Nothing was saved."
	case errors.Is(err, oauth.ErrStateMissing), errors.Is(err, oauth.ErrStateMismatch), errors.Is(err, oauth.ErrStateUsed):
		return "The answer from the sign-in page did not belong to this sign-in, so it was refused for your safety and nothing was saved. Try again; if it keeps happening, tell your technical lead."
	case errors.Is(err, oauth.ErrNoToken), errors.Is(err, oauth.ErrTokenType), errors.Is(err, oauth.ErrMalformed):
		return "The sign-in page sent back an answer Partnerdesk cannot use (" + err.Error() + "), so nothing was saved. Check that the profile's redirect URI is exactly the one registered with Zapier."

	case errors.Is(err, oauth.ErrNotRedirectURI):
		return "That address is not the profile's registered redirect URI. Once Zapier has sent you there, copy the whole address from the browser's address bar."
	case errors.Is(err, loopback.ErrNotLoopback):
		return "Signing in with the browser this way needs a redirect URI on this computer (http://127.0.0.1:PORT/...). Paste the address instead."
	case errors.As(err, &busy):
		return "Partnerdesk cannot receive the sign-in: " + busy.Error() + "."
	case errors.Is(err, window.ErrCancelled):
		return "Sign-in was cancelled before it finished. Nothing was saved."
	case errors.Is(err, window.ErrTimeout):
		return "The sign-in page never sent you back to the registered redirect URI. Check the profile's client ID, and that its redirect URI is exactly the one registered with Zapier, letter for letter. Then sign in again."
	case errors.Is(err, window.ErrInProgress):
		return "A sign-in window is already open. Finish or close it first."
	case errors.Is(err, window.ErrUnsupported):
		return "Signing in inside Partnerdesk is not supported on this system yet."
	case errors.Is(err, window.ErrNoDisplay):
		return "The sign-in window needs a desktop session, and none was found. Run this from a terminal inside your desktop."
	case errors.Is(err, window.ErrCrashed):
		return "The sign-in page stopped unexpectedly. Nothing was saved. Try again."

	case errors.As(err, &unavailable):
		return "Partnerdesk cannot reach your system keychain (" + unavailable.Reason + "). Tokens are kept only in the keychain, so nothing was saved. Make sure a keychain such as GNOME Keyring or KWallet is installed and running in your desktop session, then try again."
	case errors.As(err, &slow):
		return fmt.Sprintf("Your keychain did not answer within %s. It may be locked and waiting for its password: unlock it, then try again.", slow.After.Round(time.Second))
	case errors.Is(err, vault.ErrNotFound):
		return "This profile is not signed in. Sign in first."
	case errors.Is(err, vault.ErrTooLarge):
		return "The token is larger than your system keychain can hold, so it was not saved."

	case errors.Is(err, partnerapi.ErrTokenRejected):
		return "Zapier no longer accepts this token. Sign in again to get a new one."
	case errors.Is(err, partnerapi.ErrNeedsToken):
		return "This needs you to be signed in, with a token Zapier accepts. Sign in first."
	case errors.Is(err, partnerapi.ErrClientIDRejected):
		return "Zapier did not accept this profile's client ID for this request. Check the client ID in the profile: it must be exactly the one Zapier gave your company."
	case errors.As(err, &scopeErr):
		return fmt.Sprintf("This needs the %q scope, which this sign-in did not grant. Add the scope to the profile and sign in again.", scopeErr.Scope)
	case errors.As(err, &paramErr):
		return fmt.Sprintf("This list needs the %q parameter (for example ?%s=...). Add it and try again.", paramErr.Param, paramErr.Param)
	case errors.As(err, &gaveUp) && errors.As(err, &netErr):
		return fmt.Sprintf("Zapier's API at %s did not answer in time, %d times in a row. Check your connection, or try again in a few minutes.", netErr.Host, gaveUp.Tries)
	case errors.As(err, &gaveUp) && errors.As(err, &apiErr):
		return fmt.Sprintf("Zapier's API had a problem %d times in a row (it last answered %d). Try again in a few minutes.", gaveUp.Tries, apiErr.Status)
	case errors.As(err, &badAnswer), errors.Is(err, partnerapi.ErrPagingLoop):
		return capitalize(err.Error()) + " Try again later; if it keeps happening, tell your technical lead."
	case errors.Is(err, partnerapi.ErrListTooLong):
		return capitalize(err.Error()) + " Partnerdesk fetches no more at once: narrow the list with a filter, then try again."
	case errors.As(err, &apiErr):
		return apiMessage(apiErr)
	case errors.Is(err, syscall.ENOSPC):
		return "Partnerdesk could not save its settings: the disk is full. Free some space, then try again; nothing was changed."
	case errors.Is(err, syscall.EROFS):
		return "Partnerdesk could not save its settings: the disk or folder they live on is read-only. Nothing was changed."
	case errors.Is(err, fs.ErrPermission):
		return "Partnerdesk is not allowed to write its settings folder (" + pathOf(err) + "). Check the folder's owner and permissions; nothing was changed."
	case errors.As(err, &netErr):
		return "Partnerdesk could not reach " + netErr.Host + ". Check your internet connection; on a company network, ask your IT team whether a proxy or firewall blocks it."
	}
	return capitalize(err.Error())
}

// Wait says why the API client pauses, without the seconds (the page counts
// them down; the CLI adds them): kind is "rate-limited" when Zapier asked to
// slow down, "retry" for a back-off after a server error or a time-out.
func Wait(w partnerapi.Wait) (kind, reason string) {
	if w.Reason == partnerapi.WaitRateLimited {
		return "rate-limited", "Zapier asked Partnerdesk to slow down."
	}
	var apiErr *partnerapi.APIError
	what := "did not answer in time"
	if errors.As(w.Err, &apiErr) {
		what = fmt.Sprintf("had a problem (it answered %d)", apiErr.Status)
	}
	return "retry", fmt.Sprintf("Zapier's API %s; this is try %d of %d.", what, w.Try, w.Tries)
}

// KeychainAdvice explains, when the app starts, why the keychain cannot be
// used and how to fix it; "" when err is not about the keychain.
func KeychainAdvice(err error) string {
	var (
		unavailable *vault.UnavailableError
		slow        *vault.TimeoutError
	)
	switch {
	case errors.As(err, &unavailable):
		return "Partnerdesk cannot reach your system keychain (" + unavailable.Reason + "), where it keeps tokens. Make sure a keychain such as GNOME Keyring or KWallet is installed and running in your desktop session, then restart Partnerdesk."
	case errors.As(err, &slow):
		return fmt.Sprintf("Your keychain did not answer within %s: it may be locked and waiting for its password. Unlock it, then try again.", slow.After.Round(time.Second))
	}
	return ""
}

// pathOf names the file or folder an error is about, when it says.
func pathOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path
	}
	return "see the log"
}

func apiMessage(e *partnerapi.APIError) string {
	switch {
	case e.Status == http.StatusForbidden && e.Scope != "":
		return fmt.Sprintf("This needs the %q scope, which this token was not granted. Add the scope to the profile and sign in again.", e.Scope)
	case e.Status == http.StatusTooManyRequests:
		wait := "a minute"
		if e.RetryAfter > 0 {
			wait = e.RetryAfter.String()
		}
		return "Zapier is limiting how many requests can be made. Wait " + wait + " and try again."
	case e.Status >= 500:
		return fmt.Sprintf("Zapier's API had a problem (it answered %d). Try again in a few minutes.", e.Status)
	}
	return capitalize(e.Error())
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
