package sandbox

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pageCSS is the one style sheet of every page. It is inlined and allowed by
// its hash in the Content-Security-Policy, so pages need no 'unsafe-inline'.
const pageCSS = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --fg: #1d2129; --muted: #5c6370;
  --line: #d9dce1; --accent: #3b5bdb; --accent-fg: #fff; --warn-bg: #fff4d6; --warn-fg: #6b4e00; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #17191d; --card: #23262c; --fg: #e8eaed; --muted: #a0a6b0; --line: #3a3e46;
    --accent: #7b93f5; --accent-fg: #0d1020; --warn-bg: #3d3210; --warn-fg: #ffe08a; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Cantarell, "Noto Sans", sans-serif; }
.banner { background: var(--warn-bg); color: var(--warn-fg); text-align: center; padding: .5rem 1rem;
  font-weight: 600; border-bottom: 1px solid var(--line); }
main { max-width: 34rem; margin: 2rem auto; padding: 1.75rem 2rem; background: var(--card);
  border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 2px 10px rgba(0,0,0,.06); }
main.wide { max-width: 48rem; }
h1 { font-size: 1.35rem; line-height: 1.3; margin: 0 0 .75rem; }
h2 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
p { margin: .5rem 0; }
.muted { color: var(--muted); font-size: .9rem; }
code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
ul.scopes { list-style: none; padding: 0; margin: .5rem 0 1rem; border: 1px solid var(--line); border-radius: 8px; }
ul.scopes li { padding: .6rem .9rem; border-top: 1px solid var(--line); }
ul.scopes li:first-child { border-top: 0; }
ul.scopes code { display: block; font-weight: 600; }
.buttons { display: flex; flex-direction: row-reverse; gap: .75rem; margin-top: 1.5rem; }
button { font: inherit; font-weight: 600; padding: .55rem 1.4rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--line); background: transparent; color: var(--fg); }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
button:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.problem { padding: .75rem 1rem; border-left: 4px solid #c92a2a; background: var(--bg); overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .3rem .5rem; border-top: 1px solid var(--line); vertical-align: top; }
`

var styleHash = func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

const pageHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}} · Partnerdesk Sandbox</title>
<style>` + pageCSS + `</style></head>
<body><div class="banner" role="note">Partnerdesk Sandbox — not Zapier</div>
`

const pageFoot = `</body></html>
`

var (
	consentPage = template.Must(template.New("consent").Parse(pageHead + `<main>
<h1><strong>{{.AppName}}</strong> wants to use your sandbox account</h1>
<p class="muted">Signed in as {{.User.FullName}} ({{.User.Email}}), a made-up sandbox user.</p>
<h2>If you approve, it will be able to:</h2>
<ul class="scopes">
{{- range .Scopes}}
<li><code>{{.Name}}</code>{{.Description}}</li>
{{- else}}
<li>Nothing more than learn that you approved: it asked for no scopes.</li>
{{- end}}
</ul>
{{- if eq .Req.ResponseType "code"}}
<p class="muted">Approving sends a one-time code to <code>{{.RedirectURI}}</code>. The app trades it for an access token, valid for {{.Lifetime}}, and a refresh token that renews it.</p>
{{- else}}
<p class="muted">Approving sends an access token, valid for {{.Lifetime}}, to <code>{{.RedirectURI}}</code>.</p>
{{- end}}
<form method="post" action="` + authorizePath + `">
<input type="hidden" name="client_id" value="{{.Req.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.Req.RedirectURI}}">
<input type="hidden" name="response_type" value="{{.Req.ResponseType}}">
<input type="hidden" name="scope" value="{{.Req.Scope}}">
{{- if .Req.HasState}}
<input type="hidden" name="state" value="{{.Req.State}}">
{{- end}}
{{- if .Req.ApprovalPrompt}}
<input type="hidden" name="approval_prompt" value="{{.Req.ApprovalPrompt}}">
{{- end}}
{{- if .Req.CodeChallenge}}
<input type="hidden" name="code_challenge" value="{{.Req.CodeChallenge}}">
<input type="hidden" name="code_challenge_method" value="S256">
{{- end}}
<input type="hidden" name="csrf" value="{{.CSRF}}">
<div class="buttons">
<button type="submit" name="decision" value="approve" class="primary" autofocus>Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="muted">This page comes from the Partnerdesk sandbox running on this computer. Nothing is sent to Zapier.</p>
</main>
` + pageFoot))

	errorPage = template.Must(template.New("error").Parse(pageHead + `<main>
<h1>{{.Title}}</h1>
<p class="problem">{{.Problem}}</p>
{{- if .Hint}}
<p class="muted">{{.Hint}}</p>
{{- end}}
</main>
` + pageFoot))

	indexPage = template.Must(template.New("index").Parse(pageHead + `<main class="wide">
<h1>Partnerdesk Sandbox</h1>
<p>A stand-in for the Zapier Partner API, running on this computer for trying Partnerdesk and for its tests.
Its data is made up; it never talks to Zapier.</p>
<table>
<tr><th>Base URL</th><td><code>{{.Base}}</code></td></tr>
<tr><th>Authorize URL</th><td><code>{{.Base}}` + authorizePath + `</code></td></tr>
<tr><th>Token URL</th><td><code>{{.Base}}` + tokenPath + `</code> (the authorization-code grant: codes work once, for ` + codeTTLText + `; refresh tokens rotate)</td></tr>
<tr><th>Approval</th><td><code>{{.Mode}}</code></td></tr>
<tr><th>Token lifetime</th><td>{{.Lifetime}}</td></tr>
</table>
<h2>Registered clients</h2>
<table>
<tr><th>client_id</th><th>grants</th><th>redirect_uri</th></tr>
{{- range .Clients}}
<tr><td><code>{{.ID}}</code></td><td>{{.Grants}}</td><td>{{range .RedirectURIs}}<code>{{.}}</code><br>{{end}}</td></tr>
{{- end}}
</table>
<h2>Scopes</h2>
<table>
{{- range .Scopes}}
<tr><td><code>{{.Name}}</code></td><td>{{.Description}}</td></tr>
{{- end}}
</table>
<h2>Endpoints</h2>
<table>
{{- range .Endpoints}}
<tr><td><code>GET {{.Path}}</code></td><td>{{.Access}}{{if .Scope}}, scope <code>{{.Scope}}</code>{{end}}</td></tr>
{{- end}}
</table>
</main>
` + pageFoot))

	appPage = template.Must(template.New("app").Parse(pageHead + `<main>
<h1>{{.Title}}</h1>
<p>{{.Description}}</p>
<p class="muted">A made-up app of the Partnerdesk sandbox.</p>
</main>
` + pageFoot))

	templatePage = template.Must(template.New("template").Parse(pageHead + `<main>
<h1>{{.Title}}</h1>
<p>{{.Description}}</p>
<ol>
{{- range .Steps}}
<li>{{.App.Title}}: {{.Label}}</li>
{{- end}}
</ol>
<p class="muted">A made-up Zap template of the Partnerdesk sandbox ({{.Status}}).</p>
</main>
` + pageFoot))

	categoryPage = template.Must(template.New("category").Parse(pageHead + `<main>
<h1>{{.Category.Title}}</h1>
<p>{{.Category.Description}}</p>
<p class="muted">{{.Apps}} made-up apps of the Partnerdesk sandbox are in this category.</p>
</main>
` + pageFoot))

	editorPage = template.Must(template.New("editor").Parse(pageHead + `<main>
<h1>{{.Zap.Title}}</h1>
<p class="muted">Zap {{.Zap.ID}} · {{.Zap.State}} · modified {{.Modified}}</p>
<ol>
{{- range .Zap.Steps}}
<li><code>{{.TypeOf}}</code> {{.App.Title}}</li>
{{- end}}
</ol>
<p class="muted">On Zapier this link opens the Zap editor; the sandbox only shows the Zap.</p>
</main>
` + pageFoot))
)

// pageCSP is the Content-Security-Policy of an HTML page. formAction is the
// form-action source list; "" leaves the directive out.
func pageCSP(formAction string) string {
	csp := "default-src 'none'; style-src " + styleHash + "; base-uri 'none'; frame-ancestors 'none'"
	if formAction != "" {
		csp += "; form-action " + formAction
	}
	return csp
}

// safeOrigin matches an origin that may be written into a CSP header as is.
var safeOrigin = regexp.MustCompile(`^https?://[A-Za-z0-9.\-]+(:[0-9]+)?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]+)?$`)

// consentFormAction is the consent page's form-action: the page itself and
// the origin of the redirect_uri. Chromium and WebKit check form-action
// against every redirect that follows a form submission, so 'self' alone
// would block the 303 to the redirect_uri. For a redirect_uri that is not
// http(s) the directive is left out: WebKit has been seen to block
// custom-scheme redirects even when the scheme is listed.
func consentFormAction(redirectURI string) string {
	u, err := url.Parse(redirectURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	origin := u.Scheme + "://" + u.Host
	if !safeOrigin.MatchString(origin) {
		return ""
	}
	return "'self' " + origin
}

// writePage renders an HTML page with the sandbox's security headers.
func (s *Server) writePage(w http.ResponseWriter, status int, t *template.Template, csp string, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		s.log.Error("render page", "page", t.Name(), "err", err)
		http.Error(w, "the sandbox failed to render this page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Hints that close an error page.
const (
	hintCheckProfile = "The sandbox does not send you back to the app after this error. " +
		"Close this window and check the profile's client_id and redirect_uri."
	hintStartAgain = "The sandbox does not send you back to the app after this error. " +
		"Close this window and sign in again from the app."
)

// writeErrorPage shows problem in a page that leads nowhere.
func (s *Server) writeErrorPage(w http.ResponseWriter, status int, title, problem, hint string) {
	s.writePage(w, status, errorPage, pageCSP("'none'"), struct{ Title, Problem, Hint string }{title, problem, hint})
}

// writeConsentPage shows the Approve / Deny page for req.
func (s *Server) writeConsentPage(w http.ResponseWriter, req *authRequest) {
	type formFields struct {
		ClientID, RedirectURI, ResponseType, Scope, State, ApprovalPrompt, CodeChallenge string
		HasState                                                                         bool
	}
	data := struct {
		Title, AppName, RedirectURI, Lifetime, CSRF string
		User                                        profile
		Scopes                                      []scopeInfo
		Req                                         formFields
	}{
		Title:       "Approve access",
		AppName:     appName(req.clientID),
		RedirectURI: req.redirectURI,
		Lifetime:    humanDuration(s.expiresIn),
		CSRF:        s.csrfToken(req, s.now()),
		User:        s.data.user,
		Req: formFields{
			ClientID:       req.clientID,
			RedirectURI:    req.redirectURI,
			ResponseType:   req.responseType,
			Scope:          strings.Join(req.scopes, " "),
			State:          req.state,
			HasState:       req.hasState,
			ApprovalPrompt: req.approvalPrompt,
			CodeChallenge:  req.codeChallenge,
		},
	}
	for _, name := range req.scopes {
		sc, _ := scopeByName(name)
		data.Scopes = append(data.Scopes, sc)
	}
	s.log.Info("authorize asks", "client_id", req.clientID, "scopes", data.Req.Scope)
	s.writePage(w, http.StatusOK, consentPage, pageCSP(consentFormAction(req.redirectURI)), data)
}

// appName is how the consent page names the client.
func appName(clientID string) string {
	if clientID == ClientID {
		return "Partnerdesk"
	}
	return clientID
}

// humanDuration writes d as "10 hours", "5 minutes" or "90 seconds".
func humanDuration(d time.Duration) string {
	unit := func(n int64, name string) string {
		if n == 1 {
			return "1 " + name
		}
		return strconv.FormatInt(n, 10) + " " + name + "s"
	}
	switch {
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	default:
		return unit(int64(d/time.Second), "second")
	}
}

func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /apps/{slug}", s.serveApp)
	mux.HandleFunc("GET /apps/{slug}/icon.svg", s.serveIcon)
	mux.HandleFunc("GET /editor/{id}", s.serveEditor)
	mux.HandleFunc("GET /templates/{id}", s.serveTemplate)
	mux.HandleFunc("GET /categories/{slug}", s.serveCategory)
}

// serveIndex answers GET /: what this server is and how to use it.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	type client struct {
		ID, Grants   string
		RedirectURIs []string
	}
	type endpoint struct{ Path, Access, Scope string }
	data := struct {
		Title, Base, Mode, Lifetime string
		Clients                     []client
		Scopes                      []scopeInfo
		Endpoints                   []endpoint
	}{
		Title:    "About",
		Base:     baseURL(r),
		Mode:     string(s.mode),
		Lifetime: humanDuration(s.expiresIn),
		Scopes:   knownScopes,
	}
	for id, uris := range s.clients {
		grants := "implicit (response_type=token)"
		if s.grantsCode(id) {
			grants = "authorization code with the client secret (response_type=code), and implicit"
		}
		data.Clients = append(data.Clients, client{id, grants, uris})
	}
	slices.SortFunc(data.Clients, func(a, b client) int { return strings.Compare(a.ID, b.ID) })
	for _, rt := range apiEndpoints {
		data.Endpoints = append(data.Endpoints, endpoint{rt.path, rt.access.String(), strings.Join(rt.scopes, " or ")})
	}
	s.writePage(w, http.StatusOK, indexPage, pageCSP("'none'"), data)
}

func (s *Server) serveApp(w http.ResponseWriter, r *http.Request) {
	a, ok := s.data.appBySlug(r.PathValue("slug"))
	if !ok {
		s.writeErrorPage(w, http.StatusNotFound, "No such app", "The sandbox has no app by that name.", "")
		return
	}
	s.writePage(w, http.StatusOK, appPage, pageCSP("'none'"), a)
}

func (s *Server) serveEditor(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	z, ok := s.data.zapByID(id)
	if err != nil || !ok {
		s.writeErrorPage(w, http.StatusNotFound, "No such Zap", "The sandbox user has no Zap with that id.", "")
		return
	}
	data := struct {
		Title, Modified string
		Zap             *zap
	}{z.Title, z.ModifiedAt.Format("2 Jan 2006 15:04 -07:00"), z}
	s.writePage(w, http.StatusOK, editorPage, pageCSP("'none'"), data)
}

func (s *Server) serveTemplate(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	i, found := slices.BinarySearchFunc(s.data.templates, id, func(t zapTemplate, id int64) int { return cmp.Compare(t.ID, id) })
	if err != nil || !found {
		s.writeErrorPage(w, http.StatusNotFound, "No such Zap template", "The sandbox has no Zap template with that id.", "")
		return
	}
	s.writePage(w, http.StatusOK, templatePage, pageCSP("'none'"), s.data.templates[i])
}

func (s *Server) serveCategory(w http.ResponseWriter, r *http.Request) {
	for _, c := range s.data.categories {
		if c.Slug == r.PathValue("slug") {
			n := 0
			for _, a := range s.data.directory {
				if slices.Contains(a.Categories, c.Slug) {
					n++
				}
			}
			s.writePage(w, http.StatusOK, categoryPage, pageCSP("'none'"), struct {
				Title    string
				Category category
				Apps     int
			}{c.Title, c, n})
			return
		}
	}
	s.writeErrorPage(w, http.StatusNotFound, "No such category", "The sandbox has no category by that name.", "")
}

// serveIcon draws an app's icon: its initial on its colour, at any size.
func (s *Server) serveIcon(w http.ResponseWriter, r *http.Request) {
	a, ok := s.data.appBySlug(r.PathValue("slug"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=86400")
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">`+
		`<rect width="64" height="64" rx="14" fill="#%s"/>`+
		`<text x="32" y="43" font-family="sans-serif" font-size="32" font-weight="700" fill="#fff" text-anchor="middle">%s</text></svg>`,
		html.EscapeString(a.HexColor), html.EscapeString(a.Title[:1]))
}
