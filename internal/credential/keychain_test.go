//go:build keychain

// Tests against a real gnome-keyring. Plain `go test` skips them; run them
// in a throw-away desktop session:
//
//	scripts/desktop-session.sh go test -tags keychain -count=1 ./internal/credential/
//
// TestEightProcessesAtExpiryMakeOneRefresh re-runs this test binary as
// eight child processes (see TestMain) sharing the keyring, a profiles file
// and the lock directory.

package credential

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/vault"
)

// Environment of a child process.
const (
	childEnv         = "PARTNERDESK_CREDENTIAL_TEST_CHILD"
	childProfiles    = "PARTNERDESK_CREDENTIAL_TEST_PROFILES"
	childProfileID   = "PARTNERDESK_CREDENTIAL_TEST_PROFILE_ID"
	childLockDir     = "PARTNERDESK_CREDENTIAL_TEST_LOCKS"
	childTokenURL    = "PARTNERDESK_CREDENTIAL_TEST_TOKEN_URL"
	waitingLine      = "waiting"
	tokenLinePrefix  = "token "
	failedLinePrefix = "failed "
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		fmt.Fprintln(os.Stderr, "keychain tests need a session bus with an unlocked gnome-keyring: scripts/desktop-session.sh go test -tags keychain ./internal/credential/")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// runChild is one `partnerdesk token` at expiry: it asks a Source for the
// token and prints it, saying "waiting" when another process holds the
// renewal lock.
func runChild() int {
	src := &Source{
		ProfileID:   os.Getenv(childProfileID),
		ProfileName: "Acme",
		Store:       &Store{Keychain: vault.New(), Expiries: profileExpiries{&profiles.Store{Path: os.Getenv(childProfiles)}}},
		Endpoint:    oauth.TokenEndpoint{URL: os.Getenv(childTokenURL), ClientID: testClientID},
		LockDir:     os.Getenv(childLockDir),
		OnWait:      func() { fmt.Println(waitingLine) },
	}
	tok, err := src.Token(context.Background())
	if err != nil {
		fmt.Println(failedLinePrefix + err.Error())
		return 1
	}
	fmt.Println(tokenLinePrefix + tok)
	return 0
}

func uniqueID(t *testing.T) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "p_" + hex.EncodeToString(b)
}

// secretTool reads an entry as another program would.
func secretTool(t *testing.T, user string) (string, bool) {
	t.Helper()
	out, err := exec.Command("secret-tool", "lookup", "service", vault.Service, "username", user).Output()
	if err != nil {
		return "", false
	}
	return string(out), true
}

func TestTheKeychainHoldsTheContractsLayout(t *testing.T) {
	ctx := context.Background()
	id := uniqueID(t)
	store := &Store{Keychain: vault.New(), Expiries: &memoryExpiries{}}
	t.Cleanup(func() { store.RemoveAll(ctx, id) })
	signedIn(t, store, id, time.Now().Add(time.Hour))

	for user, want := range map[string]string{id: firstAccess, id + "/refresh": firstRefresh, id + "/client-secret": string(testSecret)} {
		if got, ok := secretTool(t, user); !ok || got != want {
			t.Errorf("secret-tool lookup service partnerdesk username %s = %q, want exactly %q", user, got, want)
		}
	}
	if err := store.SignOut(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{id, id + "/refresh"} {
		if _, ok := secretTool(t, user); ok {
			t.Errorf("%s still in the keychain after sign-out", user)
		}
	}
	if _, ok := secretTool(t, id+"/client-secret"); !ok {
		t.Error("sign-out removed the client secret")
	}
	if err := store.RemoveAll(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := secretTool(t, id+"/client-secret"); ok {
		t.Error("the client secret is still in the keychain after the profile's removal")
	}
}

func TestARefusedRefreshTokenLeavesNoTokenInTheKeychain(t *testing.T) {
	ctx := context.Background()
	id := uniqueID(t)
	srv := newTokenServer(t)
	srv.refuse = true
	store := &Store{Keychain: vault.New(), Expiries: &memoryExpiries{}}
	t.Cleanup(func() { store.RemoveAll(ctx, id) })
	signedIn(t, store, id, time.Now().Add(-time.Minute))
	src := &Source{ProfileID: id, ProfileName: "Acme", Store: store, Endpoint: srv.endpoint(), LockDir: t.TempDir()}
	if _, err := src.Token(ctx); !errors.Is(err, ErrSignedOut) {
		t.Fatalf("err = %v, want ErrSignedOut", err)
	}
	for _, user := range []string{id, id + "/refresh"} {
		if _, ok := secretTool(t, user); ok {
			t.Errorf("%s still in the keychain after a refused refresh token", user)
		}
	}
}

func TestEightProcessesAtExpiryMakeOneRefresh(t *testing.T) {
	const processes = 8
	ctx := context.Background()
	dir := t.TempDir()
	profilesStore, id := newProfilesFile(t, dir, "Acme")
	store := &Store{Keychain: vault.New(), Expiries: profileExpiries{profilesStore}}
	t.Cleanup(func() { store.RemoveAll(ctx, id) })
	signedIn(t, store, id, time.Now().Add(-time.Minute).UTC().Truncate(time.Second))

	// The first refresh request is answered only once each of the other
	// seven processes waits for the lock or has sent a request of its own:
	// so the eight truly overlap, and without the lock this test sees
	// eight requests rather than, by luck, one.
	events := make(chan struct{}, 2*processes)
	srv := newTokenServer(t)
	srv.hold = func(n int) {
		if n > 1 {
			events <- struct{}{}
			return
		}
		for range processes - 1 {
			<-events
		}
	}

	env := append(os.Environ(), childEnv+"=1", childProfiles+"="+profilesStore.Path, childProfileID+"="+id,
		childLockDir+"="+dir+"/locks", childTokenURL+"="+srv.URL+"/oauth/token/")
	tokens := make([]string, processes)
	var wg sync.WaitGroup
	for i := range processes {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = env
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			lines := bufio.NewScanner(out)
			for lines.Scan() {
				line := lines.Text()
				switch {
				case line == waitingLine:
					events <- struct{}{}
				case strings.HasPrefix(line, tokenLinePrefix):
					tokens[i] = strings.TrimPrefix(line, tokenLinePrefix)
				default:
					t.Errorf("process %d: %s", i, line)
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("process %d: %v", i, err)
			}
		})
	}
	wg.Wait()

	if n := srv.count(); n != 1 {
		t.Fatalf("%d refresh requests from %d processes, want exactly 1", n, processes)
	}
	stored, err := store.Load(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for i, tok := range tokens {
		if tok != stored.AccessToken || tok == firstAccess {
			t.Errorf("process %d printed %q, want the one new token %q", i, tok, stored.AccessToken)
		}
	}
	if stored.RefreshToken != srv.refresh {
		t.Errorf("the keychain's refresh token is not the one the server issued last")
	}
}

// BenchmarkExpiredTokenToNewTokenInTheKeychain is BenchmarkExpiredTokenToNewToken
// with gnome-keyring and profiles.json: what `partnerdesk token` adds to the
// network at expiry (a new Source each round, as each `token` is a new
// process).
func BenchmarkExpiredTokenToNewTokenInTheKeychain(b *testing.B) {
	ctx := context.Background()
	profilesStore, id := newProfilesFile(b, b.TempDir(), "Acme")
	store := &Store{Keychain: vault.New(), Expiries: profileExpiries{profilesStore}}
	b.Cleanup(func() { store.RemoveAll(ctx, id) })
	srv := newTokenServer(b)
	signedIn(b, store, id, time.Now().Add(-time.Minute))
	lockDir := b.TempDir()
	for b.Loop() {
		b.StopTimer()
		store.Expiries.SetExpiry(id, time.Now().Add(-time.Minute).UTC().Truncate(time.Second))
		src := &Source{ProfileID: id, ProfileName: "Acme", Store: store, Endpoint: srv.endpoint(), LockDir: lockDir}
		b.StartTimer()
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
