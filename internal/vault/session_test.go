package vault

import (
	"context"
	"errors"
	"testing"
)

func TestASessionUsesTheKeychainUntilToldToKeepTokensInMemory(t *testing.T) {
	useMemoryKeychain(t)
	keychain := New()
	s := &Session{Keychain: keychain}
	ctx := context.Background()
	if err := s.Set(ctx, "p1", "in-keychain"); err != nil {
		t.Fatal(err)
	}
	if got, _ := keychain.Get(ctx, "p1"); got != "in-keychain" {
		t.Fatalf("the token did not reach the keychain: %q", got)
	}

	s.KeepInMemory()
	if !s.InMemory() {
		t.Fatal("InMemory is false after KeepInMemory")
	}
	if err := s.Set(ctx, "p2", "in-memory"); err != nil {
		t.Fatal(err)
	}
	if _, err := keychain.Get(ctx, "p2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a session-only token reached the keychain: %v", err)
	}
	if got, err := s.Get(ctx, "p2"); err != nil || got != "in-memory" {
		t.Errorf("Get = %q, %v", got, err)
	}
	if err := s.Set(ctx, "p3", "bad\ntoken"); err == nil {
		t.Error("a token with a newline was accepted in memory")
	}
	if err := s.Delete(ctx, "p2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "p2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "p2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete of nothing = %v, want ErrNotFound", err)
	}
}

func TestProbeTellsWhetherTheKeychainAnswers(t *testing.T) {
	useMemoryKeychain(t)
	s := &Session{Keychain: New()}
	if err := s.Probe(context.Background()); err != nil {
		t.Errorf("Probe on a working keychain = %v", err)
	}
	useFailingKeychain(t, errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	var unavailable *UnavailableError
	if err := s.Probe(context.Background()); !errors.As(err, &unavailable) {
		t.Errorf("Probe with no Secret Service = %v, want UnavailableError", err)
	}
}
