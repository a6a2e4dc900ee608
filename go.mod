module partnerdesk

go 1.26

require (
	github.com/adrg/xdg v0.5.3
	github.com/wailsapp/wails/v2 v2.15.0
	github.com/zalando/go-keyring v0.2.6
)

require (
	al.essio.dev/pkg/shellescape v1.5.1 // indirect
	github.com/danieljoos/wincred v1.2.2 // indirect
	github.com/godbus/dbus/v5 v5.1.0 // indirect
	github.com/leaanthony/slicer v1.6.0 // indirect
	github.com/leaanthony/u v1.1.1 // indirect
	golang.org/x/sys v0.46.0 // indirect
)
