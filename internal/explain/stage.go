package explain

import "partnerdesk/internal/signin"

// Method is where the operator signs in, which the words of a stage name.
type Method string

const (
	InWindow  Method = "window"  // Partnerdesk's own sign-in window
	InBrowser Method = "browser" // the system browser (loopback or paste)
)

var windowStages = map[signin.Stage]string{
	signin.StageOpening:   "Opening the Zapier sign-in window…",
	signin.StageWaiting:   "Sign in and allow access in the Zapier window. Partnerdesk is waiting for it.",
	signin.StageBrowser:   "Sign in and allow access in your web browser. Partnerdesk is waiting for it.",
	signin.StageStoring:   "Saving the token in your keychain…",
	signin.StageVerifying: "Checking your account with Zapier…",
	signin.StageKeychain:  "Still waiting for the keychain. It may be asking for your password in another window: enter it to continue.",
}

var browserStages = map[signin.Stage]string{
	signin.StageOpening: "Opening Zapier’s page in your web browser…",
	signin.StageWaiting: "Sign in and allow access in your web browser. Partnerdesk is waiting for it and comes back to the front when it is done.",
	signin.StageBrowser: "Sign in and allow access in your web browser. Partnerdesk is waiting for it and comes back to the front when it is done.",
}

// Stage says what a sign-in is doing at a stage, for the operator: the app
// sends it with each progress event and the command line prints it. ""
// for a stage with nothing to say (the end).
func Stage(st signin.Stage, m Method) string {
	if m == InBrowser {
		if words, ok := browserStages[st]; ok {
			return words
		}
	}
	return windowStages[st]
}
