package vault

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestEachEntryHasItsOwnKeychainUser(t *testing.T) {
	users := []string{"p_1", RefreshTokenUser("p_1"), ClientSecretUser("p_1")}
	if users[1] != "p_1/refresh" || users[2] != "p_1/client-secret" {
		t.Fatalf("entry users = %q, want the contract's p_1/refresh and p_1/client-secret", users)
	}
}

func TestErrorsNameTheEntry(t *testing.T) {
	broken := errors.New("bus fell over")
	useBackend(t, keychain{
		get: func(string, string) (string, error) { return "", broken },
		set: func(string, string, string) error { return broken },
		del: func(string, string) error { return broken },
	})
	v := New()
	tests := []struct{ user, want string }{
		{"p_1", `read token for profile "p_1"`},
		{RefreshTokenUser("p_1"), `read refresh token for profile "p_1"`},
		{ClientSecretUser("p_1"), `read client secret for profile "p_1"`},
	}
	for _, tt := range tests {
		_, err := v.Get(context.Background(), tt.user)
		if !errors.Is(err, broken) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Get(%q) = %v, want it to start %q", tt.user, err, tt.want)
		}
	}
	if err := v.Set(context.Background(), RefreshTokenUser("p_1"), "rt-secret-value"); err == nil || strings.Contains(err.Error(), "rt-secret-value") ||
		!strings.HasPrefix(err.Error(), `save refresh token for profile "p_1"`) {
		t.Errorf("Set = %v", err)
	}
}
