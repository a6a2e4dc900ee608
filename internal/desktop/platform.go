package desktop

// Platform is everything the services need from the desktop around them: the
// Wails runtime and the native pieces (the secret clipboard, the windows that
// show a token). The app's wiring passes the real one (the root package's
// Wails adapter); tests pass a recording one. Nothing in internal/ imports the
// Wails runtime: it is reached only through this interface.
type Platform interface {
	// Emit sends an event to the page.
	Emit(event string, payload any)
	// Notify shows a desktop notification; a later one with the same id
	// replaces it. It reports false when the desktop has no notification
	// service.
	Notify(id, title, body string) bool
	// CopyText puts ordinary text (a row as JSON) on the clipboard.
	CopyText(text string) error
	// OpenURL opens an address in the system browser.
	OpenURL(address string)
	// SaveFile and OpenFile ask for a file with the desktop's file
	// window; "" and no error when the operator cancels.
	SaveFile(title, defaultName string, filter FileFilter) (string, error)
	OpenFile(title string, filter FileFilter) (string, error)
	// RaiseWindow brings the app's window to the front.
	RaiseWindow()

	// CopySecret puts a token on the clipboard marked as a secret and clears
	// it after a while; ClearSecret clears it now if it still holds the copy.
	CopySecret(text string) error
	ClearSecret()
	// ShowSecret shows a token in a native window of its own, outside the
	// page, one per profile; it returns when that window closes.
	ShowSecret(profileID, title, token string) error
	CloseSecret(profileID string)
	CloseAllSecrets()

	// PresentSignInWindow brings the open sign-in window to the front;
	// CloseSignInWindows closes every one (the app quits).
	PresentSignInWindow()
	CloseSignInWindows()
}

// FileFilter narrows a file window to one kind of file.
type FileFilter struct {
	DisplayName string // "Partnerdesk profiles"
	Pattern     string // "*.partnerdesk"
}
