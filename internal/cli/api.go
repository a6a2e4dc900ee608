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

	"partnerdesk/internal/browse"
	"partnerdesk/internal/explain"
	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/profiles"
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
	lister := &browse.Lister{Access: env.service(), Rejected: func(_ profiles.Profile, markErr error) {
		if markErr != nil {
			fmt.Fprintln(env.Stderr, explain.Message(markErr))
		}
	}}
	wait := func(w partnerapi.Wait) { fmt.Fprintln(env.Stderr, WaitMessage(w)) }

	var out any
	if *paginate && ep.Paging != partnerapi.PagingNone {
		items := []json.RawMessage{}
		_, err = lister.List(ctx, browse.Request{Profile: *p, Endpoint: ep, Params: target.Query(), PageSize: pageSizeOf(target.Query()), All: true},
			browse.Handler{Wait: wait, Page: func(pg partnerapi.Page) error {
				items = append(items, pg.Items...)
				return nil
			}})
		out = items
	} else {
		out, err = lister.Get(ctx, *p, ep, target.String(), wait)
	}
	if err != nil {
		return apiFailure(err)
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

// apiFailure turns err into the command's error, with the exit code the
// contract gives it (browse.Lister has marked a rejected token already).
func apiFailure(err error) error {
	var paramErr *partnerapi.ParamError
	if errors.As(err, &paramErr) {
		return usagef("%s", explain.Message(err))
	}
	return err
}

// WaitMessage says, in the operator's words, why the client pauses and for
// how long.
func WaitMessage(w partnerapi.Wait) string {
	_, reason := explain.Wait(w)
	return fmt.Sprintf("%s Trying again in %d s.", reason, int((w.For+time.Second-1)/time.Second))
}
