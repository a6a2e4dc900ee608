package profiles

import "strings"

// BindingChanges names, in the operator's words, what changed from old to
// changed that a token is bound to: the client it was issued to and the
// hosts it was issued by and is sent to. A signed-in profile whose binding
// changes must be signed out first, so the old token never goes to a new
// host. An empty URL and the default it stands for are the same.
func BindingChanges(old, changed Profile) []string {
	var what []string
	if old.ClientID != changed.ClientID {
		what = append(what, "client ID")
	}
	if old.EffectiveAuthorizeURL() != changed.EffectiveAuthorizeURL() {
		what = append(what, "authorize URL")
	}
	if old.EffectiveAPIBaseURL() != changed.EffectiveAPIBaseURL() {
		what = append(what, "API base URL")
	}
	return what
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
