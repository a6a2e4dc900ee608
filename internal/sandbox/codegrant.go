package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// The authorization-code grant, as Zapier has run it since April 2024: the
// authorize endpoint answers response_type=code with a one-time code in the
// redirect's query; POST /oauth/token/ trades it, with the client's secret,
// for an access token and a refresh token, and trades a refresh token for
// new ones (RFC 6749 4.1 and 6, PKCE as RFC 7636).

// tokenPath is the token endpoint, with Zapier's trailing slash; the path
// without it is served too.
const tokenPath = "/oauth/token/"

// codeTTL is how long an authorization code can be exchanged, as on
// Zapier; codeTTLText says it in words.
const (
	codeTTL     = 2 * time.Minute
	codeTTLText = "2 minutes"
)

// codePrefix starts every authorization code the sandbox issues.
const codePrefix = "sbc_"

// clientSecretPrefix starts the client secret the sandbox makes itself.
const clientSecretPrefix = "sbs_"

// grantsCode tells whether clientID may use the authorization-code grant:
// only the built-in client has a client secret. Clients added through
// Options.Clients use the implicit grant only; add redirect URIs to
// ClientID to run the code grant with them. With one client holding a
// secret, every code and refresh token the token endpoint sees is that
// client's own; giving a second client a secret means checking that there.
func (s *Server) grantsCode(clientID string) bool { return clientID == ClientID }

// secretMatches compares secret with the client secret in constant time.
func (s *Server) secretMatches(secret string) bool {
	got, want := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(s.clientSecret))
	return hmac.Equal(got[:], want[:])
}

// authCode is what an issued authorization code grants.
type authCode struct {
	redirectURI string
	scopes      []string
	challenge   string // PKCE S256 challenge; "" when the authorize request sent none
	// chain names the chain of refresh tokens the code's exchange starts.
	// It is chosen with the code so that a second use can revoke the
	// tokens of the first, even while the first is being answered.
	chain   string
	expires time.Time
	used    bool
}

// Why a code was refused; each is an invalid_grant.
var (
	errCodeUnknown = errors.New("the authorization code is not known to this sandbox")
	errCodeExpired = errors.New("the authorization code has expired: codes work for " + codeTTLText)
	errCodeUsed    = errors.New("the authorization code was already used: the tokens issued for it are revoked")
)

// authCodes holds the codes issued in the last two minutes, in memory only,
// by a hash of the code.
type authCodes struct {
	mu     sync.Mutex
	byHash map[[sha256.Size]byte]*authCode
}

// add records code, and forgets the codes that have expired by now.
func (ac *authCodes) add(code string, c *authCode, now time.Time) {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	if ac.byHash == nil {
		ac.byHash = map[[sha256.Size]byte]*authCode{}
	}
	for h, old := range ac.byHash {
		if !now.Before(old.expires) {
			delete(ac.byHash, h)
		}
	}
	ac.byHash[sha256.Sum256([]byte(code))] = c
}

// take returns what code grants and marks it used. A code used before is
// returned with errCodeUsed, so its tokens can be revoked.
func (ac *authCodes) take(code string, now time.Time) (authCode, error) {
	ac.mu.Lock()
	defer ac.mu.Unlock()
	h := sha256.Sum256([]byte(code))
	c := ac.byHash[h]
	switch {
	case c == nil:
		return authCode{}, errCodeUnknown
	case !now.Before(c.expires):
		delete(ac.byHash, h)
		return authCode{}, errCodeExpired
	case c.used:
		return *c, errCodeUsed
	}
	c.used = true
	return *c, nil
}

// approveCode redirects an approved code request with a new code, and state
// as the state to echo, in the query.
func (s *Server) approveCode(w http.ResponseWriter, status int, req *authRequest, state string) {
	random := make([]byte, 32)
	chain, err := newChainID()
	if err == nil {
		_, err = rand.Read(random)
	}
	if err != nil {
		s.log.Error("issue code", "err", err)
		s.writeErrorPage(w, http.StatusInternalServerError, "The sandbox failed", "It could not make an authorization code.", hintStartAgain)
		return
	}
	code := codePrefix + b64.EncodeToString(random)
	s.codes.add(code, &authCode{
		redirectURI: req.redirectURI,
		scopes:      req.scopes,
		challenge:   req.codeChallenge,
		chain:       chain,
		expires:     s.now().Add(codeTTL),
	}, s.now())
	s.log.Info("authorize approved with a code", "client_id", req.clientID, "scopes", strings.Join(req.scopes, " "),
		"pkce", req.codeChallenge != "", "state_echoed", state == req.state)
	params := [][2]string{{"code", code}}
	if state != "" {
		params = append(params, [2]string{"state", state})
	}
	s.redirect(w, status, withQuery(req.redirectURI, params))
}

// tokenError is an error answer of the token endpoint (RFC 6749 5.2).
type tokenError struct {
	code        string // invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type, server_error
	description string
}

// The errors the token endpoint answers most, by their RFC 6749 codes.
func invalidRequest(description string) *tokenError {
	return &tokenError{"invalid_request", description}
}

func invalidClient(description string) *tokenError {
	return &tokenError{"invalid_client", description}
}

func invalidGrant(description string) *tokenError {
	return &tokenError{"invalid_grant", description}
}

// tokenAnswer is the token endpoint's answer to a granted request.
type tokenAnswer struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// serveToken answers POST /oauth/token/.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	form, terr := readTokenForm(w, r)
	grantType := form.Get("grant_type")
	if terr == nil {
		terr = checkGrantType(grantType)
	}
	var clientID string
	if terr == nil {
		clientID, terr = s.authenticateClient(r, form)
	}
	var answer tokenAnswer
	if terr == nil {
		if grantType == "authorization_code" {
			answer, terr = s.exchangeCode(clientID, form)
		} else {
			answer, terr = s.refresh(clientID, form)
		}
	}
	if grantType == "refresh_token" {
		// Counted before the answer is written, so a client holding the
		// answer reads a count that includes its request.
		n := s.refreshes.Add(1)
		outcome := "new tokens issued"
		if terr != nil {
			outcome = terr.code
		}
		s.log.Info("refresh request", "refreshes", n, "client_id", clientID, "outcome", outcome)
	}
	if terr != nil {
		s.log.Info("token request refused", "grant_type", grantType, "error", terr.code, "reason", terr.description)
		writeTokenError(w, terr)
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// readTokenForm reads the parameters of a token request: from a
// form-encoded body only, each at most once.
func readTokenForm(w http.ResponseWriter, r *http.Request) (url.Values, *tokenError) {
	if r.URL.RawQuery != "" {
		// Codes, refresh tokens and secrets in a URL end up in logs.
		return url.Values{}, invalidRequest("send the parameters in the request body, not in the URL")
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return url.Values{}, invalidRequest("the request body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return url.Values{}, invalidRequest("the request body could not be read as a form")
	}
	for name, values := range r.PostForm {
		if len(values) > 1 {
			return url.Values{}, invalidRequest(name + " is given more than once")
		}
	}
	return r.PostForm, nil
}

func checkGrantType(grantType string) *tokenError {
	switch grantType {
	case "":
		return invalidRequest("grant_type is required: authorization_code or refresh_token")
	case "authorization_code", "refresh_token":
		return nil
	default:
		return &tokenError{"unsupported_grant_type", "grant_type must be authorization_code or refresh_token"}
	}
}

// authenticateClient checks the client ID and secret, sent with HTTP Basic
// (form-encoded, RFC 6749 2.3.1) or as client_id and client_secret in the
// body (never both), and returns the client ID.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (string, *tokenError) {
	id, secret := form.Get("client_id"), form.Get("client_secret")
	if user, password, basic := r.BasicAuth(); basic {
		if form.Has("client_secret") {
			return "", invalidRequest("send the client secret once: in the Authorization header or in the body, not both")
		}
		basicID, err1 := url.QueryUnescape(user)
		basicSecret, err2 := url.QueryUnescape(password)
		if err1 != nil || err2 != nil {
			return "", invalidClient("the client ID and secret in the Authorization header are not form-encoded")
		}
		if id != "" && id != basicID {
			return "", invalidRequest("client_id in the body differs from the one in the Authorization header")
		}
		id, secret = basicID, basicSecret
	} else if r.Header.Get("Authorization") != "" {
		return "", invalidClient("the Authorization header must be Basic, with the client ID and client secret")
	}
	switch _, registered := s.clients[id]; {
	case id == "":
		return "", invalidClient("no client authentication: send the client ID and client secret with HTTP Basic, or as client_id and client_secret")
	case !registered:
		return "", invalidClient(fmt.Sprintf("no client is registered with client_id %q", id))
	case !s.grantsCode(id):
		return "", invalidClient(fmt.Sprintf("client %q has no client secret: it uses the implicit grant", id))
	case secret == "":
		return "", invalidClient("no client secret was sent")
	case !s.secretMatches(secret):
		return "", invalidClient(fmt.Sprintf("the client secret is wrong for client_id %q", id))
	}
	return id, nil
}

// exchangeCode answers grant_type=authorization_code (RFC 6749 4.1.3).
func (s *Server) exchangeCode(clientID string, form url.Values) (tokenAnswer, *tokenError) {
	code, redirectURI := form.Get("code"), form.Get("redirect_uri")
	switch {
	case code == "":
		return tokenAnswer{}, invalidRequest("code is required")
	case redirectURI == "":
		return tokenAnswer{}, invalidRequest("redirect_uri is required: the one the authorize request named")
	}
	grant, err := s.codes.take(code, s.now())
	if errors.Is(err, errCodeUsed) {
		// RFC 6749 4.1.2: a code used twice may have been stolen; the
		// tokens issued for it stop working.
		if rerr := s.chains.revoke(grant.chain); rerr != nil {
			s.log.Error("revoke the tokens of a code used twice", "err", rerr)
		}
		s.log.Info("authorization code used twice: the tokens issued for it are revoked", "client_id", clientID)
	}
	if err != nil {
		return tokenAnswer{}, invalidGrant(err.Error())
	}
	if redirectURI != grant.redirectURI {
		return tokenAnswer{}, invalidGrant("redirect_uri differs from the one the authorize request named")
	}
	if terr := checkVerifier(grant.challenge, form.Get("code_verifier")); terr != nil {
		return tokenAnswer{}, terr
	}
	if err := s.chains.start(grant.chain); err != nil {
		if errors.Is(err, errRefreshRevoked) {
			return tokenAnswer{}, invalidGrant(errCodeUsed.Error())
		}
		s.log.Error("record a refresh chain", "err", err)
		return tokenAnswer{}, &tokenError{"server_error", "the sandbox could not record the refresh token"}
	}
	answer, err := s.issueTokens(clientID, grant.scopes, grant.scopes, grant.chain, 1)
	if err != nil {
		s.log.Error("issue tokens", "err", err)
		return tokenAnswer{}, &tokenError{"server_error", "the sandbox could not make the tokens"}
	}
	s.authorizations.Add(1)
	s.log.Info("authorization code exchanged", "client_id", clientID, "scopes", answer.Scope, "pkce", grant.challenge != "")
	return answer, nil
}

// checkVerifier checks a code exchange's code_verifier against the
// authorize request's challenge (RFC 7636 4.6). A verifier for a code
// whose request carried no challenge is refused too (RFC 9700 2.1.1):
// otherwise a client whose challenge was lost on the way would never learn.
func checkVerifier(challenge, verifier string) *tokenError {
	switch {
	case challenge == "" && verifier != "":
		return invalidGrant("code_verifier was sent, but the authorize request carried no code_challenge")
	case challenge == "":
		return nil
	case verifier == "":
		return invalidGrant("code_verifier is required: the authorize request carried a code_challenge")
	case !validPKCEString(verifier):
		return invalidRequest("code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
	}
	sum := sha256.Sum256([]byte(verifier))
	if !hmac.Equal([]byte(b64.EncodeToString(sum[:])), []byte(challenge)) {
		return invalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// validPKCEString tells whether v is a well-formed code_verifier or
// code_challenge: 43 to 128 unreserved characters (RFC 7636 4.1).
func validPKCEString(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, c := range v {
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.ContainsRune("-._~", c)) {
			return false
		}
	}
	return true
}

// refresh answers grant_type=refresh_token (RFC 6749 6): new tokens, the
// refresh token replaced by the next one of its chain.
func (s *Server) refresh(clientID string, form url.Values) (tokenAnswer, *tokenError) {
	token := form.Get("refresh_token")
	if token == "" {
		return tokenAnswer{}, invalidRequest("refresh_token is required")
	}
	rc, err := s.verifyRefreshToken(token)
	if err != nil {
		return tokenAnswer{}, invalidGrant(err.Error())
	}
	// A refresh may narrow the scope of the new access token, never widen
	// it; the new refresh token keeps the scope first granted.
	scopes := rc.Scopes
	if asked := form.Get("scope"); asked != "" {
		scopes = nil
		for _, name := range strings.Fields(asked) {
			if !slices.Contains(rc.Scopes, name) {
				return tokenAnswer{}, &tokenError{"invalid_scope", fmt.Sprintf("scope %q was not granted to this refresh token", name)}
			}
			if !slices.Contains(scopes, name) {
				scopes = append(scopes, name)
			}
		}
	}
	// The tokens are made first, so a chain is never advanced to a token
	// the client does not receive.
	answer, err := s.issueTokens(clientID, scopes, rc.Scopes, rc.Chain, rc.N+1)
	if err != nil {
		s.log.Error("issue tokens", "err", err)
		return tokenAnswer{}, &tokenError{"server_error", "the sandbox could not make the tokens"}
	}
	switch err := s.chains.advance(rc.Chain, rc.N); {
	case errors.Is(err, errRefreshUnknown), errors.Is(err, errRefreshRevoked), errors.Is(err, errRefreshReplaced):
		return tokenAnswer{}, invalidGrant(err.Error())
	case err != nil:
		s.log.Error("record a refresh", "err", err)
		return tokenAnswer{}, &tokenError{"server_error", "the sandbox could not record the refresh"}
	}
	return answer, nil
}

// issueTokens makes an access token for scopes and refresh token number n
// of chain, which grants chainScopes, and remembers that a token for
// scopes is live (see ApproveAsk).
func (s *Server) issueTokens(clientID string, scopes, chainScopes []string, chain string, n int64) (tokenAnswer, error) {
	access, expires, err := s.issueToken(clientID, scopes, chain)
	if err != nil {
		return tokenAnswer{}, err
	}
	refresh, err := s.issueRefreshToken(clientID, chainScopes, chain, n)
	if err != nil {
		return tokenAnswer{}, err
	}
	if err := s.consents.record(clientID, scopes, expires, s.now()); err != nil {
		s.log.Warn("the sandbox could not remember this approval", "err", err)
	}
	return tokenAnswer{
		AccessToken:  access,
		TokenType:    "Bearer",
		ExpiresIn:    int64(s.expiresIn / time.Second),
		RefreshToken: refresh,
		Scope:        strings.Join(scopes, " "),
	}, nil
}

// writeTokenError answers with e as RFC 6749 5.2 says: JSON, 400, or 401
// with a Basic challenge for a client that failed to authenticate.
func writeTokenError(w http.ResponseWriter, e *tokenError) {
	status := http.StatusBadRequest
	switch e.code {
	case "invalid_client":
		status = http.StatusUnauthorized
		w.Header().Set("WWW-Authenticate", `Basic realm="Partnerdesk Sandbox"`)
	case "server_error":
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{e.code, e.description})
}
