// Package signinwindow shows a provider's authorize page in a native window of
// its own and catches the navigation to the registered redirect_uri before it
// is loaded.
//
// The window has its own web view and its own web-data directory (cookies of
// the provider, kept per profile), so the app's main web view never shows a
// third-party page and a third-party page never sees the app's runtime. When a
// navigation or an HTTP redirect targets the registered redirect_uri (same
// scheme, host, effective port and path), the navigation is cancelled and its
// full URL, fragment included, is handed back: the redirect target is never
// contacted, so any registered redirect_uri works, even one whose host does
// not resolve.
//
// The window gives the pages it shows few powers: their web process runs in
// WebKit's bubblewrap sandbox, only https pages (and http ones on this
// computer) load in any frame, and only a main-frame navigation to the
// redirect_uri ends the attempt (one from an iframe is blocked and ignored).
//
// The package also holds SecretClipboard, the app's clipboard for tokens, and
// SecretWindows, the small window Show token opens, because GTK calls must
// run on the GTK thread this package already drives.
//
// The package does not parse or judge the redirect (internal/oauth does) and
// stores nothing but the web data the provider's pages leave behind.
package signinwindow

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"

	"partnerdesk/internal/signin/window"
)

// errNoFilter means WebKit did not accept the redirect filter; the window
// closes rather than risk requesting the redirect_uri.
var errNoFilter = errors.New("the sign-in window could not set up its protection of the redirect address, so it closed. Nothing was saved. Try again; if it keeps happening, tell your technical lead.")

// blockedByFilter reports whether a load error is WebKit's "blocked by a
// content blocker" (WebKitPolicyError 104, FrameLoadBlockedByContentBlocker
// in WebKit's API errors; not in WebKitGTK's public enum, stable since 2015).
func blockedByFilter(domain string, code int) bool {
	return domain == "WebKitPolicyError" && code == 104
}

// withDefaults fills in what the caller left out.
func withDefaults(o window.Options) window.Options {
	if o.Title == "" {
		o.Title = "Sign in"
	}
	return o
}

// windowTitle is what the title bar says while a page of host is shown: the
// window has no address bar, so the title is where the operator sees where
// they are typing their password.
func windowTitle(prefix, pageURI string, security Security) string {
	u, err := url.Parse(pageURI)
	if err != nil || u.Host == "" {
		return prefix
	}
	var how string
	switch security {
	case Secure:
		how = "secure connection"
	case CertificateProblem:
		how = "certificate problem"
	default:
		how = "NOT secure"
	}
	return fmt.Sprintf("%s: %s (%s)", prefix, u.Hostname(), how)
}

// Security says how a page arrived.
type Security int

const (
	// Insecure: plain http.
	Insecure Security = iota
	// Secure: https with a valid certificate.
	Secure
	// CertificateProblem: https with certificate errors.
	CertificateProblem
)

// loadFailure turns a WebKit load error into a message for the operator, or
// "" when the error is part of normal operation (our own interception, or a
// navigation superseded by another).
func loadFailure(domain string, code int, failingURI string) string {
	switch {
	case domain == "WebKitPolicyError" && code == 102: // frame load interrupted by policy change: our interception
		return ""
	case domain == "WebKitNetworkError" && code == 302: // cancelled: a newer navigation took over
		return ""
	case blockedByFilter(domain, code): // the redirect filter: the answer, or a spelling we refuse
		return ""
	}
	host := "the sign-in page"
	if u, err := url.Parse(failingURI); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	switch domain {
	case "g-resolver-error-quark":
		return fmt.Sprintf("Partnerdesk could not find %s. Check that this computer is connected to the internet; if it is, the sign-in address in this profile may be wrong.", host)
	case "g-tls-error-quark":
		return fmt.Sprintf("The secure connection to %s could not be set up, so the page was not opened. Check the date and time of this computer, or ask your IT team whether something intercepts secure connections.", host)
	case "g-io-error-quark", "soup-http-error-quark", "WebKitNetworkError":
		return fmt.Sprintf("Partnerdesk could not reach %s. Check your internet connection; if you are on a company network, ask your IT team whether a proxy or firewall blocks it.", host)
	}
	return fmt.Sprintf("The sign-in page at %s could not be opened.", host)
}

// messagePage is the plain page shown in the window when a page cannot be
// loaded. It has no script; its one link retries the sign-in page.
func messagePage(message, retryURL string) string {
	return `<!doctype html><html><head><meta charset="utf-8">` +
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">` +
		`<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;padding:48px 40px;color:#1d1d1f;background:#f6f6f7}` +
		`@media(prefers-color-scheme:dark){body{color:#eee;background:#1e1e20}a{color:#8ab4ff}}` +
		`h1{font-size:20px;font-weight:600;margin:0 0 12px}p{max-width:34em}a{font-weight:600}</style></head><body>` +
		`<h1>This page could not be opened</h1><p>` + html.EscapeString(message) + `</p>` +
		`<p><a href="` + html.EscapeString(retryURL) + `">Try again</a></p>` +
		`<p>You can also close this window; nothing has been changed.</p></body></html>`
}

// ambiguousAnswer is shown when the main frame and, at the same moment, a
// frame inside the page were both sent to the redirect address.
const ambiguousAnswer = "The sign-in page sent Partnerdesk two different answers at the same moment, so neither was used, for your safety. Nothing was saved. Try again; if this keeps happening, tell your technical lead."

// redactURL drops the query and fragment of a URL for diagnostics: they can
// hold a token or a state.
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i] + "?…"
	}
	return raw
}
