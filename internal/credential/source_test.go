package credential

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"partnerdesk/internal/logging"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/vault"
)

var testNow = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testSource(t testing.TB, srv *tokenServer, store *Store) *Source {
	return &Source{
		ProfileID:   "p_acme",
		ProfileName: "Acme",
		Store:       store,
		Endpoint:    srv.endpoint(),
		LockDir:     t.TempDir(),
		Now:         func() time.Time { return testNow },
	}
}

func TestATokenIsRenewedOnlyWhenLessThanAMinuteRemains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		left    time.Duration
		renewed bool
	}{
		{"a token with 61 s left prints as issued", 61 * time.Second, false},
		{"a token with 10 hours left prints as issued", 10 * time.Hour, false},
		{"a token with 59 s left is renewed", 59 * time.Second, true},
		{"a token with 11 s left is renewed (x/oauth2 would wait until 10 s)", 11 * time.Second, true},
		{"an expired token is renewed", -time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTokenServer(t)
			store := memoryStore()
			signedIn(t, store, "p_acme", testNow.Add(tt.left))
			got, err := testSource(t, srv, store).Token(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if renewed := got != firstAccess; renewed != tt.renewed || srv.count() != map[bool]int{false: 0, true: 1}[tt.renewed] {
				t.Fatalf("token %q after %d refresh requests; want renewed = %v", got, srv.count(), tt.renewed)
			}
		})
	}
}

func TestARenewalIsStoredBeforeTheTokenIsReturned(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(-time.Minute))
	got, err := testSource(t, srv, store).Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.Load(context.Background(), "p_acme")
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessToken != got || c.RefreshToken != srv.refresh || !c.Expiry.Equal(testNow.Add(10*time.Hour)) || c.Grant != oauth.GrantCode {
		t.Fatalf("stored %v (refresh ok: %v), returned %q", c, c.RefreshToken == srv.refresh, got)
	}
}

func TestARejectedTokenIsRenewedOnce(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(10*time.Hour))
	src := testSource(t, srv, store)
	renewed, err := src.Renew(context.Background(), firstAccess)
	if err != nil || renewed == firstAccess {
		t.Fatalf("Renew = %q, %v; want a new token", renewed, err)
	}
	// A second caller that was rejected with the same old token gets the
	// one already renewed, without a second request.
	again, err := src.Renew(context.Background(), firstAccess)
	if err != nil || again != renewed || srv.count() != 1 {
		t.Fatalf("second Renew = %q, %v after %d requests; want %q and 1 request", again, err, srv.count(), renewed)
	}
}

func TestARefusedRefreshTokenSignsTheProfileOut(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	srv.refuse = true
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(-time.Minute))
	_, err := testSource(t, srv, store).Token(context.Background())
	var signedOut *SignedOutError
	if !errors.Is(err, ErrSignedOut) || !errors.As(err, &signedOut) || signedOut.Reason != RefreshRefused {
		t.Fatalf("err = %v, want a SignedOutError for a refused refresh token", err)
	}
	if !strings.Contains(err.Error(), "partnerdesk login --profile Acme") {
		t.Errorf("err = %q, want it to say to run partnerdesk login --profile Acme", err)
	}
	ctx := context.Background()
	for _, user := range []string{"p_acme", vault.RefreshTokenUser("p_acme")} {
		if _, err := store.Keychain.Get(ctx, user); !errors.Is(err, vault.ErrNotFound) {
			t.Errorf("keychain entry %s still there after a refused refresh (err %v)", user, err)
		}
	}
	if _, err := store.ClientSecret(ctx, "p_acme"); err != nil {
		t.Errorf("the client secret went too: %v", err)
	}
}

func TestAnExpiredTokenWithoutRefreshTokenAsksToSignIn(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store := memoryStore()
	ctx := context.Background()
	if err := store.Save(ctx, "p_acme", Credential{Grant: oauth.GrantImplicit, AccessToken: firstAccess, Expiry: testNow.Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	_, err := testSource(t, srv, store).Token(ctx)
	var signedOut *SignedOutError
	if !errors.As(err, &signedOut) || signedOut.Reason != Expired || srv.count() != 0 {
		t.Fatalf("err = %v after %d requests, want an Expired SignedOutError and no request", err, srv.count())
	}
	if _, err := testSource(t, srv, memoryStore()).Token(ctx); !errors.Is(err, ErrSignedOut) {
		t.Fatalf("a profile never signed in: err = %v, want ErrSignedOut", err)
	}
}

// failingKeychain fails the first Set of one entry, as a crash or a
// keychain failure at that moment would.
type failingKeychain struct {
	Keychain
	failUser string
	once     sync.Once
}

func (k *failingKeychain) Set(ctx context.Context, user, secret string) error {
	failed := false
	if user == k.failUser {
		k.once.Do(func() { failed = true })
	}
	if failed {
		return errors.New("keychain failed here")
	}
	return k.Keychain.Set(ctx, user, secret)
}

func TestRenewalNeverLosesTheChain(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(-time.Minute))
	// The renewal fails after the provider rotated the refresh token and
	// while the new tokens are being stored.
	broken := &Store{Keychain: &failingKeychain{Keychain: store.Keychain, failUser: "p_acme"}, Expiries: store.Expiries}
	if _, err := testSource(t, srv, broken).Token(context.Background()); err == nil {
		t.Fatal("the failing keychain did not fail the renewal")
	}
	// The next call can still renew: the new refresh token was stored first.
	got, err := testSource(t, srv, store).Token(context.Background())
	if err != nil {
		t.Fatalf("the refresh chain was lost: %v", err)
	}
	if got == firstAccess {
		t.Fatal("the old access token came back")
	}
}

func TestConcurrentRenewalsInOneProcessMakeOneRequest(t *testing.T) {
	t.Parallel()
	const callers = 8
	srv := newTokenServer(t)
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(-time.Minute))
	lockDir := t.TempDir()

	// The first refresh request is answered only once every other caller
	// waits for the lock or has sent a request of its own, so that the
	// renewals truly overlap.
	events := make(chan struct{}, 2*callers)
	srv.hold = func(n int) {
		if n > 1 {
			events <- struct{}{}
			return
		}
		for range callers - 1 {
			<-events
		}
	}
	tokens := make([]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		src := testSource(t, srv, store)
		src.LockDir = lockDir
		src.OnWait = func() { events <- struct{}{} }
		wg.Go(func() { tokens[i], errs[i] = src.Token(context.Background()) })
	}
	wg.Wait()
	if n := srv.count(); n != 1 {
		t.Fatalf("%d refresh requests, want exactly 1", n)
	}
	for i := range callers {
		if errs[i] != nil || tokens[i] != tokens[0] || tokens[i] == firstAccess {
			t.Errorf("caller %d: %q, %v; want the one new token %q", i, tokens[i], errs[i], tokens[0])
		}
	}
}

func TestSecretsItHoldsAreScrubbedFromEveryLog(t *testing.T) {
	// Not parallel: it sets the default logger.
	dir := t.TempDir()
	logger, closeLog, err := logging.Setup(logging.Options{Dir: dir, Debug: true})
	if err != nil {
		t.Fatal(err)
	}
	old := slog.Default()
	slog.SetDefault(logger)
	defer slog.SetDefault(old)

	srv := newTokenServer(t)
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(-time.Minute))
	got, err := testSource(t, srv, store).Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, _ := store.Load(context.Background(), "p_acme")
	// Whatever a later record carries, by mistake or in a trace, the
	// secrets Partnerdesk holds are cut out of it.
	secrets := []string{got, c.RefreshToken, firstRefresh, string(testSecret)}
	slog.Info("a careless record", "dump", strings.Join(secrets, " | "))
	closeLog()
	data, err := os.ReadFile(filepath.Join(dir, logging.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "token renewed") {
		t.Fatalf("the log lacks the renewal record:\n%s", data)
	}
	for _, s := range secrets {
		if strings.Contains(string(data), s) {
			t.Errorf("the log holds a secret (%d chars):\n%s", len(s), data)
		}
	}
}

func TestACredentialNeverShowsItsSecrets(t *testing.T) {
	t.Parallel()
	c := Credential{Grant: oauth.GrantCode, AccessToken: firstAccess, RefreshToken: firstRefresh, Expiry: testNow}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		outputs = append(outputs, sprintf(verb, c), sprintf(verb, &c), sprintf(verb, []Credential{c}))
	}
	if _, err := c.MarshalJSON(); err == nil {
		t.Error("MarshalJSON wrote a credential")
	}
	for _, out := range outputs {
		if strings.Contains(out, firstAccess) || strings.Contains(out, firstRefresh) {
			t.Fatalf("output carries a secret: %s", out)
		}
	}
	if want := "code credential (21 chars, renewable, expires 2026-03-02T09:00:00Z)"; c.String() != want {
		t.Errorf("String() = %q, want %q", c, want)
	}
}

func TestStoreLayout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow)
	for user, want := range map[string]string{"p_acme": firstAccess, "p_acme/refresh": firstRefresh, "p_acme/client-secret": string(testSecret)} {
		if got, err := store.Keychain.Get(ctx, user); err != nil || got != want {
			t.Errorf("keychain %s = %q, %v; want %q", user, got, err, want)
		}
	}
	if err := store.SignOut(ctx, "p_acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load(ctx, "p_acme"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("Load after SignOut: %v, want ErrNotFound", err)
	}
	if exp, _ := store.Expiries.Expiry("p_acme"); !exp.IsZero() {
		t.Errorf("expiry after SignOut = %v, want none", exp)
	}
	if _, err := store.ClientSecret(ctx, "p_acme"); err != nil {
		t.Errorf("SignOut removed the client secret: %v", err)
	}
	if err := store.RemoveAll(ctx, "p_acme"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ClientSecret(ctx, "p_acme"); !errors.Is(err, oauth.ErrNoClientSecret) {
		t.Errorf("ClientSecret after RemoveAll: %v, want ErrNoClientSecret", err)
	}
	// An implicit sign-in after a code one leaves no refresh token behind.
	signedIn(t, store, "p_acme", testNow)
	if err := store.Save(ctx, "p_acme", Credential{Grant: oauth.GrantImplicit, AccessToken: "at-implicit-123456"}); err != nil {
		t.Fatal(err)
	}
	if c, err := store.Load(ctx, "p_acme"); err != nil || c.RefreshToken != "" || c.Grant != oauth.GrantImplicit {
		t.Errorf("Load = %v, %v; want an implicit credential", c, err)
	}
}

// countingKeychain counts the reads of the keychain under it.
type countingKeychain struct {
	Keychain
	mu   sync.Mutex
	gets int
}

func (k *countingKeychain) Get(ctx context.Context, user string) (string, error) {
	k.mu.Lock()
	k.gets++
	k.mu.Unlock()
	return k.Keychain.Get(ctx, user)
}

func (k *countingKeychain) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.gets
}

// countingStore is memoryStore with its keychain reads counted.
func countingStore() (*Store, *countingKeychain) {
	store := memoryStore()
	keychain := &countingKeychain{Keychain: store.Keychain}
	store.Keychain = keychain
	return store, keychain
}

func TestManyTokenCallsOnOneSourceReadTheKeychainOnce(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store, keychain := countingStore()
	signedIn(t, store, "p_acme", testNow.Add(10*time.Hour))
	ctx := context.Background()
	before := keychain.count()
	if _, err := store.Load(ctx, "p_acme"); err != nil {
		t.Fatal(err)
	}
	oneRead := keychain.count() - before

	src := testSource(t, srv, store)
	before = keychain.count()
	for page := range 100 {
		if got, err := src.Token(ctx); err != nil || got != firstAccess {
			t.Fatalf("page %d: Token = %q, %v; want the stored token", page, got, err)
		}
	}
	if n := keychain.count() - before; n != oneRead {
		t.Fatalf("100 Token calls made %d keychain reads, want %d (one load of the credential)", n, oneRead)
	}
}

func TestARememberedTokenNearItsExpiryIsNotGivenAgain(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(10*time.Hour))
	src := testSource(t, srv, store)
	now := testNow
	src.Now = func() time.Time { return now }
	ctx := context.Background()
	if got, err := src.Token(ctx); err != nil || got != firstAccess {
		t.Fatalf("Token = %q, %v; want the stored token", got, err)
	}
	// The list runs on until 59 s of the remembered token remain.
	now = testNow.Add(10*time.Hour - 59*time.Second)
	got, err := src.Token(ctx)
	if err != nil || got == firstAccess || srv.count() != 1 {
		t.Fatalf("Token near expiry = %q (the old one: %v), %v after %d refresh requests; want a renewed token and 1 request",
			got, got == firstAccess, err, srv.count())
	}
	if c, _ := store.Load(ctx, "p_acme"); c.AccessToken != got {
		t.Fatal("the renewed token is not the one stored")
	}
}

func TestAfterARejectionTheSourceGivesTheTokenAnotherProcessStored(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	store, keychain := countingStore()
	signedIn(t, store, "p_acme", testNow.Add(10*time.Hour))
	src := testSource(t, srv, store)
	ctx := context.Background()
	if got, err := src.Token(ctx); err != nil || got != firstAccess {
		t.Fatalf("Token = %q, %v; want the stored token", got, err)
	}
	// Another process renews the token; the API then rejects the one this
	// Source remembers.
	other := Credential{Grant: oauth.GrantCode, AccessToken: "at-other-Hs4Kd8Wq2Zn6", RefreshToken: "rt-other-Mb3Jx7Vc1Ty5", Expiry: testNow.Add(10 * time.Hour)}
	if err := store.Save(ctx, "p_acme", other); err != nil {
		t.Fatal(err)
	}
	got, err := src.Renew(ctx, firstAccess)
	if err != nil || got != other.AccessToken || srv.count() != 0 {
		t.Fatalf("Renew = %q, %v after %d refresh requests; want the other process's token and no request", got, err, srv.count())
	}
	before := keychain.count()
	for page := range 10 {
		if got, err := src.Token(ctx); err != nil || got != other.AccessToken {
			t.Fatalf("page %d: Token = %q (the rejected one: %v), %v; want the other process's token", page, got, got == firstAccess, err)
		}
	}
	if n := keychain.count() - before; n != 0 {
		t.Fatalf("Token after Renew read the keychain %d times, want none", n)
	}
}

func TestASourceForgetsItsTokenWhenARenewalFails(t *testing.T) {
	t.Parallel()
	srv := newTokenServer(t)
	srv.refuse = true
	store := memoryStore()
	signedIn(t, store, "p_acme", testNow.Add(10*time.Hour))
	src := testSource(t, srv, store)
	ctx := context.Background()
	if got, err := src.Token(ctx); err != nil || got != firstAccess {
		t.Fatalf("Token = %q, %v; want the stored token", got, err)
	}
	// The API rejects it and the provider refuses the refresh token: the
	// profile is signed out, and the Source must not give the token again.
	if _, err := src.Renew(ctx, firstAccess); !errors.Is(err, ErrSignedOut) {
		t.Fatalf("Renew = %v, want ErrSignedOut", err)
	}
	got, err := src.Token(ctx)
	var signedOut *SignedOutError
	if !errors.As(err, &signedOut) || signedOut.Reason != NotSignedIn {
		t.Fatalf("Token after the sign-out = %q (the rejected one: %v), %v; want NotSignedIn", got, got == firstAccess, err)
	}
}
