package explain

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"partnerdesk/internal/partnerapi"
)

func TestResourceBrowsingErrorsSayWhatToDo(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"no token for a token list", fmt.Errorf("not signed in: %w", partnerapi.ErrNeedsToken), []string{"signed in", "Sign in first"}},
		{"a rejected client_id", &partnerapi.APIError{Status: 401, Sent: partnerapi.CredentialClientID}, []string{"client ID", "Check"}},
		{"a scope known to be missing", &partnerapi.ScopeError{Endpoint: "v2/zap-runs", Scope: "zap:runs"}, []string{`"zap:runs"`, "sign in again"}},
		{"a missing parameter", &partnerapi.ParamError{Endpoint: "v2/actions", Param: "app"}, []string{`"app"`, "?app="}},
		{"server faults to the end", &partnerapi.GaveUpError{Tries: 3, Err: &partnerapi.APIError{Status: 503}}, []string{"3 times", "503", "few minutes"}},
		{"time-outs to the end", &partnerapi.GaveUpError{Tries: 3, Err: &partnerapi.NetworkError{Host: "api.zapier.com", Err: errors.New("timeout")}}, []string{"api.zapier.com", "did not answer in time", "3 times"}},
		{"an unreadable answer", &partnerapi.BadResponseError{Path: "/v1/zaps", Reason: "not a page of objects"}, []string{"/v1/zaps", "cannot read", "technical lead"}},
		{"a page sent twice", partnerapi.ErrPagingLoop, []string{"same page", "Try again later"}},
		{"a next link that comes back", &partnerapi.PagingError{Reason: partnerapi.ErrPagingLoop, What: "Zapier kept sending the same page", Pages: 3, Items: 250},
			[]string{"Zapier kept sending the same page; stopped after 3 pages and 250 rows.", "Try again later"}},
		{"empty pages without end", &partnerapi.PagingError{Reason: partnerapi.ErrPagingLoop, What: "Zapier kept sending empty pages that said more would follow", Pages: 3},
			[]string{"empty pages", "stopped after 3 pages and 0 rows", "Try again later"}},
		{"a list past the bounds", &partnerapi.PagingError{Reason: partnerapi.ErrListTooLong, What: "the list has more than 10,000 pages", Pages: 10000, Items: 1000000},
			[]string{"The list has more than 10,000 pages; stopped after 10,000 pages and 1,000,000 rows.", "narrow the list with a filter"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := Message(c.err)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("Message = %q, want it to contain %q", msg, w)
				}
			}
		})
	}
	if errors.Is(&partnerapi.APIError{Status: 401, Sent: partnerapi.CredentialClientID}, partnerapi.ErrTokenRejected) {
		t.Error("a refused client_id reads as a rejected token: the app would ask to sign in again for nothing")
	}
}
