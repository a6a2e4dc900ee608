package desktop

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signin"
)

// Profiles is the bound service of the profile list: adding, changing,
// removing, and handing profiles over as files. A profile file that names
// hosts outside Zapier waits here until the operator trusts them.
type Profiles struct {
	*shared

	pendingMu sync.Mutex
	pending   []pendingImport // profile files waiting for the operator to trust their hosts
}

// AddProfile validates and saves a new profile, and selects it.
func (s *Profiles) AddProfile(in profiles.Input) (ProfileView, error) {
	called("AddProfile")
	p := in.Profile()
	if err := profiles.CheckInput(p); err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return s.add(p)
}

// AddSandboxProfile starts the built-in sandbox and adds a profile for it
// with the grant asked for: "implicit", or "code", whose client secret is
// this installation's sandbox's own (sandbox.LocalClientSecret), put in the
// keychain as an operator's would be.
func (s *Profiles) AddSandboxProfile(grant string) (ProfileView, error) {
	called("AddSandboxProfile")
	g, err := oauth.ParseGrant(grant)
	if err != nil {
		return ProfileView{}, err
	}
	addr := s.shared.sandboxAddr
	if addr == "" {
		addr = sandbox.LocalAddr
	}
	base, err := sandbox.EnsureLocal(addr)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	var secret string
	if g == oauth.GrantCode {
		if secret, err = sandbox.LocalClientSecret(); err != nil {
			return ProfileView{}, errors.New(explain.Message(err))
		}
	}
	name := "Sandbox"
	if g == oauth.GrantCode {
		name = "Sandbox with client secret"
	}
	if f, err := s.store.Load(); err == nil {
		base := name
		for i := 2; ; i++ {
			if _, taken := f.Find(name); !taken {
				break
			}
			name = fmt.Sprintf("%s %d", base, i)
		}
	}
	p := profiles.Profile{
		Name: name, ClientID: sandbox.ClientID, RedirectURI: sandbox.RedirectURI,
		AuthorizeURL: base + "/oauth/authorize/", APIBaseURL: base,
		Scopes: []string{"profile", "zap"}, Sandbox: true,
	}
	if g == oauth.GrantCode {
		p.Grant, p.TokenURL = oauth.GrantCode, base+"/oauth/token/"
	}
	v, err := s.add(p)
	if err != nil || secret == "" {
		return v, err
	}
	return s.storeClientSecret(v.ID, secret)
}

func (s *Profiles) add(p profiles.Profile) (ProfileView, error) {
	var added profiles.Profile
	err := s.store.Update(func(f *profiles.File) error {
		np, err := f.Add(p)
		if err != nil {
			return err
		}
		added = *np
		return nil
	})
	notice, err := profiles.Saved(err)
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	if notice != "" {
		s.setNotice(notice)
	}
	s.selectProfile(added.ID)
	s.changed()
	return s.view(added, time.Now()), nil
}

// UpdateProfile changes a profile's settings or name. A signed-in profile
// whose client ID or addresses change is signed out first (signin.Update),
// and its view then says why.
func (s *Profiles) UpdateProfile(id string, in profiles.Input) (ProfileView, error) {
	called("UpdateProfile")
	saved, signedOut, err := s.service.Update(s.context(), id, func(p *profiles.Profile) {
		in.Apply(p, profiles.AllFields)
	})
	if signedOut {
		s.forgetShown(id)
	}
	s.secrets.forget(id) // a new client ID or token URL drops the client secret
	s.changed()
	if err != nil {
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return s.view(saved, time.Now()), nil
}

// RemoveProfile deletes a profile with its token, sign-in session and cache.
func (s *Profiles) RemoveProfile(id string) error {
	called("RemoveProfile")
	p, err := s.service.Remove(s.context(), id, false)
	s.secrets.forget(id)
	s.changed()
	var kept *signin.TokenKeptError
	if errors.As(err, &kept) {
		return fmt.Errorf("The profile “%s” was not removed: it is signed in, and its token could not be deleted from your keychain: %s. "+
			"Start or unlock your keychain and try again. To remove the profile anyway and leave its token in the keychain, run "+
			"partnerdesk profile remove %q --keep-token in a terminal.", p.Name, kept.Why(), p.Name)
	}
	if err != nil {
		return errors.New(explain.Message(err))
	}
	s.forgetShown(id)
	return nil
}

// profileFiles is the file window's filter for profile files.
var profileFiles = FileFilter{DisplayName: "Partnerdesk profiles", Pattern: "*" + profiles.ExchangeExt}

// ExportProfile saves a profile's settings, never its token, to a file the
// operator picks, for handing to a colleague.
func (s *Profiles) ExportProfile(id string) (string, error) {
	called("ExportProfile")
	p, err := s.profile(id)
	if errors.Is(err, profiles.ErrUnknown) {
		return "", errors.New("The profile was removed meanwhile.")
	}
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	data, err := profiles.Export(p)
	if err != nil {
		return "", errors.New(explain.Message(err))
	}
	path, err := s.platform.SaveFile("Save the profile "+p.Name, p.Name+profiles.ExchangeExt, profileFiles)
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
func (s *Profiles) ImportProfileFile() (ImportResult, error) {
	called("ImportProfileFile")
	path, err := s.platform.OpenFile("Open a Partnerdesk profile", profileFiles)
	if err != nil {
		return ImportResult{}, fmt.Errorf("The file window could not be opened: %v", err)
	}
	if path == "" {
		return ImportResult{}, nil // cancelled
	}
	res, err := s.openProfileFile(path)
	if err != nil {
		return ImportResult{}, errors.New(explain.Message(err))
	}
	return res, nil
}

// importAtStart adds the profile in a file the app was opened with, or
// keeps it waiting (openProfileFile), and says what happened in the notice
// banner.
func (s *Profiles) importAtStart(path string) {
	res, err := s.openProfileFile(path)
	switch {
	case err != nil:
		s.setNotice("The profile file " + filepath.Base(path) + " was not added: " + explain.Message(err))
	case res.Profile != nil:
		s.setNotice(fmt.Sprintf("Profile %q was added from %s. Sign in to use it.", res.Profile.Name, filepath.Base(path)))
	}
	s.changed()
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
	// Grant "code": the profile's app uses a client secret, which the file
	// does not carry; the page asks for it once the profile is added.
	Grant oauth.Grant `json:"grant"`
}

type pendingImport struct {
	PendingImport
	profile profiles.Profile
}

// openProfileFile reads a profile file. One naming only Zapier's hosts is
// added at once and selected; one naming any other host waits for the
// operator (AppState.PendingImports). Every way a file arrives comes here:
// the Import button, a double-click, a second launch with a file.
func (s *Profiles) openProfileFile(path string) (ImportResult, error) {
	p, err := profiles.ReadFile(path)
	if err != nil {
		return ImportResult{}, err
	}
	if hosts := p.UntrustedHosts(); len(hosts) > 0 {
		var id [8]byte
		rand.Read(id[:])
		pending := PendingImport{ID: hex.EncodeToString(id[:]), File: filepath.Base(path), Name: p.Name, Hosts: hosts, Grant: p.EffectiveGrant()}
		s.pendingMu.Lock()
		s.pending = append(s.pending, pendingImport{PendingImport: pending, profile: p})
		s.pendingMu.Unlock()
		s.changed()
		return ImportResult{Pending: &pending}, nil
	}
	return s.addImported(p)
}

func (s *Profiles) addImported(p profiles.Profile) (ImportResult, error) {
	added, err := profiles.AddImported(s.store, p, "")
	if err != nil {
		return ImportResult{}, err
	}
	s.selectProfile(added.ID)
	s.changed()
	v := s.view(added, time.Now())
	return ImportResult{Profile: &v}, nil
}

// pendingImports are the files waiting, for the app's state.
func (s *Profiles) pendingImports() []PendingImport {
	s.pendingMu.Lock()
	defer s.pendingMu.Unlock()
	out := []PendingImport{}
	for _, p := range s.pending {
		out = append(out, p.PendingImport)
	}
	return out
}

// takePending removes a waiting import and returns it.
func (s *Profiles) takePending(id string) (pendingImport, bool) {
	s.pendingMu.Lock()
	defer s.pendingMu.Unlock()
	for i, p := range s.pending {
		if p.ID == id {
			s.pending = slices.Delete(s.pending, i, i+1)
			return p, true
		}
	}
	return pendingImport{}, false
}

// ConfirmImport adds a waiting profile file: the operator trusts the hosts
// it names.
func (s *Profiles) ConfirmImport(id string) (ProfileView, error) {
	called("ConfirmImport")
	p, ok := s.takePending(id)
	if !ok {
		return ProfileView{}, errors.New("This import is no longer waiting. Import the file again.")
	}
	res, err := s.addImported(p.profile)
	if err != nil {
		s.changed()
		return ProfileView{}, errors.New(explain.Message(err))
	}
	return *res.Profile, nil
}

// CancelImport forgets a waiting profile file: nothing is added.
func (s *Profiles) CancelImport(id string) {
	called("CancelImport")
	s.takePending(id)
	s.changed()
}
