package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"partnerdesk/internal/sandbox"
)

func sandboxCmd(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	approve := fs.String("approve", "ask", "how to answer sign-ins: ask (the consent page; approval_prompt=auto skips it while a token for the same scopes is live), auto, deny or wrong-state")
	expiresIn := fs.Int("expires-in", 36000, "lifetime of issued access tokens, in seconds (both grants)")
	zaps := fs.Int("zaps", 0, "how many Zaps the sandbox account has (0: the default)")
	apps := fs.Int("apps", 0, "how many apps the app directory lists (0: the default)")
	rateLimit := fs.Int("rate-limit", 0, "API requests answered per minute before 429 (0: no limit)")
	seed := fs.Int64("seed", 1, "seed of the generated data")
	clientSecret := fs.String("client-secret", "", "the client secret of "+sandbox.ClientID+" for the authorization-code grant (response_type=code, then POST /oauth/token/); empty: one made from this installation's sandbox key, printed on stderr")
	verbose := fs.Bool("v", false, "log each request and each refresh request to stderr (never tokens)")
	positional, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := noPositional(positional); err != nil {
		return err
	}
	mode := sandbox.Approve(*approve)
	switch mode {
	case sandbox.ApproveAsk, sandbox.ApproveAuto, sandbox.ApproveDeny, sandbox.ApproveWrongState:
	default:
		return usagef("--approve must be ask, auto, deny or wrong-state, not %q", *approve)
	}
	if *expiresIn <= 0 {
		return usagef("--expires-in must be a positive number of seconds")
	}
	if *rateLimit < 0 {
		return usagef("--rate-limit must be 0 (no limit) or a positive number of requests a minute")
	}
	opts := sandbox.Options{Addr: *addr, Approve: mode, ExpiresIn: time.Duration(*expiresIn) * time.Second, Zaps: *zaps, Seed: *seed,
		Apps: *apps, RateLimit: *rateLimit, ClientSecret: *clientSecret}
	if *verbose {
		opts.Log = slog.New(slog.NewTextHandler(env.Stderr, nil))
	}
	srv, err := sandbox.Start(opts)
	if err != nil {
		return usagef("%v", err)
	}
	defer srv.Close()
	// The base URL comes first and alone on stdout: scripts read it.
	fmt.Fprintln(env.Stdout, srv.URL())
	fmt.Fprintf(env.Stderr, "Partnerdesk sandbox (not Zapier) at %s\nRegistered client: %s with redirect URI %s\n",
		srv.URL(), sandbox.ClientID, sandbox.RedirectURI)
	fmt.Fprintf(env.Stderr, "It signs in with the implicit grant (response_type=token) or the authorization-code grant (response_type=code, token URL %s).\n",
		srv.TokenURL())
	if *clientSecret == "" {
		fmt.Fprintf(env.Stderr, "Client secret of %s for the authorization-code grant: %s\n", sandbox.ClientID, srv.ClientSecret())
	}
	common := fmt.Sprintf("--client-id %s --redirect-uri %s --authorize-url %s --api-base %s --scope %s",
		sandbox.ClientID, shellQuote(sandbox.RedirectURI), shellQuote(srv.AuthorizeURL()), shellQuote(srv.URL()), shellQuote("profile zap"))
	fmt.Fprintf(env.Stderr, "Try it with either grant:\n"+
		"  partnerdesk profile add sandbox-implicit %s\n"+
		"  partnerdesk profile add sandbox-code %s --grant code --token-url %s --client-secret-stdin   (then paste the client secret)\n",
		common, common, shellQuote(srv.TokenURL()))
	fmt.Fprintf(env.Stderr, "Sign-ins are answered: %s. Stop with Ctrl+C.\n", mode)
	<-ctx.Done()
	return nil
}
