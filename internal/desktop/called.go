package desktop

import "log/slog"

// called notes in the debug log (PARTNERDESK_DEBUG) that the page called a
// bound method: its name only, never its arguments or its result, which can
// hold a pasted address with a token in it. The e2e tests read these
// records to name the bound methods no GUI test reaches. Each bound method
// of every service calls it first (method names are unique across the
// services); Go code calling a bound method calls its unexported twin
// instead, so the record means the page asked.
func called(method string) {
	slog.Debug("bound call", "method", method)
}
