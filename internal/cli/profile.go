package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

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
		return profileImport(args[1:], env)
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
		AuthorizeURL: *authorizeURL, APIBaseURL: *apiBase, Scopes: *scope}
	p := in.Profile()
	f, err := loadProfiles(env)
	if err != nil {
		return err
	}
	if existing, found := f.Find(p.Name); found {
		if !*update {
			return usagef("a profile named %q already exists; use --update to change it", existing.Name)
		}
		saved, signedOut, err := env.service().Update(ctx, existing.ID, func(e *profiles.Profile) { in.Apply(e, given) })
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "Profile %q saved.\n", saved.Name)
		if signedOut {
			fmt.Fprintf(env.Stderr, "%s\nSign in with: partnerdesk login --profile %q\n", saved.Token.SignedOutReason, saved.Name)
		}
		return nil
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
	fmt.Fprintf(env.Stderr, "Profile %q saved.\n", saved.Name)
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
				SignedIn: p.Token.SignedIn, ExpiresAt: p.Token.ExpiresAt})
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
		fmt.Fprintf(env.Stderr, "Profile %q was not removed: it is signed in, and its token could not be deleted from your keychain: %s.\n"+
			"Start or unlock your keychain and run this again, or remove the profile anyway, leaving its token in the keychain, with:\n"+
			"  partnerdesk profile remove %q --keep-token\n",
			p.Name, kept.Why(), p.Name)
		return fmt.Errorf("%w: %w", errQuiet, err)
	}
	if err != nil {
		return err
	}
	if *keepToken && p.Token.SignedIn {
		fmt.Fprintf(env.Stderr, "Profile %q removed, with its sign-in session and cached data. Its token was left in your keychain "+
			"(service %q, user %q); delete it there when you can.\n", p.Name, vault.Service, p.ID)
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

func profileImport(args []string, env *Env) error {
	fs := flag.NewFlagSet("profile import", flag.ContinueOnError)
	name := fs.String("name", "", "save it under this name instead of the file's")
	var trusted hostList
	fs.Var(&trusted, "trust-host", "a host outside Zapier the profile may send your sign-in to, written as the refusal prints it (HOST or HOST:PORT); repeat for each")
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
		return usagef("%s", refuseUntrusted(positional[0], again, untrusted))
	}
	p, err = profiles.AddImported(env.Profiles, p, *name)
	if errors.Is(err, profiles.ErrExists) {
		return usagef("%v; import it under another name with --name", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Profile %q added. Sign in with: partnerdesk login --profile %q\n", p.Name, p.Name)
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
