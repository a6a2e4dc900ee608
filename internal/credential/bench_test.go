package credential

import (
	"context"
	"testing"
	"time"
)

// BenchmarkExpiredTokenToNewToken measures what `token` adds to the network
// when the access token has expired: reading the credential, the lock, the
// refresh request to a token endpoint on 127.0.0.1, and storing the new
// tokens (here in the memory-only keychain; the keychain build tag has the
// same with gnome-keyring). Each round is a new Source, as each `token` is
// a new process: a Source would give the token it renewed again without
// reading the keychain.
func BenchmarkExpiredTokenToNewToken(b *testing.B) {
	srv := newTokenServer(b)
	store := memoryStore()
	signedIn(b, store, "p_acme", time.Now().Add(-time.Minute))
	lockDir := b.TempDir()
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store.Expiries.SetExpiry("p_acme", time.Now().Add(-time.Minute))
		src := &Source{ProfileID: "p_acme", ProfileName: "Acme", Store: store, Endpoint: srv.endpoint(), LockDir: lockDir}
		b.StartTimer()
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenRepeated measures what an API client's Source adds to each
// request after the first: the token it remembers, no keychain read.
func BenchmarkTokenRepeated(b *testing.B) {
	srv := newTokenServer(b)
	store := memoryStore()
	signedIn(b, store, "p_acme", time.Now().Add(10*time.Hour))
	src := &Source{ProfileID: "p_acme", ProfileName: "Acme", Store: store, Endpoint: srv.endpoint(), LockDir: b.TempDir()}
	ctx := context.Background()
	for b.Loop() {
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
