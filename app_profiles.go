package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	wailsruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
)

// Profile management and the token itself: the bindings behind the
// profile list, the token overview and "Show token".

// UpdateProfile changes a profile's settings or name. A signed-in profile
// whose client ID or addresses change is signed out first (signin.Update),
// and its view then says why.
func (a *App) UpdateProfile(id string, in NewProfile) (ProfileView, error) {
	a.called("UpdateProfile")
	changed := profileFromInput(in)
	saved, signedOut, err := a.service.Update(a.ctx, id, func(p *profiles.Profile) {
		p.Name, p.ClientID, p.RedirectURI = changed.Name, changed.ClientID, changed.RedirectURI
		p.AuthorizeURL, p.APIBaseURL, p.Scopes = changed.AuthorizeURL, changed.APIBaseURL, changed.Scopes
	})
	if signedOut {
		a.forgetShown(id)
	}
	a.changed()
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
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
	a.called("RemoveProfile")
	p, err := a.service.Remove(a.ctx, id, false)
	a.changed()
	var kept *signin.TokenKeptError
	if errors.As(err, &kept) {
		return fmt.Errorf("The profile “%s” was not removed: it is signed in, and its token could not be deleted from your keychain: %s. "+
			"Start or unlock your keychain and try again. To remove the profile anyway and leave its token in the keychain, run "+
			"partnerdesk profile remove %q --keep-token in a terminal.", p.Name, kept.Why(), p.Name)
	}
	if err != nil {
		return errors.New(explain.Message(err))
	}
	a.forgetShown(id)
	return nil
}

// RemoveAllData removes every profile, token, sign-in session, cached
// result and log Partnerdesk keeps on this computer.
func (a *App) RemoveAllData() error {
	a.called("RemoveAllData")
	a.forgetShown("")
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
	a.called("SignOutExpired")
	f, err := a.env.Profiles.Load()
	if err != nil {
		return 0, errors.New(explain.Message(err))
	}
	n := 0
	now := time.Now()
	for _, p := range f.Profiles {
		if p.Token.SignedIn && p.Token.Expired(now) {
			a.forgetShown(p.ID)
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
	a.called("MaskedToken")
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

// ShowToken shows a profile's whole token in a native window of its own,
// where the operator can read and select it, and returns when that window
// is closed. The token never reaches the page: a script in it (a
// compromised package, say) could send it anywhere.
func (a *App) ShowToken(id string) error {
	a.called("ShowToken")
	token, p, err := a.service.Token(a.ctx, id)
	if err != nil {
		return errors.New(explain.Message(err))
	}
	if err := a.shown.Show(id, tokenWindowTitle(p.Name), token); err != nil {
		return errors.New("The token could not be shown. Try again.")
	}
	return nil
}

// tokenWindowTitle names the profile whose token the window shows; it is
// also the window's name for screen readers.
func tokenWindowTitle(profileName string) string {
	return "Token of " + profileName
}

// ExportProfile saves a profile's settings, never its token, to a file the
// operator picks, for handing to a colleague.
func (a *App) ExportProfile(id string) (string, error) {
	a.called("ExportProfile")
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

// ImportResult is how an import ended: a profile added, or one waiting for
// the operator's word (see PendingImport); neither when the operator
// cancelled the file window.
type ImportResult struct {
	Profile *ProfileView   `json:"profile"`
	Pending *PendingImport `json:"pending"`
}

// ImportProfileFile asks for a profile file and adds the profile in it, or
// keeps it waiting when it names hosts outside Zapier.
func (a *App) ImportProfileFile() (ImportResult, error) {
	a.called("ImportProfileFile")
	path, err := wailsruntime.OpenFileDialog(a.ctx, wailsruntime.OpenDialogOptions{
		Title:   "Open a Partnerdesk profile",
		Filters: []wailsruntime.FileFilter{{DisplayName: "Partnerdesk profiles", Pattern: "*" + profiles.ExchangeExt}},
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("The file window could not be opened: %v", err)
	}
	if path == "" {
		return ImportResult{}, nil // cancelled
	}
	res, err := a.openProfileFile(path)
	if err != nil {
		return ImportResult{}, errors.New(explain.Message(err))
	}
	return res, nil
}

// PendingImport is a profile file that names hosts outside Zapier, kept in
// Go until the operator trusts them (ConfirmImport) or not (CancelImport).
// The page shows it and answers with its ID only: the profile itself never
// comes back from the page.
type PendingImport struct {
	ID    string             `json:"id"`
	File  string             `json:"file"` // the file's name, without its folder
	Name  string             `json:"name"` // the profile's name
	Hosts []profiles.HostUse `json:"hosts"`
}

type pendingImport struct {
	PendingImport
	profile profiles.Profile
}

// openProfileFile reads a profile file. One naming only Zapier's hosts is
// added at once and selected; one naming any other host waits for the
// operator (AppState.PendingImports). Every way a file arrives comes here:
// the Import button, a double-click, a second launch with a file.
func (a *App) openProfileFile(path string) (ImportResult, error) {
	p, err := profiles.ReadFile(path)
	if err != nil {
		return ImportResult{}, err
	}
	if hosts := p.UntrustedHosts(); len(hosts) > 0 {
		var id [8]byte
		rand.Read(id[:])
		pending := PendingImport{ID: hex.EncodeToString(id[:]), File: filepath.Base(path), Name: p.Name, Hosts: hosts}
		a.mu.Lock()
		a.pending = append(a.pending, pendingImport{PendingImport: pending, profile: p})
		a.mu.Unlock()
		a.changed()
		return ImportResult{Pending: &pending}, nil
	}
	return a.addImported(p)
}

func (a *App) addImported(p profiles.Profile) (ImportResult, error) {
	added, err := profiles.AddImported(a.env.Profiles, p, "")
	if err != nil {
		return ImportResult{}, err
	}
	a.selectProfile(added.ID)
	a.changed()
	v := viewOf(added, time.Now())
	return ImportResult{Profile: &v}, nil
}

// takePending removes a waiting import and returns it.
func (a *App) takePending(id string) (pendingImport, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, p := range a.pending {
		if p.ID == id {
			a.pending = slices.Delete(a.pending, i, i+1)
			return p, true
		}
	}
	return pendingImport{}, false
}

// ConfirmImport adds a waiting profile file: the operator trusts the hosts
// it names.
func (a *App) ConfirmImport(id string) (ProfileView, error) {
	a.called("ConfirmImport")
	p, ok := a.takePending(id)
	if !ok {
		return ProfileView{}, errors.New("This import is no longer waiting. Import the file again.")
	}
	res, err := a.addImported(p.profile)
	if err != nil {
		a.changed()
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return *res.Profile, nil
}

// CancelImport forgets a waiting profile file: nothing is added.
func (a *App) CancelImport(id string) {
	a.called("CancelImport")
	a.takePending(id)
	a.changed()
}
