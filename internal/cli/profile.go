package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
)

func profileCmd(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		return usagef("profile needs a subcommand: add, list, remove, export or import")
	}
	switch args[0] {
	case "add":
		return profileAdd(ctx, args[1:], env)
	case "list":
		return profileList(args[1:], env)
	case "remove":
		return profileRemove(ctx, args[1:], env)
	case "export":
		return profileExport(args[1:], env)
	case "import":
		return profileImport(ctx, args[1:], env)
	}
	return usagef("unknown profile subcommand %q", args[0])
}

func profileAdd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("profile add", flag.ContinueOnError)
	clientID := fs.String("client-id", "", "the client_id Zapier gave your app")
	redirectURI := fs.String("redirect-uri", "", "the redirect_uri registered with Zapier, exactly")
	authorizeURL := fs.String("authorize-url", "", "the authorize endpoint (default "+oauth.DefaultAuthorizeURL+")")
	apiBase := fs.String("api-base", "", "the API base URL (default https://api.zapier.com)")
	scope := fs.String("scope", "", `scopes to ask for, space separated, e.g. "zap profile"`)
	grant := fs.String("grant", "", "how your app signs in: implicit (the default) or code (apps approved since April 2024, which have a client secret)")
	tokenURL := fs.String("token-url", "", "the token endpoint of --grant code (default "+oauth.DefaultTokenURL+")")
	secretStdin := fs.Bool("client-secret-stdin", false, "read the client secret of --grant code from the first line of standard input (never give it as an argument: other users can read those)")
	update := fs.Bool("update", false, "change the profile if it exists")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("profile add needs exactly one NAME")
	}
	given := map[profiles.Field]bool{}
	fs.Visit(func(f *flag.Flag) { given[profiles.Field(f.Name)] = true })
	in := profiles.Input{Name: positional[0], ClientID: *clientID, RedirectURI: *redirectURI,
		AuthorizeURL: *authorizeURL, APIBaseURL: *apiBase, Scopes: *scope, Grant: *grant, TokenURL: *tokenURL}
	p := in.Profile()
	f, err := loadProfiles(env)
	if err != nil {
		return err
	}
	existing, found := f.Find(p.Name)
	if found && !*update {
		return usagef("a profile named %q already exists; use --update to change it", existing.Name)
	}
	next := p
	if found {
		next = *existing
		in.Apply(&next, given)
	}
	if err := checkGrantFlags(next, given[profiles.FieldTokenURL], *secretStdin, found); err != nil {
		return err
	}
	var secret oauth.ClientSecret
	if *secretStdin {
		if secret, err = readClientSecret(ctx, env); err != nil {
			return err
		}
	}
	if found {
		return updateProfile(ctx, env, *existing, in, given, secret)
	}
	if err := profiles.CheckInput(p); err != nil {
		return err
	}
	var saved profiles.Profile
	err = env.Profiles.Update(func(f *profiles.File) error {
		if existing, found := f.Find(p.Name); found { // added meanwhile
			return usagef("a profile named %q already exists; use --update to change it", existing.Name)
		}
		added, err := f.Add(p)
		if err != nil {
			return err
		}
		saved = *added
		return nil
	})
	notice, err := profiles.Saved(err)
	if err != nil {
		return err
	}
	if notice != "" {
		fmt.Fprintln(env.Stderr, notice)
	}
	if secret != "" {
		if _, err := env.service().SetClientSecret(ctx, saved.ID, secret); err != nil {
			// Without its secret the profile cannot sign in: take it away
			// again, so the same command can simply be run again.
			env.Profiles.Update(func(f *profiles.File) error { _, err := f.Remove(saved.ID); return err })
			return fmt.Errorf("the profile was not added: its client secret could not be stored in the keychain: %w", err)
		}
		fmt.Fprintf(env.Stderr, "Profile %q saved; its client secret is in your keychain.\n", saved.Name)
		return nil
	}
	fmt.Fprintf(env.Stderr, "Profile %q saved.\n", saved.Name)
	return nil
}

// checkGrantFlags refuses the code grant's flags on a profile that does
// not use it, and a new code-grant profile without its client secret.
func checkGrantFlags(p profiles.Profile, tokenURLGiven, secretGiven, exists bool) error {
	code := p.EffectiveGrant() == oauth.GrantCode
	switch {
	case tokenURLGiven && !code:
		return usagef("--token-url is only for a profile that signs in with a client secret: add --grant code")
	case secretGiven && !code:
		return usagef("--client-secret-stdin is only for a profile that signs in with a client secret: add --grant code")
	case code && !secretGiven && !exists:
		return usagef("a profile with --grant code needs its client secret: add --client-secret-stdin and give the secret (from your app's page on Zapier) on standard input, e.g.\n  partnerdesk profile add %s ... --client-secret-stdin < secret.txt", shellQuote(p.Name))
	}
	return nil
}

// readClientSecret reads the client secret from the first line of
// standard input, never from an argument (which other users can read). At a
// terminal it asks for it and reads it without echo (readHiddenLine).
func readClientSecret(ctx context.Context, env *Env) (oauth.ClientSecret, error) {
	if env.Stdin == nil {
		return "", usagef("--client-secret-stdin: there is no standard input to read the client secret from")
	}
	var line string
	var err error
	if tty, ok := isTerminal(env.Stdin); ok {
		fmt.Fprintln(env.Stderr, "Paste the client secret from your app's page on Zapier, then press Enter:")
		if line, err = readHiddenLine(ctx, tty, env.Stderr); err != nil {
			return "", err
		}
		line = line[:min(len(line), 4096)] // the cap piped input has
	} else {
		line, err = bufio.NewReader(io.LimitReader(env.Stdin, 4096)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the client secret from standard input: %w", err)
		}
	}
	secret := strings.TrimSpace(line)
	if secret == "" {
		return "", usagef("--client-secret-stdin: the first line of standard input is empty; give the client secret from your app's page on Zapier there")
	}
	if strings.ContainsFunc(secret, unicode.IsControl) {
		return "", usagef("--client-secret-stdin: the client secret holds control characters; copy it again from your app's page on Zapier")
	}
	return oauth.ClientSecret(secret), nil
}

// updateProfile is `profile add NAME --update`: it changes the flags given
// (signin.Update: a signed-in profile whose client ID or addresses change
// is signed out first, and a client secret that no longer fits goes), then
// stores a new client secret when one was given.
func updateProfile(ctx context.Context, env *Env, existing profiles.Profile, in profiles.Input, given map[profiles.Field]bool, secret oauth.ClientSecret) error {
	svc := env.service()
	var next profiles.Profile
	saved, signedOut, err := svc.Update(ctx, existing.ID, func(e *profiles.Profile) { in.Apply(e, given); next = *e })
	if err != nil {
		return err
	}
	if secret != "" {
		if _, err := svc.SetClientSecret(ctx, saved.ID, secret); err != nil {
			return fmt.Errorf("profile %q was saved, but its client secret could not be stored in the keychain: %w", saved.Name, err)
		}
		fmt.Fprintf(env.Stderr, "Profile %q saved; its client secret in your keychain was replaced.\n", saved.Name)
	} else {
		fmt.Fprintf(env.Stderr, "Profile %q saved.\n", saved.Name)
		if profiles.DropsClientSecret(existing, next) && saved.EffectiveGrant() == oauth.GrantCode {
			fmt.Fprintf(env.Stderr, "Its client secret was removed from your keychain, as it belonged to the old client ID or token URL. Add the new one with:\n  partnerdesk profile add %s --update --client-secret-stdin\n", shellQuote(saved.Name))
		}
	}
	if signedOut {
		fmt.Fprintf(env.Stderr, "%s\nSign in with: partnerdesk login --profile %q\n", saved.Token.SignedOutReason, saved.Name)
	}
	return nil
}

type profileJSON struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	ClientID     string     `json:"client_id"`
	RedirectURI  string     `json:"redirect_uri"`
	AuthorizeURL string     `json:"authorize_url"`
	APIBaseURL   string     `json:"api_base_url"`
	Scopes       []string   `json:"scopes"`
	Grant        string     `json:"grant"`
	TokenURL     string     `json:"token_url,omitempty"` // the code grant's
	SignedIn     bool       `json:"signed_in"`
	ExpiresAt    *time.Time `json:"expires_at,omitempty"`
}

func profileList(args []string, env *Env) error {
	fs := flag.NewFlagSet("profile list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(positional); err != nil {
		return err
	}
	f, err := loadProfiles(env)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]profileJSON, 0, len(f.Profiles))
		for _, p := range f.Profiles {
			out = append(out, profileJSON{ID: p.ID, Name: p.Name, ClientID: p.ClientID, RedirectURI: p.RedirectURI,
				AuthorizeURL: p.EffectiveAuthorizeURL(), APIBaseURL: p.EffectiveAPIBaseURL(), Scopes: nonNil(p.Scopes),
				Grant: string(p.EffectiveGrant()), TokenURL: tokenURLOf(p), SignedIn: p.Token.SignedIn, ExpiresAt: p.Token.ExpiresAt})
		}
		return writeJSON(env, out)
	}
	if len(f.Profiles) == 0 {
		fmt.Fprintln(env.Stderr, "No profiles yet. Add one with: partnerdesk profile add NAME --client-id ID --redirect-uri URI")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCLIENT ID\tSIGNED IN\tEXPIRES")
	now := time.Now()
	for _, p := range f.Profiles {
		signed, expires := "no", "-"
		if p.Token.SignedIn {
			signed = "yes"
			if p.Token.Invalid {
				signed = "rejected"
			}
		}
		if p.Token.ExpiresAt != nil {
			expires = describeExpiry(*p.Token.ExpiresAt, now)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, p.ClientID, signed, expires)
	}
	return tw.Flush()
}

// tokenURLOf is a code-grant profile's token URL; "" for the implicit grant.
func tokenURLOf(p profiles.Profile) string {
	if p.EffectiveGrant() != oauth.GrantCode {
		return ""
	}
	return p.EffectiveTokenURL()
}

func profileRemove(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("profile remove", flag.ContinueOnError)
	keepToken := fs.Bool("keep-token", false, "remove the profile even when its token cannot be deleted from the keychain, leaving the token there")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("profile remove needs exactly one NAME")
	}
	p, err := env.service().Remove(ctx, positional[0], *keepToken)
	var kept *signin.TokenKeptError
	if errors.As(err, &kept) {
		held := "it is signed in, and its token"
		if p.EffectiveGrant() == oauth.GrantCode {
			held = "its tokens and client secret"
		}
		fmt.Fprintf(env.Stderr, "Profile %q was not removed: %s could not be deleted from your keychain: %s.\n"+
			"Start or unlock your keychain and run this again, or remove the profile anyway, leaving its keychain entries behind, with:\n"+
			"  partnerdesk profile remove %q --keep-token\n",
			p.Name, held, kept.Why(), p.Name)
		return fmt.Errorf("%w: %w", errQuiet, err)
	}
	if err != nil {
		return err
	}
	code := p.EffectiveGrant() == oauth.GrantCode
	if *keepToken && signin.HoldsKeychainEntries(p) {
		left := fmt.Sprintf("Its token was left in your keychain (service %q, user %q); delete it there when you can.", vault.Service, p.ID)
		if code {
			left = fmt.Sprintf("Its tokens and client secret were left in your keychain (service %q, users %q, %q and %q); delete them there when you can.",
				vault.Service, p.ID, vault.RefreshTokenUser(p.ID), vault.ClientSecretUser(p.ID))
		}
		fmt.Fprintf(env.Stderr, "Profile %q removed, with its sign-in session and cached data. %s\n", p.Name, left)
		return nil
	}
	if code {
		fmt.Fprintf(env.Stderr, "Profile %q removed, with its tokens, client secret, sign-in session and cached data.\n", p.Name)
		return nil
	}
	if p.Token.SignedIn {
		fmt.Fprintf(env.Stderr, "Profile %q removed, with its token, sign-in session and cached data.\n", p.Name)
		return nil
	}
	fmt.Fprintf(env.Stderr, "Profile %q removed, with its sign-in session and cached data.\n", p.Name)
	return nil
}

func writeJSON(env *Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func profileExport(args []string, env *Env) error {
	fs := flag.NewFlagSet("profile export", flag.ContinueOnError)
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("profile export needs exactly one NAME")
	}
	f, err := loadProfiles(env)
	if err != nil {
		return err
	}
	p, ok := f.Find(positional[0])
	if !ok {
		return fmt.Errorf("%w: no profile is named %q", profiles.ErrUnknown, positional[0])
	}
	data, err := profiles.Export(*p)
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(data)
	return err
}

// hostList is a repeatable flag: --trust-host a --trust-host b.
type hostList []string

func (h *hostList) String() string     { return strings.Join(*h, ",") }
func (h *hostList) Set(v string) error { *h = append(*h, strings.TrimSpace(v)); return nil }

func profileImport(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("profile import", flag.ContinueOnError)
	name := fs.String("name", "", "save it under this name instead of the file's")
	var trusted hostList
	fs.Var(&trusted, "trust-host", "a host outside Zapier the profile may send your sign-in to, written as the refusal prints it (HOST or HOST:PORT); repeat for each")
	secretStdin := fs.Bool("client-secret-stdin", false, "for a profile that signs in with a client secret: read the secret from the first line of standard input")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("profile import needs exactly one FILE")
	}
	p, err := profiles.ReadFile(positional[0])
	if err != nil {
		return err
	}
	var untrusted *profiles.UntrustedError
	if err := profiles.NotTrusted(p, trusted); errors.As(err, &untrusted) {
		again := []string{"partnerdesk", "profile", "import", positional[0]}
		if *name != "" {
			again = append(again, "--name", *name)
		}
		for _, h := range trusted {
			again = append(again, "--trust-host", h)
		}
		if *secretStdin {
			again = append(again, "--client-secret-stdin")
		}
		return usagef("%s", refuseUntrusted(positional[0], again, untrusted))
	}
	code := p.EffectiveGrant() == oauth.GrantCode
	if *secretStdin && !code {
		return usagef("--client-secret-stdin: this profile file signs in without a client secret, so none is needed")
	}
	var secret oauth.ClientSecret
	if *secretStdin {
		if secret, err = readClientSecret(ctx, env); err != nil {
			return err
		}
	}
	p, err = profiles.AddImported(env.Profiles, p, *name)
	if errors.Is(err, profiles.ErrExists) {
		return usagef("%v; import it under another name with --name", err)
	}
	if err != nil {
		return err
	}
	switch {
	case secret != "":
		if _, err := env.service().SetClientSecret(context.Background(), p.ID, secret); err != nil {
			return fmt.Errorf("profile %q was added, but its client secret could not be stored in the keychain: %w", p.Name, err)
		}
		fmt.Fprintf(env.Stderr, "Profile %q added; its client secret is in your keychain. Sign in with: partnerdesk login --profile %q\n", p.Name, p.Name)
	case code:
		fmt.Fprintf(env.Stderr, "Profile %q added. It signs in with a client secret, which a profile file never carries: "+
			"copy it from your app's page on Zapier and add it with:\n  partnerdesk profile add %s --update --client-secret-stdin\n", p.Name, shellQuote(p.Name))
	default:
		fmt.Fprintf(env.Stderr, "Profile %q added. Sign in with: partnerdesk login --profile %q\n", p.Name, p.Name)
	}
	return nil
}

// refuseUntrusted says which hosts outside Zapier a profile file sends the
// sign-in to, and the command (again, plus --trust-host flags) that imports
// it anyway.
func refuseUntrusted(file string, again []string, e *profiles.UntrustedError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The profile file %s was not imported: it sends your sign-in outside Zapier, to:\n", file)
	for _, h := range e.Hosts {
		fmt.Fprintf(&b, "  %s, which gets %s\n", h.Host, strings.Join(h.Gets, " and "))
		again = append(again, "--trust-host", h.Host)
	}
	b.WriteString("Import it only if you know these hosts and trust them with your Zapier sign-in. To import it, run:\n  ")
	for i, arg := range again {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(shellQuote(arg))
	}
	return b.String()
}

// shellQuote quotes an argument for a POSIX shell when it needs quoting.
func shellQuote(arg string) string {
	if arg != "" && strings.IndexFunc(arg, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return arg
	}
	return "'" + strings.ReplaceAll(arg, "'", `'\''`) + "'"
}
