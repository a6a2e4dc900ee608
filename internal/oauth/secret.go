package oauth

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// ClientSecret is the code grant's client secret, which the operator copies
// from the app's page at the provider. Like a Token it never shows itself:
// String, Format (every fmt verb) and LogValue give only its length, and
// MarshalJSON, MarshalText and GobEncode refuse. string(s) is the secret.
type ClientSecret string

var errSecretNoSerialize = errors.New("A client secret is never written out as text or data; keep it in the keychain.")

// String returns "client secret (N chars)", or "no client secret".
func (s ClientSecret) String() string {
	if s == "" {
		return "no client secret"
	}
	return "client secret (" + strconv.Itoa(len(s)) + " chars)"
}

// Format makes every fmt verb print String.
func (s ClientSecret) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// LogValue gives log/slog the length only.
func (s ClientSecret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON refuses: a client secret is not meant to be written as JSON.
func (s ClientSecret) MarshalJSON() ([]byte, error) { return nil, errSecretNoSerialize }

// MarshalText refuses, which also keeps the secret out of encoding/xml.
func (s ClientSecret) MarshalText() ([]byte, error) { return nil, errSecretNoSerialize }

// GobEncode refuses: a client secret is not meant to be written with encoding/gob.
func (s ClientSecret) GobEncode() ([]byte, error) { return nil, errSecretNoSerialize }
