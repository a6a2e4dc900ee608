package cache

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"partnerdesk/internal/partnerapi"
	"partnerdesk/internal/sandbox"
)

func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	xdg.Reload()
	t.Cleanup(xdg.Reload)
	return dir
}

func TestASavedResultLoadsBackWithItsTime(t *testing.T) {
	root := isolate(t)
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC)
	in := Entry{Resource: "v1/zaps", FetchedAt: at, Complete: true, Total: 2,
		Items: []json.RawMessage{json.RawMessage(`{"id":1}`), json.RawMessage(`{"id":2}`)}}
	if err := Save("p_abc", in); err != nil {
		t.Fatal(err)
	}
	out, err := Load("p_abc", "v1/zaps", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !out.FetchedAt.Equal(at) || !out.Complete || out.Total != 2 || len(out.Items) != 2 || string(out.Items[1]) != `{"id":2}` {
		t.Errorf("loaded %+v", out)
	}

	file := filepath.Join(root, "partnerdesk", "p_abc", "v1-zaps.json")
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", st.Mode().Perm())
	}
	if st, _ := os.Stat(filepath.Dir(file)); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the result (no temp files)", len(entries))
	}
}

func TestASecondSaveReplacesTheFirst(t *testing.T) {
	isolate(t)
	for _, n := range []int{3, 1} {
		items := make([]json.RawMessage, n)
		for i := range items {
			items[i] = json.RawMessage(`{}`)
		}
		if err := Save("p_1", Entry{Resource: "v1/apps", Items: items}); err != nil {
			t.Fatal(err)
		}
	}
	if e, _ := Load("p_1", "v1/apps", nil); len(e.Items) != 1 {
		t.Errorf("%d items, want the last save's 1", len(e.Items))
	}
}

func TestResultsAreKeptApartByProfileResourceAndParameters(t *testing.T) {
	isolate(t)
	save := func(profile, resource, app string) {
		t.Helper()
		var params map[string]string
		if app != "" {
			params = map[string]string{"app": app}
		}
		if err := Save(profile, Entry{Resource: resource, Params: params, Items: []json.RawMessage{json.RawMessage(`"` + profile + resource + app + `"`)}}); err != nil {
			t.Fatal(err)
		}
	}
	save("p_1", "v2/actions", "a")
	save("p_1", "v2/actions", "b")
	save("p_2", "v2/actions", "a")
	save("p_1", "v2/apps", "")
	for _, c := range []struct{ profile, resource, app string }{{"p_1", "v2/actions", "a"}, {"p_1", "v2/actions", "b"}, {"p_2", "v2/actions", "a"}, {"p_1", "v2/apps", ""}} {
		var params map[string]string
		if c.app != "" {
			params = map[string]string{"app": c.app}
		}
		e, err := Load(c.profile, c.resource, params)
		if err != nil || string(e.Items[0]) != `"`+c.profile+c.resource+c.app+`"` {
			t.Errorf("%v: %v %s", c, err, e.Items)
		}
	}
	if _, err := Load("p_2", "v2/apps", nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("another profile's result: %v, want ErrNotCached", err)
	}
}

func TestNothingCachedAndDamagedFilesAreNotCached(t *testing.T) {
	root := isolate(t)
	if _, err := Load("p_1", "v1/zaps", nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("got %v, want ErrNotCached", err)
	}
	dir := filepath.Join(root, "partnerdesk", "p_1")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "v1-zaps.json"), []byte(`{"resource": "v1/zaps", "items": [`), 0o600)
	if _, err := Load("p_1", "v1/zaps", nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("a damaged file: got %v, want ErrNotCached", err)
	}
}

func TestNamesThatCouldEscapeTheDirectoryAreRefused(t *testing.T) {
	isolate(t)
	for _, id := range []string{"", "..", "../x", "a/b", "p 1"} {
		if err := Save(id, Entry{Resource: "v1/zaps"}); err == nil {
			t.Errorf("Save accepted the profile id %q", id)
		}
		if err := Remove(id); err == nil {
			t.Errorf("Remove accepted the profile id %q", id)
		}
	}
	// A resource id is made into a plain file name inside the profile's directory.
	if err := Save("p_1", Entry{Resource: "../../x"}); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(Dir("p_1"), "*.json")); len(files) != 1 {
		t.Errorf("files in the profile's directory: %v", files)
	}
}

func TestRemoveForgetsAProfile(t *testing.T) {
	isolate(t)
	Save("p_1", Entry{Resource: "v1/zaps"})
	if err := Remove("p_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load("p_1", "v1/zaps", nil); !errors.Is(err, ErrNotCached) {
		t.Errorf("after Remove: %v", err)
	}
}

func TestACachedFileNeverHoldsTheToken(t *testing.T) {
	root := isolate(t)
	srv, err := sandbox.Start(sandbox.Options{Approve: sandbox.ApproveAuto, KeyFile: filepath.Join(t.TempDir(), "k"), Zaps: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	q := url.Values{"client_id": {sandbox.ClientID}, "redirect_uri": {sandbox.RedirectURI}, "response_type": {"token"}, "scope": {"profile zap"}, "state": {"s"}}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(srv.AuthorizeURL() + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	frag, _ := url.ParseQuery(loc.Fragment)
	token := frag.Get("access_token")
	if token == "" {
		t.Fatal("no token")
	}

	c := &partnerapi.Client{BaseURL: srv.URL(), Token: token, ClientID: sandbox.ClientID}
	for _, ep := range partnerapi.Endpoints() {
		if len(ep.Required) > 0 {
			continue
		}
		var items []json.RawMessage
		err := c.List(context.Background(), ep, partnerapi.ListOptions{All: true}, func(p partnerapi.Page) error {
			items = append(items, p.Items...)
			return nil
		})
		var apiErr *partnerapi.APIError
		if errors.As(err, &apiErr) && apiErr.Status == 403 {
			continue // a scope this token lacks
		}
		if err != nil {
			t.Fatalf("%s: %v", ep.ID, err)
		}
		if err := Save("p_1", Entry{Resource: ep.ID, FetchedAt: time.Now(), Items: items, Complete: true}); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(root, "partnerdesk", "p_1", "*.json"))
	if len(files) < 4 {
		t.Fatalf("only %d results were cached", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, form := range []string{token, url.QueryEscape(token), base64.StdEncoding.EncodeToString([]byte(token))} {
			if bytes.Contains(b, []byte(form)) {
				t.Errorf("%s holds the token", f)
			}
		}
	}
}
