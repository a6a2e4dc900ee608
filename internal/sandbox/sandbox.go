// Package sandbox is an embedded look-alike of the Zapier Partner API that
// listens on a loopback address only.
//
// It speaks both of Zapier's grants. The authorize endpoint
// (/oauth/authorize/) answers with a consent page or a scripted answer (see
// [Approve]): response_type=token (the implicit grant) redirects with an
// access token in the fragment; response_type=code (the authorization-code
// grant, Zapier's since April 2024, for the built-in client [ClientID])
// redirects with a one-time code in the query. The token endpoint
// (/oauth/token/) exchanges that code, within two minutes and once, for a
// Bearer access token and a refresh token, with the client authenticated by
// HTTP Basic or client_id and client_secret in the form (the secret is
// [Options.ClientSecret], or one made from the installation's key). A PKCE
// challenge (S256 only; plain is refused) sent with the authorize request is
// checked at the exchange. grant_type=refresh_token returns new tokens and a
// new refresh token: refresh tokens do not expire but rotate, and an old one
// is refused with invalid_grant. A code used twice revokes the tokens issued
// for it (RFC 6749 4.1.2). Errors are RFC 6749 5.2 JSON; invalid_client is a
// 401. [Server.Refreshes] counts refresh requests for tests.
//
// Access tokens are self-contained and signed, so they stay valid across
// restarts until they expire (10 hours unless [Options.ExpiresIn] says
// otherwise), whichever grant issued them. The sandbox answers the read
// endpoints under /v1 and /v2 with deterministic fictional data generated
// from a seed (up to any number of Zaps and directory apps).
// Each endpoint behaves as Zapier's does: the same credentials (token,
// client_id, either, or none) and scopes, the same one of the four
// pagination styles, v1 error strings on /v1 and v2 JSON:API error objects
// on /v2, and, when asked, a rate limit answered with 429 and Retry-After.
// The app uses it for "Try the Sandbox", tests use it as the provider, and
// the CLI runs it standalone.
//
// It deliberately does not: listen on anything but loopback, speak TLS,
// persist anything but its key, per client and set of scopes a hash and the
// time its latest token expires, and per chain of refresh tokens a hashed
// name and a counter (never a token, code or secret), keep codes anywhere
// but in memory, let clients other than the built-in one use the code grant
// (they have no secret), or pretend to be Zapier (every page it shows says
// it is not).
package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"partnerdesk/internal/paths"
)

const (
	// ClientID is the built-in registered client. It is always registered.
	ClientID = "partnerdesk-sandbox"
	// RedirectURI is the built-in client's registered redirect_uri. Its host
	// does not resolve: the app intercepts the redirect before it is loaded.
	RedirectURI = "https://partner.invalid/oauth/callback"
)

// Approve says how the authorize endpoint answers a valid request.
type Approve string

const (
	// ApproveAsk shows a consent page with Approve and Deny buttons and
	// honours approval_prompt as Zapier does: "force" always shows it;
	// "auto" (or none) skips it while a token issued for the same client
	// with the same scopes is still live.
	ApproveAsk Approve = "ask"
	// ApproveAuto redirects with a token at once, even with approval_prompt=force.
	ApproveAuto Approve = "auto"
	// ApproveDeny redirects with error=access_denied in the query, as Zapier does.
	ApproveDeny Approve = "deny"
	// ApproveWrongState redirects with a token but a state the client never sent.
	ApproveWrongState Approve = "wrong-state"
)

// Defaults for zero-valued [Options] fields.
const (
	DefaultAddr      = "127.0.0.1:0"
	DefaultExpiresIn = 10 * time.Hour
	DefaultZaps      = 250
)

// keySize is the length in bytes of the signing key kept in Options.KeyFile.
const keySize = 32

// Options configures a sandbox server. The zero value is usable.
type Options struct {
	// Addr is the TCP address to listen on; "" means "127.0.0.1:0" (a free
	// port). "localhost" stands for 127.0.0.1. Any address that is not
	// loopback is refused.
	Addr string
	// Approve is how valid authorize requests are answered; "" means ApproveAsk.
	Approve Approve
	// ExpiresIn is the lifetime of issued tokens; 0 means 10 hours. It must
	// be a whole number of seconds, at least one.
	ExpiresIn time.Duration
	// KeyFile holds the installation's 32-byte sandbox key, created (mode
	// 0600) on first use: it signs tokens and proves to the app that a
	// sandbox is its own. "" means $XDG_DATA_HOME/partnerdesk/sandbox.key.
	// Beside it, NAME-consent.json remembers until when tokens are live
	// (see ApproveAsk): hashes and times, never a token.
	KeyFile string
	// Clients registers extra clients: client_id -> its allowed redirect_uris,
	// compared as exact strings. The built-in ClientID is always registered
	// with RedirectURI; an entry for ClientID adds redirect_uris to it.
	Clients map[string][]string
	// Seed makes the generated data (Zaps, apps) reproducible; the same seed
	// always gives the same data.
	Seed int64
	// Zaps is how many Zaps the sandbox user has; 0 means 250, a negative
	// number means none.
	Zaps int
	// Apps is how many apps the app directory (/v1/apps, /v2/apps) lists;
	// 0 means DefaultApps, a negative number means none.
	Apps int
	// RateLimit is how many API requests (/v1/..., /v2/...) the sandbox
	// answers per RateWindow before it answers 429 with Retry-After, as
	// Zapier does; 0 means no limit.
	RateLimit int
	// RateWindow is the window RateLimit counts in; 0 means a minute.
	RateWindow time.Duration
	// Now is the clock for token and consent-form expiry; nil means
	// time.Now. For tests.
	Now func() time.Time
	// ClientSecret is the secret the built-in client ClientID authenticates
	// with at the token endpoint (the authorization-code grant). "" means
	// one made from the installation's key: the same for every sandbox of
	// the installation and across restarts, so a stored secret keeps working.
	ClientSecret string
	// Log receives one line per request, per authorization and per refresh
	// request; nil discards. Tokens, codes, secrets, Authorization headers
	// and redirect URLs are never logged.
	Log *slog.Logger
}

// Server is a running (or, from [New], handler-only) sandbox.
type Server struct {
	mode         Approve
	expiresIn    time.Duration
	now          func() time.Time
	log          *slog.Logger
	clients      map[string][]string
	tokenKey     []byte
	refreshKey   []byte
	csrfKey      []byte
	identityKey  []byte // proves to the app that this sandbox is its own (identity.go)
	clientSecret string // of the built-in client, for the code grant
	consents     *consents
	codes        *authCodes
	chains       *refreshChains
	data         *dataset
	handler      http.Handler
	limiter      *rateLimiter // nil: no limit

	authorizations atomic.Int64
	refreshes      atomic.Int64

	ln        net.Listener
	srv       *http.Server
	closeOnce sync.Once
	closeErr  error
}

// Start builds a sandbox from opts, listens on opts.Addr and serves in the
// background until Close.
func Start(opts Options) (*Server, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := s.listen(opts.Addr); err != nil {
		return nil, err
	}
	return s, nil
}

// listen listens on addr (see Options.Addr) and serves in the background.
func (s *Server) listen(addr string) error {
	addr, err := loopbackAddr(addr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox stopped serving", "err", err)
		}
	}()
	s.log.Info("sandbox listening", "url", s.URL(), "approve", string(s.mode))
	return nil
}

// New builds a sandbox from opts without listening: serve it through
// [Server.Handler] (for example with net/http/httptest). URL and
// AuthorizeURL return "" for such a server; the links it writes into
// responses are built from each request's Host.
func New(opts Options) (*Server, error) {
	mode := opts.Approve
	switch mode {
	case "":
		mode = ApproveAsk
	case ApproveAsk, ApproveAuto, ApproveDeny, ApproveWrongState:
	default:
		return nil, fmt.Errorf("sandbox: unknown approve mode %q (want ask, auto, deny or wrong-state)", mode)
	}
	expiresIn := opts.ExpiresIn
	if expiresIn == 0 {
		expiresIn = DefaultExpiresIn
	}
	if expiresIn < time.Second || expiresIn%time.Second != 0 {
		return nil, fmt.Errorf("sandbox: token lifetime %v is not a whole number of seconds, at least 1s", expiresIn)
	}
	clients, err := registerClients(opts.Clients)
	if err != nil {
		return nil, err
	}
	keyFile := opts.KeyFile
	if keyFile == "" {
		keyFile = defaultKeyFile()
	}
	key, err := loadKey(keyFile)
	if err != nil {
		return nil, err
	}
	zaps := opts.Zaps
	switch {
	case zaps == 0:
		zaps = DefaultZaps
	case zaps < 0:
		zaps = 0
	}
	apps := opts.Apps
	switch {
	case apps == 0:
		apps = DefaultApps
	case apps < 0:
		apps = 0
	}
	if opts.RateLimit < 0 || opts.RateWindow < 0 {
		return nil, errors.New("sandbox: the rate limit and its window cannot be negative")
	}
	secret := opts.ClientSecret
	if secret == "" {
		secret = madeClientSecret(key)
	}
	s := &Server{
		mode:         mode,
		expiresIn:    expiresIn,
		now:          opts.Now,
		log:          opts.Log,
		clients:      clients,
		tokenKey:     deriveKey(key, "partnerdesk sandbox access token v1"),
		refreshKey:   deriveKey(key, "partnerdesk sandbox refresh token v1"),
		csrfKey:      deriveKey(key, "partnerdesk sandbox consent form v1"),
		identityKey:  deriveKey(key, identityPurpose),
		clientSecret: secret,
		consents:     &consents{path: consentPath(keyFile), key: deriveKey(key, "partnerdesk sandbox consent memory v1")},
		codes:        &authCodes{},
		chains:       &refreshChains{dir: chainsDir(keyFile), key: deriveKey(key, "partnerdesk sandbox refresh chains v1")},
		data:         generate(opts.Seed, zaps, apps),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if opts.RateLimit > 0 {
		window := opts.RateWindow
		if window == 0 {
			window = time.Minute
		}
		s.limiter = &rateLimiter{limit: opts.RateLimit, window: window, now: s.now}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.handler = s.routes()
	return s, nil
}

// URL is the base URL, such as "http://127.0.0.1:41234", with no trailing
// slash. The API lives under it (/v1/..., /v2/...) as under api.zapier.com.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// AuthorizeURL is the authorize endpoint: URL() + "/oauth/authorize/".
func (s *Server) AuthorizeURL() string {
	if s.ln == nil {
		return ""
	}
	return s.URL() + authorizePath
}

// TokenURL is the token endpoint of the authorization-code grant:
// URL() + "/oauth/token/".
func (s *Server) TokenURL() string {
	if s.ln == nil {
		return ""
	}
	return s.URL() + tokenPath
}

// Handler serves everything the sandbox serves.
func (s *Server) Handler() http.Handler { return s.handler }

// Authorizations counts the sign-ins that issued an access token so far:
// approved implicit-grant requests and exchanged codes. Refreshes are
// counted apart, by Refreshes.
func (s *Server) Authorizations() int { return int(s.authorizations.Load()) }

// Refreshes counts the refresh requests (grant_type=refresh_token) the
// token endpoint has answered, granted or refused. A test that needs
// "exactly one refresh" reads it; the log has a line per request with the
// count.
func (s *Server) Refreshes() int { return int(s.refreshes.Load()) }

// ClientSecret is the built-in client's secret for the code grant: the
// one Options.ClientSecret set, or the one made from the installation's key.
func (s *Server) ClientSecret() string { return s.clientSecret }

// Close stops listening and closes open connections at once. It is safe to
// call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.srv != nil {
			s.closeErr = s.srv.Close()
			s.log.Info("sandbox closed", "url", s.URL())
		}
	})
	return s.closeErr
}

// routes wires every path the sandbox answers.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.serveIndex)
	mux.HandleFunc("GET "+proofPath, s.serveProof)
	s.oauthRoutes(mux)
	s.apiRoutes(mux)
	s.pageRoutes(mux)
	return s.logRequests(mux)
}

// logRequests logs method, path (never the query) and status of every request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// loopbackAddr checks that addr names a loopback IP and returns it with
// "localhost" replaced by 127.0.0.1 and "" by DefaultAddr.
func loopbackAddr(addr string) (string, error) {
	if addr == "" {
		return DefaultAddr, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("sandbox: address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("sandbox: address %q is not loopback: the sandbox listens only on 127.0.0.1, [::1] or localhost", addr)
	}
	return net.JoinHostPort(host, port), nil
}

// registerClients merges extra clients with the built-in one and checks
// every redirect_uri is an absolute URI without a fragment (RFC 6749 3.1.2).
func registerClients(extra map[string][]string) (map[string][]string, error) {
	clients := map[string][]string{ClientID: {RedirectURI}}
	for id, uris := range extra {
		if id == "" {
			return nil, errors.New("sandbox: a registered client has an empty client_id")
		}
		for _, u := range uris {
			p, err := url.Parse(u)
			if err != nil || !p.IsAbs() || p.Fragment != "" || strings.Contains(u, "#") {
				return nil, fmt.Errorf("sandbox: client %q: redirect_uri %q is not an absolute URI without a fragment", id, u)
			}
			clients[id] = append(clients[id], u)
		}
	}
	return clients, nil
}

// defaultKeyFile is the installation's sandbox key: it signs tokens and
// proves to the app that a sandbox is its own.
func defaultKeyFile() string {
	return paths.SandboxKey()
}

// loadKey reads the signing key from path, creating it with fresh random
// bytes (mode 0600, directory 0700) when it does not exist yet.
func loadKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: signing key: %w", err)
	}
	if len(key) != keySize {
		return nil, fmt.Errorf("sandbox: signing key %s holds %d bytes, want %d: delete it to make a new one (tokens signed with it stop working)", path, len(key), keySize)
	}
	return key, nil
}

// createKey writes a new key to path without ever replacing an existing file:
// when another process wins the race, its key is read and used.
func createKey(path string) ([]byte, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, keySize)
	if _, err := io.ReadFull(rand.Reader, key); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, ".sandbox-key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return os.ReadFile(path)
		}
		return nil, err
	}
	return key, nil
}

// madeClientSecret is the built-in client's secret when none is set: made
// from the installation's key, so never written anywhere itself.
func madeClientSecret(key []byte) string {
	return clientSecretPrefix + b64.EncodeToString(deriveKey(key, "partnerdesk sandbox client secret v1"))
}

// LocalClientSecret is the client secret of this installation's built-in
// sandbox (the one EnsureLocal runs or finds), for a code-grant profile of it.
func LocalClientSecret() (string, error) {
	key, err := loadKey(defaultKeyFile())
	if err != nil {
		return "", err
	}
	return madeClientSecret(key), nil
}

// deriveKey gives each use of the master key its own key.
func deriveKey(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// baseURL is the absolute base of the request's server, for links in bodies.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
