// Package oauth holds the pure parts of signing in with the OAuth2 implicit
// grant (RFC 6749 section 4.2) as Zapier's Partner API uses it: it builds the
// authorize URL, makes and checks the one-use anti-CSRF state, decides whether
// a navigation target is the registered redirect_uri, and reads the token or
// the provider's error out of the address the provider redirected to.
//
// It deliberately does no networking, opens no window or browser, and stores
// nothing: the caller shows the authorize page, catches the redirect, and keeps
// the token (in the keychain, never in a file or a log). Every error it
// returns is worded for the operator and never contains the token, and a
// [Token] prints, logs and marshals only in a redacted form.
package oauth
