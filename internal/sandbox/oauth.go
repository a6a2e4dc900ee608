package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// authorizePath is the authorize endpoint, with Zapier's trailing slash; the
// path without it is served too.
const authorizePath = "/oauth/authorize/"

// scopeInfo is a scope the sandbox grants and what it lets an app do, in the
// words shown on the consent page.
type scopeInfo struct {
	Name, Description string
}

// knownScopes are the scopes named by the Partner API schema (2024.11) and by
// its endpoint descriptions. connection:read and connection:write appear only
// in the endpoint descriptions; they are accepted so a client that asks for
// either works.
var knownScopes = []scopeInfo{
	{"profile", "See your name, email address and time zone."},
	{"zap", "See your Zaps that use this app."},
	{"zap:all", "See every Zap you can open, not only those that use this app."},
	{"zap:account:all", "See every Zap in your account, including Zaps shared with you."},
	{"zap:write", "Create and change Zaps for you."},
	{"zap:runs", "See the run history of your Zaps."},
	{"authentication", "See which app accounts you have connected."},
	{"authentication:write", "Connect app accounts for you."},
	{"connection:read", "See which app accounts you have connected."},
	{"connection:write", "Connect app accounts for you."},
	{"action:run", "Run actions in your connected apps for you."},
}

// KnownScopes lists the scopes the sandbox grants, in a stable order.
func KnownScopes() []string {
	names := make([]string, len(knownScopes))
	for i, sc := range knownScopes {
		names[i] = sc.Name
	}
	return names
}

func scopeByName(name string) (scopeInfo, bool) {
	for _, sc := range knownScopes {
		if sc.Name == name {
			return sc, true
		}
	}
	return scopeInfo{}, false
}

// consentTTL is how long a consent page's form may be submitted.
const consentTTL = 30 * time.Minute

func (s *Server) oauthRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /oauth/authorize/{$}", s.serveAuthorize)
	mux.HandleFunc("GET /oauth/authorize", s.serveAuthorize)
	mux.HandleFunc("POST /oauth/authorize/{$}", s.serveDecision)
	mux.HandleFunc("POST /oauth/authorize", s.serveDecision)
	mux.HandleFunc("POST /oauth/token/{$}", s.serveToken)
	mux.HandleFunc("POST /oauth/token", s.serveToken)
}

// authRequest is a checked authorize request.
type authRequest struct {
	clientID       string
	redirectURI    string
	responseType   string   // "token" (the implicit grant) or "code"
	scopes         []string // known, without repeats, in the order asked
	state          string
	hasState       bool
	approvalPrompt string // "", "auto" or "force"
	codeChallenge  string // PKCE S256 challenge of a code request; "" when none was sent
}

// redirectError is an error the client learns through its redirect_uri.
type redirectError struct {
	code        string // RFC 6749 4.1.2.1 / 4.2.2.1 error code
	description string
	inQuery     bool // in the query, as Zapier sends access_denied; else in the fragment (code requests: always the query)
}

// serveAuthorize answers GET /oauth/authorize/.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	req, problem, rerr := s.parseAuthorize(r.URL.Query())
	switch {
	case problem != "":
		s.log.Info("authorize refused", "reason", problem)
		s.writeErrorPage(w, http.StatusBadRequest, "This sign-in link is not valid", problem, hintCheckProfile)
		return
	case rerr != nil:
		s.log.Info("authorize failed", "client_id", req.clientID, "error", rerr.code)
		s.redirect(w, http.StatusFound, req.errorURL(rerr))
		return
	}

	switch s.mode {
	case ApproveAuto:
		// approval_prompt=force still approves at once: in this mode the
		// sandbox plays an operator who always approves.
		s.approve(w, http.StatusFound, req, req.state)
	case ApproveWrongState:
		s.approve(w, http.StatusFound, req, wrongState(req.state))
	case ApproveDeny:
		s.deny(w, http.StatusFound, req)
	default:
		// As Zapier: approval_prompt=auto (Zapier's default, also when it
		// is left out) skips the consent page while the operator holds a
		// live token for this client with the same scopes; force always asks.
		if req.approvalPrompt != "force" && s.consents.live(req.clientID, req.scopes, s.now()) {
			s.log.Info("authorize approved without asking: a token for these scopes is still live", "client_id", req.clientID)
			s.approve(w, http.StatusFound, req, req.state)
			return
		}
		s.writeConsentPage(w, req)
	}
}

// serveDecision answers the consent page's form: POST /oauth/authorize/.
func (s *Server) serveDecision(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.writeErrorPage(w, http.StatusBadRequest, "This form could not be read", "The consent form sent was not valid.", hintStartAgain)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && origin != baseURL(r) {
		s.log.Info("consent refused", "reason", "cross-origin form")
		s.writeErrorPage(w, http.StatusForbidden, "This form came from another site",
			"The sandbox takes Approve and Deny only from its own consent page.", hintStartAgain)
		return
	}
	form := r.PostForm
	req, problem, rerr := s.parseAuthorize(form)
	if problem == "" && rerr == nil && !s.validCSRF(form.Get("csrf"), req) {
		problem = "The consent form has expired, or was not made by this sandbox for this request."
	}
	switch {
	case problem != "":
		s.log.Info("consent refused", "reason", problem)
		s.writeErrorPage(w, http.StatusBadRequest, "This sign-in cannot go on", problem, hintStartAgain)
		return
	case rerr != nil:
		s.redirect(w, http.StatusSeeOther, req.errorURL(rerr))
		return
	}
	switch form.Get("decision") {
	case "approve":
		s.approve(w, http.StatusSeeOther, req, req.state)
	case "deny":
		s.deny(w, http.StatusSeeOther, req)
	default:
		s.writeErrorPage(w, http.StatusBadRequest, "This form could not be read", "Press Approve or Deny.", hintStartAgain)
	}
}

// parseAuthorize checks the parameters of an authorize request. A problem
// with the client or its redirect_uri is returned as text for an error page:
// such a request must never be redirected. Any other problem is returned as a
// redirectError.
func (s *Server) parseAuthorize(v url.Values) (*authRequest, string, *redirectError) {
	req := &authRequest{}
	switch ids := v["client_id"]; {
	case len(ids) == 0 || ids[0] == "":
		return nil, "The request has no client_id.", nil
	case len(ids) > 1:
		return nil, "The request gives client_id more than once.", nil
	default:
		req.clientID = ids[0]
	}
	registered, ok := s.clients[req.clientID]
	if !ok {
		return nil, fmt.Sprintf("No app is registered with client_id %q.", req.clientID), nil
	}
	switch uris := v["redirect_uri"]; {
	case len(uris) == 0 || uris[0] == "":
		return nil, "The request has no redirect_uri.", nil
	case len(uris) > 1:
		return nil, "The request gives redirect_uri more than once.", nil
	case !slices.Contains(registered, uris[0]):
		return nil, fmt.Sprintf("The redirect_uri %q is not registered for client_id %q. It must equal a registered one exactly.",
			uris[0], req.clientID), nil
	default:
		req.redirectURI = uris[0]
	}
	// From here on the redirect_uri is trusted: errors go back to the client.
	req.state = v.Get("state")
	req.hasState = req.state != ""

	switch rt := v["response_type"]; {
	case len(rt) == 0 || rt[0] == "":
		return req, "", &redirectError{"invalid_request", "response_type is required; use code or token", true}
	case len(rt) > 1:
		return req, "", &redirectError{"invalid_request", "response_type is given more than once", true}
	case rt[0] == "code" && !s.grantsCode(req.clientID):
		req.responseType = "code"
		return req, "", &redirectError{"unauthorized_client", "this client is registered for the implicit grant only: use response_type=token", true}
	case rt[0] != "token" && rt[0] != "code":
		return req, "", &redirectError{"unsupported_response_type", "response_type must be code or token", true}
	default:
		req.responseType = rt[0]
	}
	for _, name := range []string{"scope", "state", "approval_prompt", "code_challenge", "code_challenge_method"} {
		if len(v[name]) > 1 {
			return req, "", &redirectError{"invalid_request", name + " is given more than once", false}
		}
	}
	switch req.approvalPrompt = v.Get("approval_prompt"); req.approvalPrompt {
	case "", "auto", "force":
	default:
		return req, "", &redirectError{"invalid_request", "approval_prompt must be auto or force", false}
	}
	for _, name := range strings.Fields(v.Get("scope")) {
		if _, ok := scopeByName(name); !ok {
			return req, "", &redirectError{"invalid_scope", fmt.Sprintf("unknown scope %q", name), false}
		}
		if !slices.Contains(req.scopes, name) {
			req.scopes = append(req.scopes, name)
		}
	}
	if req.responseType == "code" {
		if rerr := req.readChallenge(v); rerr != nil {
			return req, "", rerr
		}
	}
	return req, "", nil
}

// readChallenge records a code request's PKCE challenge (RFC 7636 4.3).
// Only S256 is accepted: a "plain" challenge is the verifier itself, so it
// protects nothing once the authorize URL is seen, and RFC 7636 makes plain
// the method when code_challenge_method is left out.
func (req *authRequest) readChallenge(v url.Values) *redirectError {
	challenge, method := v.Get("code_challenge"), v.Get("code_challenge_method")
	switch {
	case challenge == "" && method == "":
		return nil
	case method != "S256":
		return &redirectError{"invalid_request", "code_challenge_method must be S256; plain is refused", true}
	case !validPKCEString(challenge):
		return &redirectError{"invalid_request", "code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~", true}
	}
	req.codeChallenge = challenge
	return nil
}

// approve answers an approved request with state as the state to echo: a
// code request gets a one-time code in the query, a token request a token
// in the fragment.
func (s *Server) approve(w http.ResponseWriter, status int, req *authRequest, state string) {
	if req.responseType == "code" {
		s.approveCode(w, status, req, state)
		return
	}
	token, expires, err := s.issueToken(req.clientID, req.scopes, "")
	if err != nil {
		s.log.Error("issue token", "err", err)
		s.writeErrorPage(w, http.StatusInternalServerError, "The sandbox failed", "It could not make an access token.", hintStartAgain)
		return
	}
	s.authorizations.Add(1)
	if err := s.consents.record(req.clientID, req.scopes, expires, s.now()); err != nil {
		// The token is good; only the next approval_prompt=auto asks again.
		s.log.Warn("the sandbox could not remember this approval", "err", err)
	}
	s.log.Info("authorize approved", "client_id", req.clientID, "scopes", strings.Join(req.scopes, " "),
		"state_echoed", state == req.state)
	params := [][2]string{
		{"access_token", token},
		{"token_type", "Bearer"},
		{"expires_in", strconv.FormatInt(int64(s.expiresIn/time.Second), 10)},
		{"scope", strings.Join(req.scopes, " ")},
	}
	if state != "" {
		params = append(params, [2]string{"state", state})
	}
	s.redirect(w, status, req.redirectURI+"#"+encodeParams(params))
}

// deny redirects with error=access_denied in the query, as Zapier does.
func (s *Server) deny(w http.ResponseWriter, status int, req *authRequest) {
	s.log.Info("authorize denied", "client_id", req.clientID)
	s.redirect(w, status, req.errorURL(&redirectError{code: "access_denied", inQuery: true}))
}

// errorURL is the redirect_uri carrying e (and the state, if one was sent).
func (req *authRequest) errorURL(e *redirectError) string {
	params := [][2]string{{"error", e.code}}
	if e.description != "" {
		params = append(params, [2]string{"error_description", e.description})
	}
	if req.hasState {
		params = append(params, [2]string{"state", req.state})
	}
	if !e.inQuery && req.responseType != "code" {
		return req.redirectURI + "#" + encodeParams(params)
	}
	return withQuery(req.redirectURI, params)
}

// withQuery adds params to the query of uri, which may already have one.
func withQuery(uri string, params [][2]string) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + encodeParams(params)
}

// redirect sends the browser to loc with no body, so the token it may carry
// is written nowhere but the Location header.
func (s *Server) redirect(w http.ResponseWriter, status int, loc string) {
	w.Header().Set("Location", loc)
	w.WriteHeader(status)
}

// wrongState returns a state that differs from the one the client sent.
func wrongState(sent string) string {
	b := make([]byte, 16)
	for {
		rand.Read(b)
		if st := "sandbox-" + b64.EncodeToString(b); st != sent {
			return st
		}
	}
}

// encodeParams encodes pairs in order, writing spaces as %20 (never "+") so
// that fragment readers that do not treat "+" as a space still read them.
func encodeParams(pairs [][2]string) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]))
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p[1]), "+", "%20"))
	}
	return b.String()
}

// csrfToken binds a consent form to the request it shows and to the time it
// was made: "unix-seconds.base64url(HMAC)".
func (s *Server) csrfToken(req *authRequest, at time.Time) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return ts + "." + b64.EncodeToString(s.csrfMAC(ts, req))
}

func (s *Server) validCSRF(token string, req *authRequest) bool {
	ts, sig, ok := strings.Cut(token, ".")
	if !ok {
		return false
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	age := s.now().Sub(time.Unix(secs, 0))
	if age < -time.Minute || age > consentTTL {
		return false
	}
	mac, err := b64.DecodeString(sig)
	return err == nil && hmac.Equal(mac, s.csrfMAC(ts, req))
}

func (s *Server) csrfMAC(ts string, req *authRequest) []byte {
	m := hmac.New(sha256.New, s.csrfKey)
	for _, part := range []string{ts, req.clientID, req.redirectURI, strings.Join(req.scopes, " "),
		req.state, req.approvalPrompt, req.responseType, req.codeChallenge} {
		fmt.Fprintf(m, "%d:%s;", len(part), part)
	}
	return m.Sum(nil)
}

// noStore marks an OAuth response as never to be cached, and its URL as
// never to be sent to another site as a Referer. The policy is
// "same-origin", not "no-referrer": under "no-referrer" browsers send
// "Origin: null" with the consent form, which serveDecision must refuse.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Referrer-Policy", "same-origin")
}
