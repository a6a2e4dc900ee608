// Partnerdesk: Zapier Partner API access for operators. This file only wires:
// with arguments the binary is a command-line tool (internal/cli); without,
// it opens the app.
package main

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"partnerdesk/internal/cli"
	"partnerdesk/internal/desktop"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
	"partnerdesk/internal/signinwindow"
	"partnerdesk/internal/vault"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func init() {
	// GTK runs its loop on the main OS thread: Wails in the app, and
	// signinwindow.RunMainLoop for `partnerdesk login`.
	runtime.LockOSThread()
}

func main() {
	if len(os.Args) > 1 && !(len(os.Args) == 2 && isProfileFile(os.Args[1])) {
		attachConsole()
	}
	logging.Start(os.Stderr) // the redacted log in $XDG_STATE_HOME/partnerdesk; debug with PARTNERDESK_DEBUG
	env := cli.Env{
		Version:       version,
		Stdin:         os.Stdin,
		Stdout:        os.Stdout,
		Stderr:        os.Stderr,
		Profiles:      profiles.NewStore(),
		Vault:         vault.New(),
		Window:        signinwindow.Open,
		RunWindowLoop: signinwindow.RunMainLoop,
		Endpoints:     endpoints,
		Browser:       openBrowser,
	}
	app := newApp(desktop.Config{
		Version:   version,
		Profiles:  env.Profiles,
		Vault:     env.Vault,
		Window:    signinwindow.Open,
		Endpoints: endpoints,
	})
	switch {
	case len(os.Args) == 2 && isProfileFile(os.Args[1]):
		// A double-clicked profile file: open the app and import it.
		app.openAtStart = os.Args[1]
	case len(os.Args) > 1:
		os.Exit(cli.Run(os.Args[1:], env))
	}
	if err := runApp(app); err != nil {
		fmt.Fprintln(os.Stderr, "Partnerdesk could not start:", err)
		os.Exit(1)
	}
}

func runApp(app *app) error {
	return wails.Run(appOptions(app))
}

// appOptions are the app window's Wails options.
func appOptions(app *app) *options.App {
	return &options.App{
		Title:     "Partnerdesk",
		Width:     1040,
		Height:    720,
		MinWidth:  760,
		MinHeight: 520,
		AssetServer: &assetserver.Options{
			Assets:     assets,
			Middleware: securityHeaders,
		},
		OnStartup:  app.startup,
		OnShutdown: app.shutdown,
		Bind:       app.services.Bound(),
		// Bindings answer only the app's own origin.
		BindingsAllowedOrigins: "",
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               "com.partnerdesk.app",
			OnSecondInstanceLaunch: app.onSecondInstance,
		},
		EnableDefaultContextMenu: false,
		Linux: &linux.Options{
			ProgramName: "partnerdesk",
			// Wails' own default when Linux options are nil. Setting any
			// Linux option otherwise turns on WebKit's GPU compositing, which
			// without a GPU runs on llvmpipe: +90 MiB PSS (make bench).
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
		// Wails logs every bound call's result at Trace and its own
		// chatter at Debug and Info: only its warnings and errors are kept,
		// in development builds too.
		LogLevel:           logger.WARNING,
		LogLevelProduction: logger.WARNING,
	}
}

// securityHeaders adds a strict Content-Security-Policy to the app's own
// pages: the main web view shows nothing but them.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// isProfileFile tells a profile file handed over by the desktop from a
// subcommand.
func isProfileFile(arg string) bool {
	lower := strings.ToLower(arg)
	return strings.HasSuffix(lower, profiles.ExchangeExt) || strings.HasSuffix(lower, ".partnerdesk-profile.json")
}

// openBrowser opens an address in the system browser: $BROWSER when set
// (as many Unix tools honour), else the desktop's handler.
func openBrowser(address string) error {
	var cmd *exec.Cmd
	switch {
	case os.Getenv("BROWSER") != "":
		cmd = exec.Command(os.Getenv("BROWSER"), address)
	case runtime.GOOS == "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", address)
	case runtime.GOOS == "darwin":
		cmd = exec.Command("open", address)
	default:
		cmd = exec.Command("xdg-open", address)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() // reap it; the browser lives on
	return nil
}

// endpoints gives a profile's URLs; the Sandbox profile's need the built-in
// sandbox running, in this process or another Partnerdesk one.
func endpoints(p profiles.Profile) (authorizeURL, apiBaseURL string, err error) {
	if p.Sandbox {
		u, err := url.Parse(p.EffectiveAPIBaseURL())
		if err != nil {
			return "", "", err
		}
		if _, err := sandbox.EnsureLocal(u.Host); err != nil {
			return "", "", err
		}
	}
	return p.EffectiveAuthorizeURL(), p.EffectiveAPIBaseURL(), nil
}
