package profiles

import (
	"strings"

	"partnerdesk/internal/oauth"
)

// BindingChanges names, in the operator's words, what changed from old to
// changed that a token is bound to: the client it was issued to, the grant
// it was issued by, and the hosts it was issued by and is sent to (for the
// code grant, the token URL that renews it). A signed-in profile whose
// binding changes must be signed out first, so the old token never goes to
// a new host. An empty URL and the default it stands for are the same.
func BindingChanges(old, changed Profile) []string {
	var what []string
	if old.ClientID != changed.ClientID {
		what = append(what, "client ID")
	}
	if old.EffectiveGrant() != changed.EffectiveGrant() {
		what = append(what, "sign-in type")
	}
	if old.EffectiveAuthorizeURL() != changed.EffectiveAuthorizeURL() {
		what = append(what, "authorize URL")
	}
	if old.EffectiveAPIBaseURL() != changed.EffectiveAPIBaseURL() {
		what = append(what, "API base URL")
	}
	if old.EffectiveGrant() == oauth.GrantCode && changed.EffectiveGrant() == oauth.GrantCode &&
		old.EffectiveTokenURL() != changed.EffectiveTokenURL() {
		what = append(what, "token URL")
	}
	return what
}

// DropsClientSecret reports whether changing old into changed makes old's
// client secret useless, so it must be removed from the keychain: a
// code-grant profile whose client ID or token URL changes (a secret belongs
// to one client, and is sent only to the token URL it was given for), or
// that no longer uses the code grant.
func DropsClientSecret(old, changed Profile) bool {
	return old.EffectiveGrant() == oauth.GrantCode &&
		(changed.EffectiveGrant() != oauth.GrantCode ||
			old.ClientID != changed.ClientID || old.EffectiveTokenURL() != changed.EffectiveTokenURL())
}

// SignedOutReason is what the profile card says after a sign-out caused by
// the changes BindingChanges named.
func SignedOutReason(changes []string) string {
	return "Signed out because the profile's " + joinAnd(changes) +
		" changed: a token is only sent where it was issued. Sign in again to get a new one."
}

// joinAnd writes "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
