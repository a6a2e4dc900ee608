package vault

import (
	"context"
	"errors"
	"sync"
)

// Session is the keychain with one way out when the keychain cannot be
// used: on the operator's word, tokens are kept in this process's memory
// only, for this session, and are gone when the app quits. It never writes
// a token anywhere else. Until KeepInMemory is called it is the keychain.
type Session struct {
	Keychain *Vault

	mu       sync.Mutex
	inMemory bool
	tokens   map[string]string
}

// KeepInMemory switches to memory-only storage for the rest of the process.
func (s *Session) KeepInMemory() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inMemory = true
	if s.tokens == nil {
		s.tokens = map[string]string{}
	}
}

// InMemory reports whether tokens are kept in memory only.
func (s *Session) InMemory() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inMemory
}

// Get returns a profile's token.
func (s *Session) Get(ctx context.Context, profileID string) (string, error) {
	s.mu.Lock()
	if s.inMemory {
		defer s.mu.Unlock()
		if t, ok := s.tokens[profileID]; ok {
			return t, nil
		}
		return "", ErrNotFound
	}
	s.mu.Unlock()
	return s.Keychain.Get(ctx, profileID)
}

// Set stores a profile's token.
func (s *Session) Set(ctx context.Context, profileID, token string) error {
	s.mu.Lock()
	if s.inMemory {
		defer s.mu.Unlock()
		if err := checkProfileID(profileID); err != nil {
			return err
		}
		if err := checkToken(token); err != nil {
			return err
		}
		s.tokens[profileID] = token
		return nil
	}
	s.mu.Unlock()
	return s.Keychain.Set(ctx, profileID, token)
}

// Delete removes a profile's token.
func (s *Session) Delete(ctx context.Context, profileID string) error {
	s.mu.Lock()
	if s.inMemory {
		defer s.mu.Unlock()
		if _, ok := s.tokens[profileID]; !ok {
			return ErrNotFound
		}
		delete(s.tokens, profileID)
		return nil
	}
	s.mu.Unlock()
	return s.Keychain.Delete(ctx, profileID)
}

// Probe tells whether the keychain answers, by reading an entry that does
// not exist: nil when it does, the keychain's error otherwise.
func (s *Session) Probe(ctx context.Context) error {
	_, err := s.Keychain.Get(ctx, "partnerdesk-probe")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
