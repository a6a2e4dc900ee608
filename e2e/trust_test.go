//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeProfileFile writes a profile file signing in at base (the sandbox:
// a host outside Zapier), as a colleague would send it.
func writeProfileFile(t *testing.T, name, base string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name+".pdprofile")
	data := `{"format": "partnerdesk-profile", "version": 1, "name": "` + name + `", "client_id": "` + sandboxClient + `",
		"redirect_uri": "` + registeredRedirect + `", "authorize_url": "` + base + `/oauth/authorize/", "api_base_url": "` + base + `"}`
	if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// A profile file that sends the sign-in outside Zapier is added only after
// the operator trusts its host, whether it was double-clicked (the file is
// the app's argument) or handed to a running app by a second launch.
func TestAProfileFileNamingAnotherHostAsksFirstHoweverItArrives(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("auto")
	host := strings.TrimPrefix(base, "http://")
	file := writeProfileFile(t, "Colleague", base)
	listed := func() bool { return strings.Contains(o.run("profile", "list", "--json").stdout, `"Colleague"`) }

	s := o.startApp(file) // a double-click
	d := s.dialog("Import “Colleague”?")
	s.waitText(host+" gets the password page and the token", "Colleague.pdprofile")
	s.checkNames("the import trust dialog")
	if listed() {
		t.Fatal("the profile was added before the operator answered")
	}
	s.pressIn(d, "push button", "Cancel")
	s.waitGone("dialog", "Import “Colleague”?")
	if listed() {
		t.Fatal("Cancel added the profile")
	}

	// A second launch with the file hands it to the running app.
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	o.command(ctx, file).Run()
	d = s.dialog("Import “Colleague”?")
	if listed() {
		t.Fatal("the second launch added the profile before the operator answered")
	}
	s.pressIn(d, "push button", "Trust "+host+" and import")
	s.eventually("the profile being added", listed)
	s.waitText("This profile sends your sign-in to " + host)
}

// deadKeychainBus starts a private D-Bus session bus that has no Secret
// Service and can start none (it knows no service files), and returns its
// address.
func deadKeychainBus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	config := filepath.Join(dir, "bus.conf")
	err := os.WriteFile(config, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+config, "--nofork", "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	address, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(address)
}

func TestProfileRemoveWithoutASecretService(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("auto")
	signedInID := o.addProfile("Signed in", base, registeredRedirect)
	o.addProfile("Never signed in", base, registeredRedirect)
	if r := o.run("login", "--profile", "Signed in", "--timeout", "60s"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	token := keychainSecret(t, signedInID)
	if token == "" {
		t.Fatal("no token in the keychain after login")
	}
	dead := []string{"DBUS_SESSION_BUS_ADDRESS=" + deadKeychainBus(t)}
	if r := o.runWith(nil, dead, "token", "--profile", "Signed in"); r.code != 5 {
		t.Fatalf("token on the bus without a Secret Service: exit %d, want 5 (the bus is not dead?)\n%s", r.code, r.stderr)
	}

	if r := o.runWith(nil, dead, "profile", "remove", "Never signed in"); r.code != 0 {
		t.Errorf("removing a profile with no token without a keychain: exit %d\n%s", r.code, r.stderr)
	}
	r := o.runWith(nil, dead, "profile", "remove", "Signed in")
	if r.code != 5 || !strings.Contains(r.stderr, "--keep-token") || !strings.Contains(r.stderr, "keychain") {
		t.Errorf("removing a signed-in profile without a keychain: exit %d, want 5 naming --keep-token\n%s", r.code, r.stderr)
	}
	if !strings.Contains(o.run("profile", "list").stdout, "Signed in") {
		t.Fatal("the refused remove removed the profile")
	}
	r = o.runWith(nil, dead, "profile", "remove", "Signed in", "--keep-token")
	if r.code != 0 || !strings.Contains(r.stderr, "left in your keychain") {
		t.Errorf("remove --keep-token: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(o.run("profile", "list").stdout, "Signed in") {
		t.Error("--keep-token did not remove the profile")
	}
	if keychainSecret(t, signedInID) != token {
		t.Error("the token did not stay in the keychain")
	}
	exec.Command("secret-tool", "clear", "service", "partnerdesk", "username", signedInID).Run()
}

// Against the real keychain: pointing a signed-in profile at another API
// host signs it out first, so the old token never reaches that host.
func TestChangingTheAPIHostSignsOutFirst(t *testing.T) {
	o := newOperator(t)
	base := o.sandbox("auto")
	id := o.addProfile("Acme", base, registeredRedirect)
	if r := o.run("login", "--timeout", "60s"); r.code != 0 {
		t.Fatalf("login: exit %d\n%s", r.code, r.stderr)
	}
	var mu sync.Mutex
	requests, withAuth := 0, 0
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		if r.Header.Get("Authorization") != "" {
			withAuth++
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"objects":[],"next":null}`))
	}))
	defer elsewhere.Close()

	r := o.mustRun("profile", "add", "Acme", "--update", "--api-base", elsewhere.URL)
	if !strings.Contains(r.stderr, "Signed out because the profile's API base URL changed") {
		t.Errorf("the update did not say it signed out:\n%s", r.stderr)
	}
	if keychainSecret(t, id) != "" {
		t.Error("the token is still in the keychain")
	}
	if r := o.run("status"); r.code != 4 {
		t.Errorf("status: exit %d, want 4\n%s", r.code, r.stderr)
	}
	o.run("api", "/v2/apps")
	mu.Lock()
	defer mu.Unlock()
	if requests == 0 {
		t.Fatal("no call reached the new host, so the test shows nothing")
	}
	if withAuth != 0 {
		t.Errorf("the new host was sent %d Authorization headers", withAuth)
	}
}
