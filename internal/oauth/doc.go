// Package oauth holds the parts of signing in with OAuth2 as Zapier's
// Partner API uses it, for both grants behind one Flow: the implicit grant
// (RFC 6749 section 4.2, the token in the redirect's fragment) and the
// authorization-code grant with PKCE (section 4.1 and RFC 7636, a code in
// the redirect's query traded at the token endpoint with the client
// secret). It builds the authorize URL, makes and checks the one-use
// anti-CSRF state, decides whether a navigation target is the registered
// redirect_uri, reads the token, the code or the provider's error out of
// the address the provider redirected to, and talks to the token endpoint
// (TokenEndpoint: exchange and refresh, through golang.org/x/oauth2).
//
// It deliberately opens no window or browser and stores nothing, and its
// only networking is the token endpoint: the caller shows the authorize
// page, catches the redirect, and keeps the tokens and the client secret
// (in the keychain, never in a file or a log). Every error it returns is
// worded for the operator and never contains a token, a code or a secret,
// and a [Token] or a [ClientSecret] prints, logs and marshals only in a
// redacted form.
package oauth
