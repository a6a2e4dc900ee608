// Partnerdesk's app (partnerdesk-app): Zapier Partner API access for
// operators. This file only wires. The command operators and scripts run is
// cmd/partnerdesk, which execs this binary to open the app; with
// windowproc.Flag this binary shows only a sign-in window for the command's
// `login`.
package main

import (
	"embed"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strings"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"partnerdesk/internal/desktop"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/signinwindow"
	"partnerdesk/internal/vault"
	"partnerdesk/internal/windowproc"
)

//go:embed all:frontend/dist
var assets embed.FS

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func init() {
	// GTK runs its loop on the main OS thread: Wails in the app, and
	// signinwindow.RunMainLoop in the window-only mode.
	runtime.LockOSThread()
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == windowproc.Flag {
		// The sign-in window alone, for `partnerdesk login`: no Wails, no
		// single-instance lock. It logs (redacted) to the same file.
		logging.Start(os.Stderr)
		os.Exit(windowproc.Serve(os.Stdin, os.Stdout, signinwindow.Open, signinwindow.RunMainLoop))
	}
	if len(os.Args) > 1 && !(len(os.Args) == 2 && profiles.IsExchangeFile(os.Args[1])) {
		fmt.Fprintf(os.Stderr, "This is Partnerdesk's app; commands are run with partnerdesk: partnerdesk %s\n", strings.Join(os.Args[1:], " "))
		os.Exit(2)
	}
	logging.Start(os.Stderr) // the redacted log in $XDG_STATE_HOME/partnerdesk; debug with PARTNERDESK_DEBUG
	app := newApp(desktop.Config{
		Version:   version,
		Profiles:  profiles.NewStore(),
		Vault:     vault.New(),
		Window:    signinwindow.Open,
		Endpoints: signin.LocalEndpoints,
	})
	if len(os.Args) == 2 {
		// A double-clicked profile file: open the app and import it.
		app.openAtStart = os.Args[1]
	}
	if err := wails.Run(appOptions(app)); err != nil {
		fmt.Fprintln(os.Stderr, "Partnerdesk could not start:", err)
		os.Exit(1)
	}
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
			Assets: assets,
			// The rows of Browse's lists, fetched by the page (desktop.ResourcePage).
			Handler:    app.services.Rows(),
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
