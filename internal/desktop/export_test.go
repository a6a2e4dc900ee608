package desktop

import (
	"context"
	"time"

	"partnerdesk/internal/profiles"
)

// What the tests in package desktop_test reach inside the services.

// Start gives the services the app's context without the background loops.
func (s *Services) Start(ctx context.Context) { s.shared.start(ctx) }

// RenewSilently is SignIn.renewSilently.
func (s *Services) RenewSilently(id string) { s.SignIn.renewSilently(id) }

// ImportAtStart is a profile file handed over at start or by a second launch.
func (s *Services) ImportAtStart(path string) { s.Profiles.importAtStart(path) }

// OpenProfileFile is what the Import button does once a file is picked.
func (s *Services) OpenProfileFile(path string) (ImportResult, error) {
	return s.Profiles.openProfileFile(path)
}

// SetBrowser replaces how the sign-in opens the system browser.
func (s *Services) SetBrowser(open func(string) error) { s.shared.service.Browser = open }

// WatchProfiles runs the profiles.json watcher, polling every poll.
func (s *Services) WatchProfiles(ctx context.Context, poll time.Duration) {
	old := profilesPoll
	profilesPoll = poll
	defer func() { profilesPoll = old }()
	s.Session.watchProfiles(ctx)
}

var ViewOf = viewOf

// RefreshDue is one round of the renewal loop for the code grant.
func (s *Services) RefreshDue() {
	f, err := s.shared.store.Load()
	if err == nil {
		s.shared.refreshDue(f.Profiles, time.Now())
	}
}

// Rejected is what Browse does when Zapier refuses a profile's token.
func (s *Services) Rejected(p profiles.Profile) { s.shared.rejected(p) }

const RefreshLead = refreshLead
