// Package cli is Partnerdesk's command line: the subcommands scripts and
// operators run without the app (profile, login, status, token, logout,
// api, sandbox). Commands parse their flags and call into the packages that do
// the work; they print results to stdout and messages to stderr, and exit
// with the codes of the contract in ../../README.md.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"partnerdesk/internal/explain"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
)

// Exit codes, as the contract fixes them.
const (
	ExitOK          = 0
	ExitError       = 1 // network, provider, bad response
	ExitUsage       = 2 // bad flag, unknown or ambiguous profile
	ExitDeclined    = 3 // declined or cancelled by the operator
	ExitNotSignedIn = 4 // not signed in, or the token is invalid or expired
	ExitKeychain    = 5 // keychain unavailable
	ExitTimeout     = 6 // timed out
)

// Env is what commands need from the outside world. Tests fill it with
// temp stores and buffers; main fills it with the real ones.
type Env struct {
	Version  string
	Stdin    io.Reader
	Stdout   io.Writer
	Stderr   io.Writer
	Profiles *profiles.Store
	Vault    *vault.Vault
	// Window shows the sign-in window (the command's runs the app binary
	// in its window-only mode: internal/windowproc).
	Window signin.Window
	// Endpoints resolves a profile's URLs (the sandbox profile's needs a
	// running sandbox).
	Endpoints signin.Endpoints
	// Browser opens the system browser, for `login --browser`.
	Browser signin.Browser
}

func (e *Env) service() *signin.Service {
	return &signin.Service{Profiles: e.Profiles, Vault: e.Vault, Window: e.Window, Endpoints: e.Endpoints, Browser: e.Browser}
}

// usageError is a mistake in how a command was called.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

const usage = `Partnerdesk: Zapier Partner API access for operators.

Usage:
  partnerdesk                      open the app
  partnerdesk --version            print the version
  partnerdesk profile add NAME --client-id ID --redirect-uri URI
                [--authorize-url URL] [--api-base URL] [--scope "zap profile"] [--update]
                [--grant code [--token-url URL] --client-secret-stdin < SECRET_FILE]
  partnerdesk profile list [--json]
  partnerdesk profile remove NAME [--keep-token]
  partnerdesk profile export NAME > FILE.pdprofile
  partnerdesk profile import FILE [--name NAME] [--trust-host HOST[:PORT]]... [--client-secret-stdin]
  partnerdesk login  [--profile NAME] [--force | --silent] [--browser] [--timeout 5m]
  partnerdesk status [--profile NAME] [--offline] [--json]
  partnerdesk token  [--profile NAME]
  partnerdesk logout [--profile NAME]
  partnerdesk api PATH [--profile NAME] [--paginate]
  partnerdesk sandbox [--addr 127.0.0.1:PORT] [--approve ask|auto|deny|wrong-state] [--expires-in SECONDS]
                [--zaps N] [--apps N] [--rate-limit PER_MINUTE] [--seed N]

--profile may be left out when exactly one profile exists.
--grant code is for apps Zapier approved since April 2024, which have a client
secret: Partnerdesk reads it from the first line of standard input, never from
an argument, keeps it in the keychain, and renews tokens without a window.
token prints a valid token, renewing it first when less than a minute remains.
Exit codes: 0 ok, 1 error, 2 usage, 3 declined or cancelled, 4 not signed in or
token invalid or expired, 5 keychain unavailable, 6 timed out.
`

// Run runs the command in args (without the program name) and returns the
// exit code.
func Run(args []string, env Env) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if env.Vault != nil && env.Vault.OnSlow == nil {
		env.Vault.OnSlow = func(string) {
			fmt.Fprintln(env.Stderr, "Waiting for your keychain (it may be asking for its password)…")
		}
	}
	err := dispatch(ctx, args, &env)
	if err == nil {
		return ExitOK
	}
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintf(env.Stderr, "%s\nRun 'partnerdesk --help' for usage.\n", u.msg)
		return ExitUsage
	}
	if !errors.Is(err, errQuiet) {
		fmt.Fprintln(env.Stderr, explain.Message(err))
	}
	return ExitCode(err)
}

// errQuiet marks an error whose message was already printed.
var errQuiet = errors.New("already reported")

// ExitCode maps an error to the contract's exit codes, from the one
// classification of errors the app's page reads too (explain.Classify).
func ExitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u):
		return ExitUsage
	case errors.Is(err, errNotSignedIn):
		return ExitNotSignedIn
	}
	switch explain.Classify(err) {
	case explain.KindUsage:
		return ExitUsage
	case explain.KindDeclined:
		return ExitDeclined
	case explain.KindNotSignedIn:
		return ExitNotSignedIn
	case explain.KindKeychain:
		return ExitKeychain
	case explain.KindTimeout:
		return ExitTimeout
	}
	return ExitError
}

var errNotSignedIn = errors.New("not signed in")

func dispatch(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		return usagef("no command given")
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintf(env.Stdout, "partnerdesk %s\n", env.Version)
		return nil
	case "--help", "-help", "-h", "help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	case "profile":
		return profileCmd(ctx, args[1:], env)
	case "login":
		return loginCmd(ctx, args[1:], env)
	case "status":
		return statusCmd(ctx, args[1:], env)
	case "token":
		return tokenCmd(ctx, args[1:], env)
	case "logout":
		return logoutCmd(ctx, args[1:], env)
	case "sandbox":
		return sandboxCmd(ctx, args[1:], env)
	case "api":
		return apiCmd(ctx, args[1:], env)
	}
	return usagef("unknown command %q", args[0])
}

// parse parses flags that may come before, between or after positional
// arguments ("profile add NAME --client-id X" as well as "--client-id X NAME"),
// and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usagef("%s", strings.TrimSpace(flagUsage(fs)))
			}
			return nil, usagef("%v", err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func flagUsage(fs *flag.FlagSet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage of %s:\n", fs.Name())
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}

// parseProfileCommand parses the flags of a command that works on one
// profile (--profile, which may be left out when there is only one) and
// takes no arguments; fs holds the command's other flags already.
func parseProfileCommand(fs *flag.FlagSet, args []string) (profile string, err error) {
	name := fs.String("profile", "", "profile name (optional when there is only one)")
	positional, err := parse(fs, args)
	if err != nil {
		return "", err
	}
	return *name, noPositional(positional)
}

func noPositional(positional []string) error {
	if len(positional) > 0 {
		return usagef("unexpected argument %q", positional[0])
	}
	return nil
}

// loadProfiles loads the profiles file, telling the operator when a corrupt
// one was set aside; the command goes on with what is left.
func loadProfiles(env *Env) (*profiles.File, error) {
	return env.Profiles.LoadTolerant(func(notice string) { fmt.Fprintln(env.Stderr, notice) })
}
