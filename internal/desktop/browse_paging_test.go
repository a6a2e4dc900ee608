package desktop

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"partnerdesk/internal/profiles"
	"partnerdesk/internal/sandbox"
)

// A list that does not move on ends with the reason on the page, after the
// rows it did send: never as if it were whole.
func TestAListThatComesBackEndsWithTheReasonOnThePage(t *testing.T) {
	b := newBrowser(t, sandbox.Options{}, "profile zap")
	var requests atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		if n > 20 {
			w.WriteHeader(http.StatusGone) // a bound of its own, should the client not stop
			return
		}
		// Two pages that link to each other, each with new rows.
		next := "/v2/apps?limit=100&offset=1"
		if r.URL.Query().Get("offset") == "1" {
			next = "/v2/apps?limit=100"
		}
		fmt.Fprintf(w, `{"links":{"next":%q},"meta":{"count":null},"data":[{"id":"app-%d"}]}`, next, n)
	}))
	defer api.Close()
	b.store.Update(func(f *profiles.File) error {
		p, _ := f.Find(b.profile.ID)
		p.APIBaseURL = api.URL
		return nil
	})

	events := b.fetch("v2/apps", true, nil)
	_, live := pagesOf(events)
	e := errorOf(events)
	if e == nil {
		t.Fatalf("no error event; pages %+v", live)
	}
	rows := 0
	for _, p := range live {
		rows += len(p.Rows)
		if p.Done {
			t.Error("a page said the list was whole")
		}
	}
	if rows != 2 || requests.Load() != 2 {
		t.Errorf("%d rows shown after %d requests, want the 2 rows of the 2 pages", rows, requests.Load())
	}
	for _, words := range []string{"Zapier kept sending the same page", "stopped after 2 pages and 2 rows", "Try again later"} {
		if !strings.Contains(e.Message, words) {
			t.Errorf("the page reads %q, which does not say %q", e.Message, words)
		}
	}
}
