package logging

import (
	"encoding/base64"
	"net/url"
)

// AddClientCredentials registers a code-grant client's secret, and the
// HTTP Basic credential made of the client ID and the secret (what a token
// request carries in its Authorization header, base64 of "id:secret" with
// both parts form-escaped, as RFC 6749 2.3.1 and golang.org/x/oauth2 write
// it). The Basic credential is a secret of its own: it holds the secret,
// but as base64 of a longer text none of the secret's registered forms
// appear in it. The client ID alone is not a secret and stays readable.
func AddClientCredentials(clientID, secret string) {
	if len(secret) < minSecretLen {
		return
	}
	defaultSecrets.Add(secret)
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(clientID) + ":" + url.QueryEscape(secret)))
	defaultSecrets.Add(basic)
}
