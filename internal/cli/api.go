package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
)

// apiCmd is `partnerdesk api PATH [--profile NAME] [--paginate]`: one GET
// of the Partner API, printed as indented JSON, like `gh api`. With
// --paginate, the items of every page are printed as one JSON array.
func apiCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("api", flag.ContinueOnError)
	name := fs.String("profile", "", "profile name (optional when there is only one)")
	paginate := fs.Bool("paginate", false, "fetch every page and print all the items as one JSON array")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usagef("give one API path, such as /v1/zaps or \"/v2/actions?app=ID\"")
	}
	target, err := url.Parse(positional[0])
	if err != nil || target.IsAbs() || target.Host != "" {
		return usagef("%q is not an API path: give the path only, such as /v1/zaps", positional[0])
	}
	target.Path = "/" + strings.TrimLeft(target.Path, "/")

	f, err := loadProfiles(env)
	if err != nil {
		return err
	}
	p, err := f.Resolve(*name)
	if err != nil {
		return err
	}
	ep, known := partnerapi.EndpointForPath(target.Path)
	if !known {
		// A path the client does not know: the token when there is one,
		// else the client_id.
		ep = partnerapi.Endpoint{ID: target.Path, Path: target.Path, Auth: partnerapi.AuthEither, Paging: partnerapi.PagingNone}
	}
	client, sent, err := APIClient(ctx, env.service(), *p, ep)
	if err != nil {
		return err
	}
	client.OnWait = func(w partnerapi.Wait) {
		fmt.Fprintln(env.Stderr, WaitMessage(w))
	}

	var out any
	if *paginate && ep.Paging != partnerapi.PagingNone {
		items := []json.RawMessage{}
		err = client.List(ctx, ep, partnerapi.ListOptions{Params: target.Query(), PageSize: pageSizeOf(target.Query()), All: true},
			func(pg partnerapi.Page) error {
				items = append(items, pg.Items...)
				return nil
			})
		out = items
	} else {
		out, err = client.Get(ctx, target.String(), nil)
	}
	if err != nil {
		return apiFailure(env, p, sent, err)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(env.Stdout, "%s\n", b)
	return err
}

// pageSizeOf reads the page size a caller put in the path's query.
func pageSizeOf(q url.Values) int {
	for _, k := range []string{"limit", "per_page"} {
		var n int
		if _, err := fmt.Sscan(q.Get(k), &n); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

// apiFailure records a rejected token and turns err into the command's
// error, with the exit code the contract gives it.
func apiFailure(env *Env, p *profiles.Profile, sent partnerapi.Credential, err error) error {
	var paramErr *partnerapi.ParamError
	switch {
	case errors.As(err, &paramErr):
		return usagef("%s", explain.Message(err))
	case sent == partnerapi.CredentialToken && errors.Is(err, partnerapi.ErrTokenRejected):
		if markErr := MarkTokenRejected(env.Profiles, p.ID); markErr != nil {
			fmt.Fprintln(env.Stderr, explain.Message(markErr))
		}
	}
	return err
}

// APIAccess is what a profile holds to call the API with, as far as its
// metadata tells, without asking the keychain: its client ID, whether it has
// a token that is neither expired nor known to be rejected, and the scopes
// that token was granted.
func APIAccess(p profiles.Profile, now time.Time) partnerapi.Access {
	a := partnerapi.Access{ClientID: p.ClientID}
	if p.Token.SignedIn && !p.Token.Invalid && !p.Token.Expired(now) {
		a.Token = true
		a.Scopes = p.Token.Scopes
	}
	return a
}

// APIClient returns a client that calls ep for profile p the way the app
// does (see [partnerapi.Endpoint.Check]): with the profile's token, from
// svc's keychain, when the endpoint takes one and the token fits it, else
// with the profile's client_id. It also returns which credential that is.
// An endpoint the profile cannot call fails with an error wrapping
// errNotSignedIn and partnerapi.ErrNeedsToken (exit 4), or a
// *partnerapi.ScopeError.
func APIClient(ctx context.Context, svc *signin.Service, p profiles.Profile, ep partnerapi.Endpoint) (*partnerapi.Client, partnerapi.Credential, error) {
	sent, err := ep.Check(APIAccess(p, time.Now()))
	switch {
	case errors.Is(err, partnerapi.ErrNeedsToken):
		return nil, sent, fmt.Errorf("%w: %w", errNotSignedIn, err)
	case err != nil:
		return nil, sent, err
	}
	base := p.EffectiveAPIBaseURL()
	if svc.Endpoints != nil {
		if _, base, err = svc.Endpoints(p); err != nil {
			return nil, sent, err
		}
	}
	c := &partnerapi.Client{BaseURL: base, ClientID: p.ClientID, HTTP: svc.HTTP}
	if sent == partnerapi.CredentialToken {
		token, _, err := svc.Token(ctx, p.ID)
		if err != nil {
			return nil, sent, err
		}
		c.Token = token
	}
	return c, sent, nil
}

// MarkTokenRejected records in a profile's metadata that the API rejected
// its token, so that the app and `status --offline` offer to sign in again.
func MarkTokenRejected(store *profiles.Store, profileID string) error {
	return store.Update(func(f *profiles.File) error {
		p, ok := f.Find(profileID)
		if !ok {
			return nil // removed meanwhile: nothing to mark
		}
		p.Token.Invalid = true
		p.Token.LastVerifyOK = false
		p.Token.LastVerifyNote = "Zapier no longer accepts this token."
		return nil
	})
}

// WaitMessage says, in the operator's words, why the client pauses and for
// how long.
func WaitMessage(w partnerapi.Wait) string {
	secs := int((w.For + time.Second - 1) / time.Second)
	if w.Reason == partnerapi.WaitRateLimited {
		return fmt.Sprintf("Zapier asks Partnerdesk to slow down: trying again in %d s.", secs)
	}
	var apiErr *partnerapi.APIError
	what := "did not answer in time"
	if errors.As(w.Err, &apiErr) {
		what = fmt.Sprintf("had a problem (it answered %d)", apiErr.Status)
	}
	return fmt.Sprintf("Zapier's API %s: trying again in %d s (try %d of %d).", what, secs, w.Try, w.Tries)
}
