package signinwindow

import (
	"encoding/json"
	"errors"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"partnerdesk/internal/oauth"
)

// loadable reports whether the sign-in window may load uri at all: https
// pages, http pages on this computer (127.0.0.1, [::1], localhost: the
// built-in sandbox and local tests), and the empty about:blank and
// about:srcdoc documents that pages use for frames. Everything else is
// refused: file: (the operator's files), data: and blob: (pages a
// third-party script makes up, with no address the title could show),
// javascript:, the app's own wails: scheme, and any other.
//
// WebKitGTK does not tell the window which frame a navigation is for, so
// the rule holds for every frame; a page that needs a data: or plain-http
// frame to sign in is not one Partnerdesk supports.
func loadable(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "http":
		return isThisComputer(u.Hostname())
	case "about":
		return u.Opaque == "blank" || u.Opaque == "srcdoc"
	}
	return false
}

func isThisComputer(host string) bool {
	return host == "127.0.0.1" || host == "::1" || host == "localhost"
}

// errNotLoadable is returned by Open for a first page the window would
// refuse to load.
var errNotLoadable = errors.New("The sign-in address must start with https:// (or http:// for an address on this computer), so the sign-in window was not opened. Check the profile's authorize URL.")

// redirectFilter blocks, in every frame and for every kind of load, the
// addresses a provider uses to reach the registered redirect_uri. It runs as
// a WebKit content filter (a content blocker), which knows the frame a load
// is for while decide-policy does not: a main-frame load it blocks is
// reported through load-failed and ends the attempt; a subframe load it
// blocks is dropped without a word, so an iframe cannot end the attempt or
// use up its state. Either way the redirect_uri is never requested.
//
// The filter holds the registered spelling of the redirect_uri (what
// providers send back) and the matcher's normalized one. A navigation the
// matcher accepts but neither spelling covers (%6F for o, say) is refused by
// decide-policy instead: never requested, but not an answer either.
type redirectFilter struct {
	patterns []*regexp.Regexp
}

func newRedirectFilter(redirectURI string) (redirectFilter, error) {
	if _, err := oauth.NewMatcher(redirectURI); err != nil {
		return redirectFilter{}, err
	}
	base, _, _ := strings.Cut(redirectURI, "?")
	u, err := url.Parse(base)
	if err != nil {
		return redirectFilter{}, err
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	if a, err := netip.ParseAddr(host); err == nil && a.Is6() {
		host = "[" + a.String() + "]"
	}
	port := ""
	if n, err := strconv.Atoi(u.Port()); err == nil && !(scheme == "https" && n == 443) && !(scheme == "http" && n == 80) {
		port = ":" + strconv.Itoa(n)
	}
	// The path as written (url.URL would re-encode it its own way).
	path := "/"
	if i := strings.IndexByte(base[len(u.Scheme)+len("://"):], '/'); i >= 0 {
		path = base[len(u.Scheme)+len("://")+i:]
	}
	var f redirectFilter
	for _, p := range uniq(browserPath(path), browserPath(normalizedPath(path))) {
		// Web addresses as WebKit matches them: lower-case scheme and host,
		// no default port, the path as sent, then any query and fragment.
		f.patterns = append(f.patterns, regexp.MustCompile(
			"^"+regexp.QuoteMeta(scheme+"://"+host+port+p)+"([?#].*)?$"))
	}
	return f, nil
}

// blocks reports whether the filter stops a load of uri.
func (f redirectFilter) blocks(uri string) bool {
	for _, re := range f.patterns {
		if re.MatchString(uri) {
			return true
		}
	}
	return false
}

// rules is the filter in WebKit's content blocker format.
func (f redirectFilter) rules() string {
	type trigger struct {
		URLFilter     string `json:"url-filter"`
		CaseSensitive bool   `json:"url-filter-is-case-sensitive"`
	}
	type rule struct {
		Trigger trigger           `json:"trigger"`
		Action  map[string]string `json:"action"`
	}
	var rs []rule
	for _, re := range f.patterns {
		rs = append(rs, rule{trigger{re.String(), true}, map[string]string{"type": "block"}})
	}
	out, _ := json.Marshal(rs)
	return string(out)
}

// browserPath writes a path as a browser sends it: the characters the URL
// standard percent-encodes in a path, encoded.
func browserPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '"', '<', '>', '`', '{', '}', ' ':
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c), 16)))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// normalizedPath decodes the %-codes of unreserved characters and
// upper-cases the others, as oauth.Matcher compares paths.
func normalizedPath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			if n, err := strconv.ParseUint(p[i+1:i+3], 16, 8); err == nil {
				c := byte(n)
				if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
					b.WriteByte(c)
				} else {
					b.WriteString("%" + strings.ToUpper(p[i+1:i+3]))
				}
				i += 2
				continue
			}
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func uniq(a, b string) []string {
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}
