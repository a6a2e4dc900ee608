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
)

func profileCmd(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		return usagef("profile needs a subcommand: add, list, remove, export or import")
	}
	switch args[0] {
	case "add":
		return profileAdd(args[1:], env)
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

func profileAdd(args []string, env *Env) error {
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
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	p := profiles.Profile{
		Name:         strings.TrimSpace(positional[0]),
		ClientID:     strings.TrimSpace(*clientID),
		RedirectURI:  strings.TrimSpace(*redirectURI),
		AuthorizeURL: strings.TrimSpace(*authorizeURL),
		APIBaseURL:   strings.TrimRight(strings.TrimSpace(*apiBase), "/"),
		Scopes:       profiles.SplitScopes(*scope),
	}
	var saved profiles.Profile
	err = env.Profiles.Update(func(f *profiles.File) error {
		existing, found := f.Find(p.Name)
		if found && !*update {
			return usagef("a profile named %q already exists; use --update to change it", existing.Name)
		}
		if found {
			merge(existing, p, set)
			if err := profiles.CheckInput(*existing); err != nil {
				return err
			}
			saved = *existing
			return nil
		}
		if err := profiles.CheckInput(p); err != nil {
			return err
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

// merge applies the flags that were given to an existing profile.
func merge(p *profiles.Profile, from profiles.Profile, set map[string]bool) {
	if set["client-id"] {
		p.ClientID = from.ClientID
	}
	if set["redirect-uri"] {
		p.RedirectURI = from.RedirectURI
	}
	if set["authorize-url"] {
		p.AuthorizeURL = from.AuthorizeURL
	}
	if set["api-base"] {
		p.APIBaseURL = from.APIBaseURL
	}
	if set["scope"] {
		p.Scopes = from.Scopes
	}
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
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("profile remove needs exactly one NAME")
	}
	p, err := env.service().Remove(ctx, positional[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Profile %q removed, with its token, sign-in session and cached data.\n", p.Name)
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

func profileImport(args []string, env *Env) error {
	fs := flag.NewFlagSet("profile import", flag.ContinueOnError)
	name := fs.String("name", "", "save it under this name instead of the file's")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("profile import needs exactly one FILE")
	}
	p, err := profiles.ImportFile(env.Profiles, positional[0], *name)
	if errors.Is(err, profiles.ErrExists) {
		return usagef("%v; import it under another name with --name", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Profile %q added. Sign in with: partnerdesk login --profile %q\n", p.Name, p.Name)
	return nil
}
