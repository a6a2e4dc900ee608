package signin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/adrg/xdg"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/vault"
)

func TestRemovingAProfileTakesItsTokenSessionAndCacheWithIt(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := newFixture(t, sandbox.ApproveAuto)
	xdg.Reload()
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{WebDataDir("p_acme"), CacheDir("p_acme")} {
		os.MkdirAll(dir, 0o700)
		os.WriteFile(filepath.Join(dir, "x"), []byte("x"), 0o600)
	}
	if _, err := f.svc.Remove(context.Background(), "acme", false); err != nil {
		t.Fatal(err)
	}
	if len(f.vault.secrets) != 0 {
		t.Error("the token outlived its profile")
	}
	for _, dir := range []string{WebDataDir("p_acme"), CacheDir("p_acme")} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s is still there", dir)
		}
	}
	file, _ := f.store.Load()
	if len(file.Profiles) != 0 {
		t.Errorf("profiles left: %+v", file.Profiles)
	}
	if _, err := f.svc.Remove(context.Background(), "acme", false); !errors.Is(err, profiles.ErrUnknown) {
		t.Errorf("removing it again = %v, want ErrUnknown", err)
	}
}

func TestRemoveAllLeavesNothingOfPartnerdeskBehind(t *testing.T) {
	for _, k := range []string{"XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"} {
		t.Setenv(k, t.TempDir())
	}
	f := newFixture(t, sandbox.ApproveAuto)
	xdg.Reload()
	if _, err := f.svc.SignIn(context.Background(), "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{xdg.DataHome, xdg.CacheHome, xdg.StateHome} {
		os.MkdirAll(filepath.Join(base, "partnerdesk", "something"), 0o700)
	}
	if err := f.svc.RemoveAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(f.vault.secrets) != 0 {
		t.Error("a token is left in the keychain")
	}
	for _, base := range []string{xdg.DataHome, xdg.CacheHome, xdg.StateHome, xdg.ConfigHome} {
		if _, err := os.Stat(filepath.Join(base, "partnerdesk")); !os.IsNotExist(err) {
			t.Errorf("%s/partnerdesk is still there", base)
		}
	}
}

func TestAProfileWithoutATokenIsRemovedWithoutTheKeychain(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := newFixture(t, sandbox.ApproveAuto)
	dead := &deadVault{}
	f.svc.Vault = dead
	if _, err := f.svc.Remove(context.Background(), "acme", false); err != nil {
		t.Fatalf("Remove with a dead keychain = %v", err)
	}
	if dead.calls != 0 {
		t.Errorf("the keychain was asked %d times for a profile with no token", dead.calls)
	}
	if file, _ := f.store.Load(); len(file.Profiles) != 0 {
		t.Error("the profile is still there")
	}
}

func TestASignedInProfileStaysWhenItsTokenCannotBeDeleted(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	f.svc.Vault = &deadVault{}
	_, err := f.svc.Remove(ctx, "acme", false)
	var kept *TokenKeptError
	var unavailable *vault.UnavailableError
	if !errors.As(err, &kept) || !errors.As(err, &unavailable) {
		t.Fatalf("Remove = %v, want a TokenKeptError around the keychain's error", err)
	}
	if !f.saved(t).Token.SignedIn {
		t.Error("the profile lost its token facts")
	}
}

func TestKeepTokenRemovesTheProfileAndLeavesTheTokenInTheKeychain(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	f := newFixture(t, sandbox.ApproveAuto)
	ctx := context.Background()
	if _, err := f.svc.SignIn(ctx, "acme", Options{}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(WebDataDir("p_acme"), 0o700)
	if _, err := f.svc.Remove(ctx, "acme", true); err != nil {
		t.Fatal(err)
	}
	if f.vault.secrets["p_acme"] == "" {
		t.Error("--keep-token deleted the token")
	}
	if _, err := os.Stat(WebDataDir("p_acme")); !os.IsNotExist(err) {
		t.Error("the sign-in session is still there")
	}
	if file, _ := f.store.Load(); len(file.Profiles) != 0 {
		t.Error("the profile is still there")
	}
}
