package oauth

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestRequestURLBuildsTheAuthorizeAddress(t *testing.T) {
	t.Parallel()
	base := Request{
		ClientID:    "client-1",
		RedirectURI: "https://partner.invalid/oauth/callback",
		Scopes:      []string{"zap", "profile"},
		State:       "S",
	}
	with := func(change func(*Request)) Request {
		r := base
		change(&r)
		return r
	}
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{
			name: "default authorize URL, scopes joined with %20 and approval_prompt left out",
			req:  base,
			want: "https://zapier.com/oauth/authorize/?client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&scope=zap%20profile&state=S",
		},
		{
			name: "every parameter is percent-encoded, including a redirect_uri with its own query",
			req: Request{
				ClientID:    "abc 123&x=y",
				RedirectURI: "https://partner.invalid/cb?x=1&y=a b",
				Scopes:      []string{"zap:all", "a+b"},
				Prompt:      PromptAuto,
				State:       "S/+=?&#",
			},
			want: "https://zapier.com/oauth/authorize/?client_id=abc%20123%26x%3Dy&redirect_uri=https%3A%2F%2Fpartner.invalid%2Fcb%3Fx%3D1%26y%3Da%20b&response_type=token&scope=zap%3Aall%20a%2Bb&approval_prompt=auto&state=S%2F%2B%3D%3F%26%23",
		},
		{
			name: "one scope element holding two scopes is split the same way",
			req:  with(func(r *Request) { r.Scopes = []string{" zap  profile ", "zap"} }),
			want: "https://zapier.com/oauth/authorize/?client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&scope=zap%20profile&state=S",
		},
		{
			name: "no scopes leave the scope parameter out",
			req:  with(func(r *Request) { r.Scopes = []string{" ", ""} }),
			want: "https://zapier.com/oauth/authorize/?client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&state=S",
		},
		{
			name: "approval_prompt auto is sent",
			req:  with(func(r *Request) { r.Prompt = PromptAuto }),
			want: "https://zapier.com/oauth/authorize/?client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&scope=zap%20profile&approval_prompt=auto&state=S",
		},
		{
			name: "approval_prompt force is sent",
			req:  with(func(r *Request) { r.Prompt = PromptForce }),
			want: "https://zapier.com/oauth/authorize/?client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&scope=zap%20profile&approval_prompt=force&state=S",
		},
		{
			name: "a custom authorize URL keeps its own query parameters first",
			req:  with(func(r *Request) { r.AuthorizeURL = "http://127.0.0.1:8080/oauth/authorize/?tenant=a%20b&x=1" }),
			want: "http://127.0.0.1:8080/oauth/authorize/?tenant=a%20b&x=1&client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&scope=zap%20profile&state=S",
		},
		{
			name: "a custom authorize URL ending in ? gets no empty parameter",
			req:  with(func(r *Request) { r.AuthorizeURL = "https://sandbox.test/oauth/authorize/?" }),
			want: "https://sandbox.test/oauth/authorize/?client_id=client-1&redirect_uri=https%3A%2F%2Fpartner.invalid%2Foauth%2Fcallback&response_type=token&scope=zap%20profile&state=S",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.req.URL()
			if err != nil {
				t.Fatalf("URL() error: %v", err)
			}
			if got != tt.want {
				t.Errorf("URL() =\n %s\nwant\n %s", got, tt.want)
			}
		})
	}
}

func TestRequestURLRoundTripsEveryValueAndNeverWritesPlus(t *testing.T) {
	t.Parallel()
	req := Request{
		ClientID:    "id with spaces+plus",
		RedirectURI: "http://127.0.0.1:47401/oauth/callback?next=/a b&c=d",
		Scopes:      []string{"zap", "profile", "zap:account:all"},
		Prompt:      PromptForce,
		State:       "état+/=",
	}
	got, err := req.URL()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(u.RawQuery, "+") {
		t.Errorf("query contains '+': %s", u.RawQuery)
	}
	want := url.Values{
		"client_id":       {req.ClientID},
		"redirect_uri":    {req.RedirectURI},
		"response_type":   {"token"},
		"scope":           {"zap profile zap:account:all"},
		"approval_prompt": {"force"},
		"state":           {req.State},
	}
	if q := u.Query(); !reflect.DeepEqual(q, want) {
		t.Errorf("parsed query = %v, want %v", q, want)
	}
}

func TestRequestURLRefusesIncompleteOrUnsafeRequests(t *testing.T) {
	t.Parallel()
	ok := Request{ClientID: "c", RedirectURI: "https://partner.invalid/cb", State: "S"}
	tests := []struct {
		name   string
		change func(*Request)
		words  string // part of the operator message
	}{
		{"a missing client ID", func(r *Request) { r.ClientID = "" }, "client ID"},
		{"a blank client ID", func(r *Request) { r.ClientID = "  " }, "client ID"},
		{"a missing redirect address", func(r *Request) { r.RedirectURI = "" }, "redirect address"},
		{"a missing state", func(r *Request) { r.State = "" }, "security code"},
		{"an unknown approval prompt", func(r *Request) { r.Prompt = "always" }, "approval prompt"},
		{"a relative authorize URL", func(r *Request) { r.AuthorizeURL = "/oauth/authorize/" }, "full web address"},
		{"an authorize URL without scheme", func(r *Request) { r.AuthorizeURL = "zapier.com/oauth/authorize/" }, "full web address"},
		{"an ftp authorize URL", func(r *Request) { r.AuthorizeURL = "ftp://zapier.com/oauth/authorize/" }, "https://"},
		{"an opaque authorize URL", func(r *Request) { r.AuthorizeURL = "https:zapier.com/oauth/authorize/" }, "https://"},
		{"an unparsable authorize URL", func(r *Request) { r.AuthorizeURL = "https://[zapier.com/" }, "https://"},
		{"an authorize URL with a user name", func(r *Request) { r.AuthorizeURL = "https://me@zapier.com/oauth/authorize/" }, "user name"},
		{"an authorize URL with a fragment", func(r *Request) { r.AuthorizeURL = "https://zapier.com/oauth/authorize/#x" }, "#"},
		{"an authorize URL that already sets client_id", func(r *Request) { r.AuthorizeURL = "https://zapier.com/oauth/authorize/?client_id=other" }, "client_id"},
		{"an authorize URL that already sets state", func(r *Request) { r.AuthorizeURL = "https://zapier.com/oauth/authorize/?state=x" }, "state"},
		{"an authorize URL with a damaged query", func(r *Request) { r.AuthorizeURL = "https://zapier.com/oauth/authorize/?a=%zz" }, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ok
			tt.change(&r)
			got, err := r.URL()
			if err == nil {
				t.Fatalf("URL() = %q, want an error", got)
			}
			if !strings.Contains(err.Error(), tt.words) {
				t.Errorf("error %q does not mention %q", err, tt.words)
			}
		})
	}
}
