package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"partnerdesk/internal/sandbox"
)

// An API whose next link comes back: `api --paginate` stops, prints no
// partial list, and says why in the operator's words.
func TestAPIPaginateStopsOnAListThatComesBackAndSaysWhy(t *testing.T) {
	var requests atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if n > 20 {
			w.WriteHeader(http.StatusGone) // a bound of its own, should the client not stop
			return
		}
		fmt.Fprintf(w, `{"links":{"next":"/v2/apps?offset=0&limit=100"},"meta":{"count":null},"data":[{"id":"app-%d"}]}`, n)
	}))
	defer api.Close()

	h := newHarness(t, sandbox.ApproveAuto)
	if code := h.run("profile", "add", "loop", "--client-id", sandbox.ClientID, "--redirect-uri", sandbox.RedirectURI,
		"--authorize-url", h.base+"/oauth/authorize/", "--api-base", api.URL); code != 0 {
		t.Fatalf("profile add: exit %d: %s", code, h.errOut)
	}
	code := h.run("api", "/v2/apps?offset=0", "--paginate")
	if code != ExitError {
		t.Errorf("exit %d, want %d", code, ExitError)
	}
	if got := requests.Load(); got != 1 {
		t.Errorf("%d requests, want 1: the first page links to itself", got)
	}
	for _, words := range []string{"Zapier kept sending the same page", "stopped after 1 page and 1 row", "Try again later"} {
		if !strings.Contains(h.errOut.String(), words) {
			t.Errorf("stderr %q does not say %q", h.errOut, words)
		}
	}
	if h.out.Len() != 0 {
		t.Errorf("a partial list was printed as if whole:\n%.200s", h.out)
	}
}
