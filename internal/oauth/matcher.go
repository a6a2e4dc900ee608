package oauth

import (
	"errors"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

const (
	maxRedirectURILen = 2048    // longest registered redirect_uri accepted
	maxTargetBaseLen  = 8 << 10 // longest scheme://host:port/path of a target compared
)

// endpoint is what a redirect address is compared on: scheme, host, effective
// port and normalized path.
type endpoint struct {
	scheme string // "http" or "https"
	host   string // lower-case ASCII name, dotted IPv4, or canonical IPv6 without brackets
	port   int    // effective port: 80 or 443 when none is written
	path   string // "/" when empty; %-codes of unreserved characters decoded, others upper-case
}

// Matcher decides whether a navigation target is the registered redirect_uri.
//
// Two addresses match when they have the same scheme, host, effective port
// and path; query and fragment are ignored. Schemes and host names compare
// without regard to case; IPv6 literals compare in canonical form. Hosts are
// compared in the ASCII form as written and never converted with IDNA: an
// internationalized host must be registered in its xn-- (punycode) form,
// which is also what web views hand over, and a target written with Unicode
// or %-codes in its host never matches. The effective port is the written
// one, or 80 for http and 443 for https. Paths compare exactly after decoding
// %-codes of unreserved characters (letters, digits, - . _ ~), upper-casing
// the other %-codes, and %-coding the characters a browser codes in a path
// before it goes there (" < > ^ ` { | }): a redirect_uri registered as
// /cb{id} matches the /cb%7Bid%7D the browser goes to. "/cb", "/cb/" and
// "/cb/x" all differ, "%2F" is not "/", dot segments are not resolved, and
// an empty path equals "/". A space cannot be registered raw (write %20).
//
// A target never matches when it has user info (user@), is not http or
// https, is opaque ("https:host/path"), or contains white space, control
// characters, backslashes or raw non-ASCII bytes before its query: web views
// hand over normalized addresses, so such a target is not the redirect and
// is left alone. Callers should trim pasted text before matching.
type Matcher struct {
	want endpoint
}

// NewMatcher returns a Matcher for a registered redirect_uri. It accepts the
// addresses ValidateRedirectURI accepts and also plain http to any host (the
// https rule is a profile policy, not a matching one); it returns an error in
// operator words for anything else.
func NewMatcher(redirectURI string) (*Matcher, error) {
	e, err := parseRegistered(redirectURI)
	if err != nil {
		return nil, err
	}
	return &Matcher{want: e}, nil
}

// Match reports whether target is the registered redirect_uri. It never
// panics; a nil Matcher matches nothing.
func (m *Matcher) Match(target string) bool {
	if m == nil || m.want.scheme == "" {
		return false
	}
	base, _, _ := strings.Cut(target, "#")
	base, _, _ = strings.Cut(base, "?")
	if len(base) > maxTargetBaseLen {
		return false
	}
	got, err := parseEndpoint(base)
	return err == nil && got == m.want
}

// ValidateRedirectURI checks a redirect_uri a profile is about to hold: an
// absolute http or https address with a host, without user info, fragment,
// white space, backslashes or dot segments, written in ASCII (xn-- hosts,
// %-codes in the path), at most 2048 bytes. It must use https unless its
// host is this computer: localhost, 127.0.0.0/8 or ::1. Its query must not
// hold a parameter of the provider's reply (replyNames): the provider adds
// those itself, and one written in the address would be read as part of the
// reply, or make every reply unreadable. The error says in operator words
// what is wrong.
func ValidateRedirectURI(raw string) error {
	e, err := parseRegistered(raw)
	if err != nil {
		return err
	}
	if e.scheme == "http" && !isLoopback(e.host) {
		return errors.New("The redirect address must start with https://; plain http:// is allowed only for this computer (localhost, 127.0.0.1 or [::1]).")
	}
	_, query, _ := strings.Cut(raw, "?")
	params, _ := url.ParseQuery(query) // parseRegistered has read it
	for _, name := range replyNames {
		if params.Has(name) {
			return errors.New("The redirect address must not contain \"" + name + "\" after the ?: Zapier adds it when it sends you back, so one written in the address would be taken for Zapier's answer. Remove it here, and in the redirect address registered with Zapier.")
		}
	}
	return nil
}

// replyNames are the parameters a provider puts in its reply to the
// redirect_uri (RFC 6749 4.1.2, 4.2.2 and their errors).
var replyNames = []string{"state", "code", "access_token", "token_type", "scope", "expires_in", "error", "error_description", "error_uri"}

// parseRegistered applies the structural rules for a registered redirect_uri.
func parseRegistered(raw string) (endpoint, error) {
	switch {
	case raw == "":
		return endpoint{}, errors.New("The redirect address is empty. Enter the redirect address registered with the provider.")
	case len(raw) > maxRedirectURILen:
		return endpoint{}, errors.New("The redirect address is too long (more than 2048 characters).")
	case strings.Contains(raw, "#"):
		return endpoint{}, errors.New("The redirect address must not contain a # part.")
	}
	if err := checkBytes(raw); err != nil {
		return endpoint{}, err
	}
	base, query, _ := strings.Cut(raw, "?")
	if _, err := url.ParseQuery(query); err != nil {
		return endpoint{}, errors.New("The redirect address has a damaged query part (after ?).")
	}
	e, err := parseEndpoint(base)
	if err != nil {
		return endpoint{}, err
	}
	for _, seg := range strings.Split(e.path, "/") {
		if seg == "." || seg == ".." {
			return endpoint{}, errors.New("The redirect address must not contain /./ or /../ in its path.")
		}
	}
	if looksNumeric(e.host) {
		if a, err := netip.ParseAddr(e.host); err != nil || !a.Is4() || a.String() != e.host {
			return endpoint{}, errors.New("The redirect address's IP address must be written as four numbers, like 127.0.0.1.")
		}
	}
	return e, nil
}

// parseEndpoint reads scheme://host[:port][/path] (no query or fragment) and
// returns its normalized parts, or why it cannot, in operator words.
func parseEndpoint(base string) (endpoint, error) {
	if err := checkBytes(base); err != nil {
		return endpoint{}, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return endpoint{}, errors.New("The redirect address is not a valid web address.")
	}
	if u.Scheme == "" || u.Opaque != "" || len(base) < len(u.Scheme)+3 || base[len(u.Scheme):len(u.Scheme)+3] != "://" {
		return endpoint{}, errors.New("The redirect address must be a full address starting with https://.")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return endpoint{}, errors.New("The redirect address must start with https:// (or http:// when it points to this computer).")
	}
	if u.User != nil {
		return endpoint{}, errors.New("The redirect address must not contain a user name or password (the part before @).")
	}
	authority, path, found := strings.Cut(base[len(u.Scheme)+3:], "/")
	if found {
		path = "/" + path
	}
	if authority != u.Host {
		return endpoint{}, errors.New("The redirect address is not a valid web address.")
	}
	e := endpoint{scheme: u.Scheme}
	if e.host, err = normalizeHost(u.Host, u.Hostname()); err != nil {
		return endpoint{}, err
	}
	if e.port, err = effectivePort(u.Scheme, u.Port()); err != nil {
		return endpoint{}, err
	}
	if e.path, err = normalizePath(path); err != nil {
		return endpoint{}, err
	}
	return e, nil
}

// checkBytes refuses white space, control characters, backslashes and raw
// non-ASCII bytes.
func checkBytes(s string) error {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' && strings.TrimSpace(s) == s:
			return errors.New("The redirect address must not contain spaces; if the address registered with the provider has one, write it as %20.")
		case c <= ' ' || c == 0x7f:
			return errors.New("The redirect address must not contain spaces, line breaks or invisible characters.")
		case c == '\\':
			return errors.New("The redirect address must not contain backslashes (\\); use /.")
		case c >= 0x80:
			return errors.New("The redirect address must be written in plain ASCII: the host in its xn-- form, other characters as %-codes.")
		}
	}
	return nil
}

// normalizeHost returns the lower-case host name, or the canonical form of a
// bracketed IPv6 literal (without brackets).
func normalizeHost(hostport, name string) (string, error) {
	if name == "" {
		return "", errors.New("The redirect address has no host name after https://.")
	}
	if strings.HasPrefix(hostport, "[") {
		a, err := netip.ParseAddr(name)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "", errors.New("The redirect address has an invalid IPv6 address.")
		}
		return a.String(), nil
	}
	b := []byte(name)
	for i, c := range b {
		switch {
		case c >= 'A' && c <= 'Z':
			b[i] = c + ('a' - 'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
		default:
			return "", errors.New("The redirect address's host name contains characters that are not allowed.")
		}
	}
	return string(b), nil
}

// effectivePort returns the written port, or the scheme's default.
func effectivePort(scheme, port string) (int, error) {
	if port == "" {
		if scheme == "https" {
			return 443, nil
		}
		return 80, nil
	}
	trimmed := strings.TrimLeft(port, "0")
	n, err := strconv.Atoi(trimmed)
	if len(trimmed) > 5 || err != nil || n < 1 || n > 65535 {
		return 0, errors.New("The redirect address has an invalid port number.")
	}
	return n, nil
}

// browserEncoded are the characters a browser %-codes when it follows a
// redirect to a path holding them: Chromium codes all of these, WebKit all
// but | (they are the printable ASCII characters RFC 3986 does not allow in
// a URI, less the space and the backslash, which a redirect address may not
// hold at all). Written raw or %-coded, they name the same path.
const browserEncoded = "\"<>^`{|}"

// normalizePath decodes %-codes of unreserved characters, upper-cases the
// hex digits of the others, %-codes the characters browsers code
// (browserEncoded), and writes an empty path as "/".
func normalizePath(p string) (string, error) {
	if p == "" {
		return "/", nil
	}
	if !strings.ContainsAny(p, "%"+browserEncoded) {
		return p, nil
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if strings.IndexByte(browserEncoded, p[i]) >= 0 {
			b.WriteByte('%')
			b.WriteByte(upperhex[p[i]>>4])
			b.WriteByte(upperhex[p[i]&15])
			continue
		}
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
			return "", errors.New("The redirect address contains a broken %-code.")
		}
		c := unhex(p[i+1])<<4 | unhex(p[i+2])
		if isUnreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(p[i+1 : i+3]))
		}
		i += 2
	}
	return b.String(), nil
}

// isLoopback reports whether a normalized host is this computer.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// looksNumeric reports whether a host's last label is a number, which makes
// web browsers read the whole host as an IPv4 address.
func looksNumeric(host string) bool {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	last := labels[len(labels)-1]
	if last == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") {
		last = last[2:]
		for i := 0; i < len(last); i++ {
			if !isHex(last[i]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

const upperhex = "0123456789ABCDEF"

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
