package vault

import (
	"fmt"
	"strings"
)

// A profile has up to three keychain entries, all under Service: the access
// token under the profile id itself (unchanged since the first release, so
// scripts that read it keep working), and, for the code grant, the refresh
// token and the client secret under the id followed by one of these
// suffixes. Profile ids hold no '/', so these names never clash with
// another profile's.
const (
	refreshSuffix      = "/refresh"
	clientSecretSuffix = "/client-secret"
)

// RefreshTokenUser is the keychain user that holds the profile's refresh
// token: "<id>/refresh".
func RefreshTokenUser(profileID string) string { return profileID + refreshSuffix }

// ClientSecretUser is the keychain user that holds the profile's client
// secret: "<id>/client-secret".
func ClientSecretUser(profileID string) string { return profileID + clientSecretSuffix }

// entryName says which entry a keychain user is, for error messages, e.g.
// `refresh token for profile "p_1"`.
func entryName(user string) string {
	if id, ok := strings.CutSuffix(user, refreshSuffix); ok {
		return fmt.Sprintf("refresh token for profile %q", id)
	}
	if id, ok := strings.CutSuffix(user, clientSecretSuffix); ok {
		return fmt.Sprintf("client secret for profile %q", id)
	}
	return fmt.Sprintf("token for profile %q", user)
}
