package profiles

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAnExportedProfileImportsAsTheSameSettingsWithoutTokenFacts(t *testing.T) {
	now := time.Now()
	p := Profile{ID: "p_123456789abc", Name: "Acme", ClientID: "abc", RedirectURI: "https://acme.example/cb",
		AuthorizeURL: "https://zapier.com/oauth/authorize/", APIBaseURL: "https://api.zapier.com", Scopes: []string{"zap", "profile"},
		Token: TokenMeta{SignedIn: true, ObtainedAt: &now, Identity: &Identity{FullName: "Ada", Email: "ada@acme.example"}}}
	data, err := Export(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, secretish := range []string{"p_123456789abc", "Ada", "ada@acme.example", "signed_in", "token"} {
		if strings.Contains(string(data), secretish) {
			t.Errorf("the exported file holds %q:\n%s", secretish, data)
		}
	}
	got, err := Import(data)
	if err != nil {
		t.Fatal(err)
	}
	want := p
	want.ID, want.Token = "", TokenMeta{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Import(Export(p)) = %+v, want %+v", got, want)
	}
}

func TestImportRefusesWhatIsNotAGoodProfile(t *testing.T) {
	cases := map[string]string{
		"not JSON":              "hello",
		"another JSON document": `{"name":"x"}`,
		"an unknown field (a token, say)": `{"format":"partnerdesk-profile","version":1,"name":"x","client_id":"c",` +
			`"redirect_uri":"https://a.example/cb","access_token":"secret"}`,
		"a newer version":       `{"format":"partnerdesk-profile","version":9,"name":"x","client_id":"c","redirect_uri":"https://a.example/cb"}`,
		"a plain-http redirect": `{"format":"partnerdesk-profile","version":1,"name":"x","client_id":"c","redirect_uri":"http://a.example/cb"}`,
		"no client id":          `{"format":"partnerdesk-profile","version":1,"name":"x","redirect_uri":"https://a.example/cb"}`,
		"a huge file":           `{"format":"partnerdesk-profile","name":"` + strings.Repeat("x", 70000) + `"}`,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := Import([]byte(data)); !errors.Is(err, ErrInvalid) {
				t.Errorf("Import = %v, want ErrInvalid", err)
			}
		})
	}
}
