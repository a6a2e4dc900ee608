package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/loopback"
	"partnerdesk/internal/oauth"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signin/window"
)

func loginCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	force := fs.Bool("force", false, "ask for approval again (approval_prompt=force)")
	timeout := fs.Duration("timeout", 5*time.Minute, "give up when the sign-in is not done in this time")
	silent := fs.Bool("silent", false, "renew without showing the window if Zapier still remembers the approval")
	browser := fs.Bool("browser", false, "sign in in the system browser instead of Partnerdesk's window")
	name, err := parseProfileCommand(fs, args)
	if err != nil {
		return err
	}
	if *timeout <= 0 {
		return usagef("--timeout must be positive, e.g. 5m")
	}
	svc := env.service()
	method := explain.InWindow
	if *browser {
		method = explain.InBrowser
	}
	svc.Progress = func(st signin.Stage) { // the words the app shows too
		if w := explain.Stage(st, method); w != "" {
			fmt.Fprintln(env.Stderr, w)
		}
	}
	opts := signin.Options{Force: *force, Silent: *silent, Timeout: *timeout}
	var p profiles.Profile
	if *browser {
		p, err = browserLogin(ctx, svc, name, opts, env)
	} else {
		p, err = svc.SignIn(ctx, name, opts)
	}
	var noSecret *signin.NoClientSecretError
	if errors.As(err, &noSecret) {
		return usagef("Profile %q signs in with a client secret, and none is stored on this computer. Copy the client secret from your app's page on Zapier and add it with:\n"+
			"  partnerdesk profile add %s --update --client-secret-stdin\nthen sign in again.", noSecret.Profile, shellQuote(noSecret.Profile))
	}
	if errors.Is(err, signin.ErrVerifyFailed) {
		// The token is stored: say so, and why the check failed.
		fmt.Fprintf(env.Stderr, "Signed in to %q; the token is in your keychain.\n%s\n", p.Name, explain.Message(errors.Unwrap(err)))
		return errQuietIfNot(err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Signed in to %q as %s.\n", p.Name, who(p))
	return nil
}

// browserLogin signs in in the system browser: through the loopback relay
// when the registered redirect_uri is on this computer, otherwise by asking
// the operator to paste the address the browser ends on.
func browserLogin(ctx context.Context, svc *signin.Service, name string, opts signin.Options, env *Env) (profiles.Profile, error) {
	p, err := svc.SignInWithBrowser(ctx, name, opts)
	if !errors.Is(err, loopback.ErrNotLoopback) {
		return p, err
	}
	attempt, err := svc.BeginPaste(name, opts.Force)
	if err != nil {
		return profiles.Profile{}, err
	}
	fmt.Fprintf(env.Stderr, "If your browser did not open, open this address:\n  %s\n", attempt.AuthorizeURL())
	fmt.Fprintf(env.Stderr, "When Zapier has sent you to %s, copy the whole address from the browser's address bar and paste it here:\n",
		attempt.Profile().RedirectURI)
	lines := bufio.NewScanner(env.Stdin)
	lines.Buffer(make([]byte, 64<<10), 64<<10)
	for lines.Scan() {
		p, err := attempt.Complete(ctx, lines.Text())
		if errors.Is(err, signin.ErrNotTheRedirect) {
			fmt.Fprintln(env.Stderr, explain.Message(err)+" Paste it again:")
			continue
		}
		return p, err
	}
	return attempt.Profile(), window.ErrCancelled
}

// errQuietIfNot keeps a rejected token's exit code after its message was
// printed; other verification failures still count as a sign-in.
func errQuietIfNot(err error) error {
	if ExitCode(err) == ExitNotSignedIn {
		return fmt.Errorf("%w: %w", errQuiet, err)
	}
	return nil
}

func who(p profiles.Profile) string {
	id := p.Token.Identity
	switch {
	case id == nil:
		return "an unknown account"
	case id.FullName != "" && id.Email != "":
		return fmt.Sprintf("%s <%s>", id.FullName, id.Email)
	case id.Email != "":
		return id.Email
	}
	return id.FullName
}

type statusJSON struct {
	Profile  string `json:"profile"`
	ID       string `json:"id"`
	Grant    string `json:"grant"`
	SignedIn bool   `json:"signed_in"`
	Valid    bool   `json:"valid"`
	Expired  bool   `json:"expired"`
	// RenewsAutomatically: a refresh token is kept, so an expired access
	// token is renewed when next used.
	RenewsAutomatically bool               `json:"renews_automatically"`
	Identity            *profiles.Identity `json:"identity,omitempty"`
	Scopes              []string           `json:"scopes"`
	ObtainedAt          *time.Time         `json:"obtained_at,omitempty"`
	ExpiresAt           *time.Time         `json:"expires_at,omitempty"`
	LastVerifiedAt      *time.Time         `json:"last_verified_at,omitempty"`
	Note                string             `json:"note,omitempty"`
}

func statusCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	offline := fs.Bool("offline", false, "do not ask Zapier; show what is known on this computer")
	asJSON := fs.Bool("json", false, "print JSON")
	name, err := parseProfileCommand(fs, args)
	if err != nil {
		return err
	}
	svc := env.service()
	hasToken, p, err := svc.HasToken(ctx, name)
	if err != nil {
		return err
	}
	// A code-grant token renews itself: its expiry is no problem.
	renews := hasToken && p.EffectiveGrant() == oauth.GrantCode
	var problem error
	now := time.Now()
	switch {
	case !hasToken:
		problem = fmt.Errorf("%w: %q is not signed in", errNotSignedIn, p.Name)
	case p.Token.Expired(now) && !renews:
		problem = fmt.Errorf("%w: the token of %q expired", errNotSignedIn, p.Name)
	case !*offline:
		p, err = svc.Verify(ctx, p.ID)
		if err != nil {
			problem = err
		}
	case p.Token.Invalid:
		problem = fmt.Errorf("%w: Zapier rejected the token of %q at the last check", errNotSignedIn, p.Name)
	}

	st := statusJSON{Profile: p.Name, ID: p.ID, Grant: string(p.EffectiveGrant()), SignedIn: hasToken, Valid: hasToken && problem == nil,
		Expired: hasToken && p.Token.Expired(now), RenewsAutomatically: renews, Scopes: nonNil(p.Token.Scopes),
		ObtainedAt: p.Token.ObtainedAt, ExpiresAt: p.Token.ExpiresAt, LastVerifiedAt: p.Token.LastVerifiedAt, Note: p.Token.LastVerifyNote}
	if hasToken {
		st.Identity = p.Token.Identity
	}
	if problem != nil {
		st.Note = explain.Message(problem)
	}
	if *asJSON {
		if err := writeJSON(env, st); err != nil {
			return err
		}
	} else {
		printStatus(env, p, st, now)
	}
	if problem != nil {
		return fmt.Errorf("%w: %w", errQuiet, problem)
	}
	return nil
}

func printStatus(env *Env, p profiles.Profile, st statusJSON, now time.Time) {
	out := env.Stdout
	fmt.Fprintf(out, "Profile:    %s\n", p.Name)
	switch {
	case !st.SignedIn:
		fmt.Fprintln(out, "Signed in:  no")
	case st.Valid:
		fmt.Fprintf(out, "Signed in:  yes, as %s\n", who(p))
	default:
		fmt.Fprintf(out, "Signed in:  yes, as %s, but the token does not work\n", who(p))
	}
	if st.SignedIn {
		fmt.Fprintf(out, "Scopes:     %s\n", strings.Join(st.Scopes, " "))
		if st.ObtainedAt != nil {
			fmt.Fprintf(out, "Obtained:   %s\n", localTime(*st.ObtainedAt))
		}
		if st.ExpiresAt != nil {
			fmt.Fprintf(out, "Expires:    %s (%s)\n", localTime(*st.ExpiresAt), describeExpiry(*st.ExpiresAt, now))
		}
		if st.RenewsAutomatically {
			fmt.Fprintln(out, "Renews:     automatically, with the refresh token in your keychain")
		}
		if st.LastVerifiedAt != nil {
			fmt.Fprintf(out, "Checked:    %s\n", localTime(*st.LastVerifiedAt))
		}
	}
	if st.Note != "" {
		fmt.Fprintf(out, "Note:       %s\n", st.Note)
	}
}

func localTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04 MST") }

func describeExpiry(exp, now time.Time) string {
	d := exp.Sub(now)
	if d <= 0 {
		return "expired"
	}
	if d < time.Minute {
		return "in less than a minute"
	}
	return "in " + strings.TrimSuffix(d.Truncate(time.Minute).String(), "0s")
}

func tokenCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	name, err := parseProfileCommand(fs, args)
	if err != nil {
		return err
	}
	svc := env.service()
	svc.RenewWait = func() {
		fmt.Fprintln(env.Stderr, "Waiting for another Partnerdesk that is renewing this sign-in…")
	}
	// A code-grant token is renewed first when less than a minute of it
	// remains; a refused refresh token is a *credential.SignedOutError
	// (exit 4) that names the login command.
	token, p, err := svc.Token(ctx, name)
	if err != nil {
		return err
	}
	if p.EffectiveGrant() != oauth.GrantCode && p.Token.Expired(time.Now()) {
		return fmt.Errorf("%w: the token of %q expired; sign in again with: partnerdesk login --profile %q", errNotSignedIn, p.Name, p.Name)
	}
	_, err = fmt.Fprintln(env.Stdout, token)
	return err
}

func logoutCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("logout", flag.ContinueOnError)
	name, err := parseProfileCommand(fs, args)
	if err != nil {
		return err
	}
	// Whether there was a token, and until when it is valid; never renewed
	// here.
	hadToken, before, _ := env.service().HasToken(ctx, name)
	p, err := env.service().SignOut(ctx, name)
	if err != nil {
		return err
	}
	if !hadToken {
		fmt.Fprintf(env.Stderr, "%q was not signed in; its sign-in session was cleared.\n", p.Name)
		return nil
	}
	until := "until it expires"
	if exp := before.Token.ExpiresAt; exp != nil {
		until = "until " + localTime(*exp)
	}
	if p.EffectiveGrant() == oauth.GrantCode {
		fmt.Fprintf(env.Stderr, "Signed out of %q: the access and refresh tokens were removed from this computer and the sign-in session cleared; "+
			"the client secret stays in your keychain for the next sign-in.\n"+
			"Zapier offers no way to revoke a token, so the last access token stays valid %s.\n", p.Name, until)
		return nil
	}
	fmt.Fprintf(env.Stderr, "Signed out of %q: the token was removed from this computer and the sign-in session cleared.\n"+
		"Zapier offers no way to revoke a token, so it stays valid %s.\n", p.Name, until)
	return nil
}
