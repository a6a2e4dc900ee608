package credential

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"partnerdesk/internal/profiles"
)

// profileExpiries keeps expiries in profiles.json's token metadata, through
// the real profiles store: the shape the app's wiring takes, and what
// several test processes share.
type profileExpiries struct{ store *profiles.Store }

func (e profileExpiries) Expiry(id string) (time.Time, error) {
	f, err := e.store.Load()
	if err != nil {
		return time.Time{}, err
	}
	p, ok := f.Find(id)
	if !ok || p.Token.ExpiresAt == nil {
		return time.Time{}, nil
	}
	return *p.Token.ExpiresAt, nil
}

func (e profileExpiries) SetExpiry(id string, t time.Time) error {
	return e.store.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok {
			return errors.New("the profile was removed meanwhile")
		}
		if t.IsZero() {
			p.Token.ExpiresAt = nil
		} else {
			p.Token.ExpiresAt = &t
		}
		return nil
	})
}

// newProfilesFile makes a profiles.json in dir holding one profile named
// name, and returns its store and the profile's id.
func newProfilesFile(t testing.TB, dir, name string) (*profiles.Store, string) {
	t.Helper()
	store := &profiles.Store{Path: filepath.Join(dir, "profiles.json")}
	var id string
	err := store.Update(func(f *profiles.File) error {
		p, err := f.Add(profiles.Profile{Name: name, ClientID: testClientID, RedirectURI: "https://partner.invalid/oauth/callback"})
		if err == nil {
			id = p.ID
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return store, id
}

func TestExpiriesLiveInTheProfilesTokenMetadata(t *testing.T) {
	t.Parallel()
	store, id := newProfilesFile(t, t.TempDir(), "Acme")
	e := profileExpiries{store}
	at := time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC)
	if err := e.SetExpiry(id, at); err != nil {
		t.Fatal(err)
	}
	if got, err := e.Expiry(id); err != nil || !got.Equal(at) {
		t.Fatalf("Expiry = %v, %v; want %v", got, err, at)
	}
	f, _ := store.Load()
	if p, _ := f.Find(id); p.Token.ExpiresAt == nil || !p.Token.ExpiresAt.Equal(at) {
		t.Fatalf("profiles.json token metadata: %+v", p.Token)
	}
}
