package oauth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"sync/atomic"
)

// stateBytes is the number of random bytes in a State: 256 bits, twice the
// 128 the design asks for.
const stateBytes = 32

// State is one sign-in attempt's anti-CSRF value. It is sent in the authorize
// URL and must come back unchanged in the redirect. It can be checked exactly
// once: the first Check consumes it, whatever its outcome. A State must not be
// copied; pass the pointer.
type State struct {
	value string
	used  atomic.Bool
}

// NewState returns a fresh State holding 32 bytes from crypto/rand, written
// in unpadded base64url (43 characters).
func NewState() (*State, error) {
	b := make([]byte, stateBytes)
	if _, err := rand.Read(b); err != nil {
		return nil, errors.New("The sign-in could not start: this computer could not make a random security code.")
	}
	return &State{value: base64.RawURLEncoding.EncodeToString(b)}, nil
}

// String returns the value to send as the state parameter.
func (s *State) String() string {
	if s == nil {
		return ""
	}
	return s.value
}

// Check compares got with the state in constant time and consumes the state.
// It returns ErrStateUsed when the state was already checked (even if got is
// right), ErrStateMissing when got is empty, and ErrStateMismatch when got
// differs or s is nil. Check is safe for concurrent use: of any number of
// concurrent calls, at most one returns nil.
func (s *State) Check(got string) error {
	if s == nil {
		return ErrStateMismatch
	}
	if !s.used.CompareAndSwap(false, true) {
		return ErrStateUsed
	}
	if got == "" {
		return ErrStateMissing
	}
	if s.value == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.value)) != 1 {
		return ErrStateMismatch
	}
	return nil
}

// burn consumes the state without checking it; a nil state is ignored.
func (s *State) burn() {
	if s != nil {
		s.used.Store(true)
	}
}
