// Command partnerdesk is the one command operators and scripts run. With no
// arguments, or one profile file, it replaces itself with the app
// (partnerdesk-app, built beside it). With a subcommand it is the command
// line (internal/cli), a Go program built with CGO_ENABLED=0 that loads no
// GTK or WebKit; `login` gets its sign-in window from the app binary's
// window-only mode (internal/windowproc).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"partnerdesk/internal/cli"
	"partnerdesk/internal/logging"
	"partnerdesk/internal/profiles"
	"partnerdesk/internal/signin"
	"partnerdesk/internal/vault"
	"partnerdesk/internal/windowproc"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	args := os.Args[1:]
	app := appBinary()
	if len(args) == 0 || (len(args) == 1 && profiles.IsExchangeFile(args[0])) {
		os.Exit(runApp(app, args))
	}
	logging.Start(os.Stderr) // the redacted log in $XDG_STATE_HOME/partnerdesk; debug with PARTNERDESK_DEBUG
	os.Exit(cli.Run(args, cli.Env{
		Version:   version,
		Stdin:     os.Stdin,
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Profiles:  profiles.NewStore(),
		Vault:     vault.New(),
		Window:    windowproc.Client{App: app}.Open,
		Endpoints: signin.LocalEndpoints,
		Browser:   signin.SystemBrowser,
	}))
}

// appBinary is partnerdesk-app in the folder of this command's own file
// (links followed, so a link on PATH finds the real folder).
func appBinary() string {
	name := "partnerdesk-app"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	self, err := os.Executable()
	if err == nil {
		if real, err := filepath.EvalSymlinks(self); err == nil {
			self = real
		}
	}
	return filepath.Join(filepath.Dir(self), name)
}

// appMissing says, in the operator's words, that the app is not there.
func appMissing(app string) int {
	fmt.Fprintf(os.Stderr, "Partnerdesk's app is missing: there is no %s beside this command. Reinstall Partnerdesk. (Commands such as partnerdesk status still work: partnerdesk --help lists them.)\n", app)
	return 1
}
