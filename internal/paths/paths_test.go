package paths

import (
	"path/filepath"
	"testing"

	"github.com/adrg/xdg"
)

func TestEveryFolderIsPartnerdeskInsideItsXDGBase(t *testing.T) {
	root := t.TempDir()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		t.Setenv(k, filepath.Join(root, k))
	}
	xdg.Reload()
	t.Cleanup(xdg.Reload)

	cases := []struct{ name, got, want string }{
		{"config", Config(), filepath.Join(root, "XDG_CONFIG_HOME", "partnerdesk")},
		{"data", Data(), filepath.Join(root, "XDG_DATA_HOME", "partnerdesk")},
		{"web data", WebData("p1"), filepath.Join(root, "XDG_DATA_HOME", "partnerdesk", "webdata", "p1")},
		{"sandbox key", SandboxKey(), filepath.Join(root, "XDG_DATA_HOME", "partnerdesk", "sandbox.key")},
		{"cache", Cache(), filepath.Join(root, "XDG_CACHE_HOME", "partnerdesk")},
		{"profile cache", ProfileCache("p1"), filepath.Join(root, "XDG_CACHE_HOME", "partnerdesk", "p1")},
		{"state", State(), filepath.Join(root, "XDG_STATE_HOME", "partnerdesk")},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
	if got := All(); len(got) != 4 {
		t.Errorf("All = %v, want the four folders", got)
	}
}
