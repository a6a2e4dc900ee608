package logging

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestClientCredentialsAreScrubbedInTheirBasicForm(t *testing.T) {
	const id, secret = "partnerdesk-app", "cs-9Qz7Xv2Mn5Bt8Rj4Hd6Fg1Ys0UaLw3Kp"
	basic := base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
	AddClientCredentials(id, secret)
	t.Cleanup(func() {
		RemoveSecret(secret)
		RemoveSecret(basic)
	})
	// No "Basic " before it, so only the registered form can catch it: a
	// header value copied alone, or the credential in a trace.
	text := "auth=" + basic + " raw " + secret + " client " + id
	got := Redact(text)
	if strings.Contains(got, basic) || strings.Contains(got, secret) {
		t.Fatalf("Redact(%q) = %q: the client credentials are still there", text, got)
	}
	if !strings.Contains(got, id) {
		t.Errorf("Redact removed the client ID, which is no secret: %q", got)
	}
}
