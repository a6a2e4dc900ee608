package main

import (
	"context"

	"github.com/wailsapp/wails/v2/pkg/options"

	"partnerdesk/internal/desktop"
)

// app is the Wails app: the services bound to the page, over the Wails
// adapter, and the hooks Wails calls.
type app struct {
	services    *desktop.Services
	platform    *wailsPlatform
	openAtStart string // a profile file to import once the window is up
}

// newApp builds the services over cfg, on the Wails adapter.
func newApp(cfg desktop.Config) *app {
	platform := newWailsPlatform()
	cfg.Platform = platform
	return &app{services: desktop.New(cfg), platform: platform}
}

func (a *app) startup(ctx context.Context) {
	a.platform.start(ctx)
	a.services.Startup(ctx, a.openAtStart)
}

func (a *app) shutdown(context.Context) { a.services.Shutdown() }

// onSecondInstance brings this window to the front when Partnerdesk is
// started again, and imports the profile file it was started with, if any.
func (a *app) onSecondInstance(second options.SecondInstanceData) {
	a.services.SecondInstance(second.Args)
}
