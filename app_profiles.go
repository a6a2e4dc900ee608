package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/profiles"
)

// Profile management and the token itself: the bindings behind the
// profile list, the token overview and "Show token".

// UpdateProfile changes a profile's settings or name. Its token, if any,
// stays: it was issued to the same client until the operator signs in again.
func (a *App) UpdateProfile(id string, in NewProfile) (ProfileView, error) {
	changed := profileFromInput(in)
	if err := profiles.CheckInput(changed); err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	var saved profiles.Profile
	err := a.env.Profiles.Update(func(f *profiles.File) error {
		p, ok := f.Find(id)
		if !ok {
			return fmt.Errorf("%w: the profile was removed meanwhile", profiles.ErrUnknown)
		}
		if other, taken := f.Find(changed.Name); taken && other.ID != p.ID {
			return fmt.Errorf("%w: another profile is already named %q", profiles.ErrExists, other.Name)
		}
		p.Name, p.ClientID, p.RedirectURI = changed.Name, changed.ClientID, changed.RedirectURI
		p.AuthorizeURL, p.APIBaseURL, p.Scopes = changed.AuthorizeURL, changed.APIBaseURL, changed.Scopes
		saved = *p
		return nil
	})
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	a.changed()
	return viewOf(saved, time.Now()), nil
}

func profileFromInput(in NewProfile) profiles.Profile {
	return profiles.Profile{
		Name:         strings.TrimSpace(in.Name),
		ClientID:     strings.TrimSpace(in.ClientID),
		RedirectURI:  strings.TrimSpace(in.RedirectURI),
		AuthorizeURL: strings.TrimSpace(in.AuthorizeURL),
		APIBaseURL:   strings.TrimRight(strings.TrimSpace(in.APIBaseURL), "/"),
		Scopes:       profiles.SplitScopes(in.Scopes),
	}
}

// RemoveProfile deletes a profile with its token, sign-in session and cache.
func (a *App) RemoveProfile(id string) error {
	_, err := a.service.Remove(a.ctx, id)
	a.changed()
	if err != nil {
		return errors.New(explain.Message(err))
	}
	return nil
}

// RemoveAllData removes every profile, token, sign-in session, cached
// result and log Partnerdesk keeps on this computer.
func (a *App) RemoveAllData() error {
	err := a.service.RemoveAll(a.ctx)
	a.mu.Lock()
	a.active, a.notice = "", ""
	a.mu.Unlock()
	a.changed()
	if err != nil {
		return errors.New(explain.Message(err))
	}
	return nil
}

// SignOutExpired signs out of every profile whose token has expired, and
// says how many.
func (a *App) SignOutExpired() (int, error) {
	f, err := a.env.Profiles.Load()
	if err != nil {
		return 0, errors.New(explain.Message(err))
	}
	n := 0
	now := time.Now()
	for _, p := range f.Profiles {
		if p.Token.SignedIn && p.Token.Expired(now) {
			if _, err := a.service.SignOut(a.ctx, p.ID); err != nil {
				a.changed()
				return n, errors.New(explain.Message(err))
			}
			n++
		}
	}
	a.changed()
	return n, nil
}

// MaskedToken shows which token a profile holds without showing it: its
// first and last four characters.
func (a *App) MaskedToken(id string) (string, error) {
	token, _, err := a.service.Token(a.ctx, id)
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	return Mask(token), nil
}

// Mask keeps the first and last four characters of a token; a token too
// short to mask that way is hidden whole.
func Mask(token string) string {
	if len(token) < 16 {
		return strings.Repeat("•", 8)
	}
	return token[:4] + "…" + token[len(token)-4:]
}

// ShowToken hands the token to the page: only when the operator pressed
// "Show token", which hides it again after 30 seconds.
func (a *App) ShowToken(id string) (string, error) {
	token, _, err := a.service.Token(a.ctx, id)
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	return token, nil
}

// ExportProfile saves a profile's settings, never its token, to a file the
// operator picks, for handing to a colleague.
func (a *App) ExportProfile(id string) (string, error) {
	f, err := a.env.Profiles.Load()
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	p, ok := f.Find(id)
	if !ok {
		return "", errors.New("The profile was removed meanwhile.")
	}
	data, err := profiles.Export(*p)
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	path, err := wailsruntime.SaveFileDialog(a.ctx, wailsruntime.SaveDialogOptions{
		Title:           "Save the profile " + p.Name,
		DefaultFilename: p.Name + profiles.ExchangeExt,
		Filters:         []wailsruntime.FileFilter{{DisplayName: "Partnerdesk profiles", Pattern: "*" + profiles.ExchangeExt}},
	})
	if err != nil {
		return "", fmt.Errorf("The save window could not be opened: %v", err)
	}
	if path == "" {
		return "", nil // cancelled
	}
	if !strings.HasSuffix(strings.ToLower(path), profiles.ExchangeExt) {
		path += profiles.ExchangeExt
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", fmt.Errorf("The profile could not be saved: %v", err)
	}
	return path, nil
}

// ImportProfileFile asks for a profile file and adds the profile in it.
func (a *App) ImportProfileFile() (*ProfileView, error) {
	path, err := wailsruntime.OpenFileDialog(a.ctx, wailsruntime.OpenDialogOptions{
		Title:   "Open a Partnerdesk profile",
		Filters: []wailsruntime.FileFilter{{DisplayName: "Partnerdesk profiles", Pattern: "*" + profiles.ExchangeExt}},
	})
	if err != nil {
		return nil, fmt.Errorf("The file window could not be opened: %v", err)
	}
	if path == "" {
		return nil, nil // cancelled
	}
	p, err := profiles.ImportFile(a.env.Profiles, path, "")
	if err != nil {
		return nil, errors.New(explain.Message(err))
	}
	a.SelectProfile(p.ID)
	a.changed()
	v := viewOf(p, time.Now())
	return &v, nil
}
