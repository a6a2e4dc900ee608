package oauth

import (
	"encoding/base64"
	"errors"
	"sync"
	"testing"
)

// testState returns a State with a known value, for tests only.
func testState(v string) *State { return &State{value: v} }

func TestNewStateHoldsAtLeast128RandomBits(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for i := 0; i < 1000; i++ {
		s, err := NewState()
		if err != nil {
			t.Fatal(err)
		}
		v := s.String()
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err != nil {
			t.Fatalf("state %q is not unpadded base64url: %v", v, err)
		}
		if len(b)*8 < 128 || len(b) != stateBytes || len(v) != 43 {
			t.Fatalf("state %q holds %d bits, want %d", v, len(b)*8, stateBytes*8)
		}
		if seen[v] {
			t.Fatalf("state %q was made twice", v)
		}
		seen[v] = true
	}
}

func TestStateCheckAcceptsOnlyTheExactValue(t *testing.T) {
	t.Parallel()
	const v = "q3bW8x1Zk9YcT2mR7nL4pD6sF0hJ5gV-aE_uI8oQwXy"
	tests := []struct {
		name string
		got  string
		want error
	}{
		{"the exact value passes", v, nil},
		{"an empty value is missing", "", ErrStateMissing},
		{"a different value of the same length is a mismatch", "A" + v[1:], ErrStateMismatch},
		{"a value differing only in its last character is a mismatch", v[:len(v)-1] + "z", ErrStateMismatch},
		{"a prefix is a mismatch", v[:len(v)-1], ErrStateMismatch},
		{"the value with a suffix is a mismatch", v + "x", ErrStateMismatch},
		{"the value in another case is a mismatch", "Q" + v[1:], ErrStateMismatch},
		{"the value with a trailing space is a mismatch", v + " ", ErrStateMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := testState(v).Check(tt.got); err != tt.want {
				t.Errorf("Check = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStateCanBeCheckedOnlyOnce(t *testing.T) {
	t.Parallel()
	for _, first := range []string{"S", "wrong", ""} {
		s := testState("S")
		_ = s.Check(first)
		if err := s.Check("S"); !errors.Is(err, ErrStateUsed) {
			t.Errorf("after Check(%q), Check(right value) = %v, want ErrStateUsed", first, err)
		}
	}
}

func TestNilAndZeroStatesNeverPass(t *testing.T) {
	t.Parallel()
	var nilState *State
	if err := nilState.Check("x"); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("nil state: Check = %v, want ErrStateMismatch", err)
	}
	if nilState.String() != "" {
		t.Errorf("nil state: String = %q, want empty", nilState.String())
	}
	if err := new(State).Check("x"); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("zero state: Check = %v, want ErrStateMismatch", err)
	}
	if err := new(State).Check(""); err == nil {
		t.Error("zero state: Check(\"\") passed")
	}
}

func TestConcurrentChecksLetExactlyOneSucceed(t *testing.T) {
	t.Parallel()
	for round := 0; round < 50; round++ {
		s := testState("S")
		const n = 32
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = s.Check("S")
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, ErrStateUsed):
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d checks passed, want exactly 1", round, ok)
		}
	}
}
