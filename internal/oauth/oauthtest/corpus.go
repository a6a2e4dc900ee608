// Package oauthtest holds what the tests of several packages share about
// OAuth redirects: the corpus of hostile and malformed redirects in
// internal/oauth/testdata/redirects.txt (its header gives the format). It is
// for tests only; nothing in the app imports it.
package oauthtest

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Token is the well-formed token the corpus's addresses carry.
const Token = "Ct7Qw2Er9Ty4Ui8Op3As6Df1Gh5Jk0Lz2Xc4Vb6N"

// Entry is one address of the corpus and how it must be refused.
type Entry struct {
	Line     int    // line number in the file, for messages
	Category string // the refusal expected (state-missing, malformed, ...)
	Template string // the address, with placeholders
}

// Load reads the corpus at path.
func Load(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		category, template, ok := strings.Cut(line, " ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: no address after the category", path, n)
		}
		out = append(out, Entry{Line: n, Category: category, Template: strings.TrimSpace(template)})
	}
	return out, sc.Err()
}

// Fill replaces the placeholders of an address: the registered
// redirect_uri, this attempt's state, another attempt's state, and an
// address an earlier sign-in received.
func Fill(template, redirectURI, state, other, replay string) string {
	return strings.NewReplacer(
		"{cb}", redirectURI,
		"{state-short}", state[:len(state)-1],
		"{state-upper}", strings.ToUpper(state),
		"{state}", state,
		"{other}", other,
		"{replay}", replay,
		"{token}", Token,
		"{huge}", strings.Repeat("h", 5000),
		"{long}", "pad="+strings.Repeat("p", 33000),
		"{many}", strings.TrimSuffix(strings.Repeat("a=1&", 1000), "&"),
		"{sp}", " ",
	).Replace(template)
}
