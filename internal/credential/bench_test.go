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
// same with gnome-keyring).
func BenchmarkExpiredTokenToNewToken(b *testing.B) {
	srv := newTokenServer(b)
	store := memoryStore()
	signedIn(b, store, "p_acme", time.Now().Add(-time.Minute))
	src := testSource(b, srv, store)
	src.Now = nil
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		store.Expiries.SetExpiry("p_acme", time.Now().Add(-time.Minute))
		b.StartTimer()
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
