//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"partnerdesk/internal/partnerapi"
)

// The resource browser in the real app, driven from the keyboard only: sign
// in, open Zaps, load all 10,000, filter them, and leave a screenshot.

// browseFilter is a word of the sandbox's Zap titles and app names that only
// some of them hold: Zaps to or from the fictional Kanbanly.
const browseFilter = "kanbanly"

func TestBrowseLoadsAllTenThousandZapsAndFiltersThem(t *testing.T) {
	o := newOperator(t)
	base := o.sandboxWith("auto", "--zaps", "10000")
	id := o.addProfile("Acme", base, registeredRedirect)

	app := o.command(t.Context())
	var appLog strings.Builder
	app.Stderr = &appLog
	// WebKit's helper processes inherit the log pipe: do not wait on them
	// for long once the app is gone.
	app.WaitDelay = 10 * time.Second
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Process.Kill(); app.Wait() })
	main := waitWindow(t, "^Partnerdesk$", 30*time.Second)
	start := time.Now()
	step := func(what string) { t.Logf("%5.1fs %s", time.Since(start).Seconds(), what) }

	// Sign in as an operator does: Ctrl+Enter on the profile's card. The
	// page may still be loading when the window maps, and the sandbox
	// approves at once, so the sign-in window may come and go between two
	// looks: watch the keychain, and press again only while no sign-in
	// window is open and the last press is a while ago (the card ignores a
	// press while a sign-in runs).
	var token string
	var pressed time.Time
	eventually(t, 90*time.Second, "signing in through the app", func() bool {
		if token = keychainSecret(t, id); token != "" {
			return true
		}
		if findWindow("Partnerdesk sign-in") == "" && time.Since(pressed) > 3*time.Second {
			key(t, main, "ctrl+Return")
			pressed = time.Now()
		}
		return false
	})
	eventually(t, 30*time.Second, "the app recording the sign-in", func() bool {
		var status struct {
			Identity *struct{} `json:"identity"`
		}
		r := o.run("status", "--profile", "Acme", "--offline", "--json")
		return json.Unmarshal([]byte(r.stdout), &status) == nil && status.Identity != nil && findWindow("Partnerdesk sign-in") == ""
	})

	// Browse (Ctrl+2). The first resource the profile can read, its Profile,
	// opens and loads by itself: once it is cached, the list is on the page.
	step("signed in")
	key(t, main, "ctrl+2")
	eventually(t, 30*time.Second, "Browse opening on the profile's first resource", func() bool {
		_, err := os.Stat(o.cacheFile(id, "v1-profiles-me"))
		return err == nil
	})
	step("Browse open")

	// F6 goes to the resource list; typing a name finds it; Enter opens it.
	key(t, main, "F6")
	typeText(t, main, "zaps")
	key(t, main, "Return")
	zapsFile := o.cacheFile(id, "v1-zaps")
	eventually(t, 30*time.Second, "the first page of Zaps", func() bool {
		e, ok := readCache(t, zapsFile)
		return ok && len(e.Items) > 0
	})
	step("the first page of Zaps loaded")

	// Load all (Ctrl+L). The page may not have taken the first page in yet
	// (Go writes the cache just before it sends the last page), and Ctrl+L
	// does nothing while a load runs or once all is in: pressing again
	// while the cache is short is safe.
	var all cacheEntry
	var lastPress time.Time
	var lastMod time.Time
	eventually(t, 3*time.Minute, "all 10,000 Zaps loaded and cached", func() bool {
		if fi, err := os.Stat(zapsFile); err == nil && !fi.ModTime().Equal(lastMod) {
			lastMod = fi.ModTime()
			if e, ok := readCache(t, zapsFile); ok {
				all = e
			}
		}
		if all.Complete && len(all.Items) == 10_000 {
			return true
		}
		if time.Since(lastPress) > 5*time.Second {
			key(t, main, "ctrl+l")
			lastPress = time.Now()
		}
		return false
	})
	step("all 10,000 Zaps loaded")
	if all.Total != 10_000 {
		t.Errorf("the cache says the list holds %d Zaps, the sandbox has 10,000", all.Total)
	}

	// What the filter has to keep: the rows whose cells hold the word, in
	// the API's order, as the page computes them.
	ep, ok := partnerapi.EndpointByID("v1/zaps")
	if !ok {
		t.Fatal("partnerapi knows no v1/zaps")
	}
	ids := map[string]bool{}
	var matches []string // ids, in order
	for _, it := range all.Items {
		r := ep.Row(it)
		ids[r.ID] = true
		cells := make([]string, 0, len(r.Cells))
		for _, c := range r.Cells {
			cells = append(cells, c)
		}
		if strings.Contains(strings.ToLower(strings.Join(cells, "\x00")), browseFilter) {
			matches = append(matches, r.ID)
		}
	}
	if len(ids) != 10_000 {
		t.Errorf("the cache holds %d distinct Zaps, want 10,000", len(ids))
	}
	if len(matches) == 0 || len(matches) == len(all.Items) {
		t.Fatalf("%q matches %d of %d Zaps: pick a word that matches some of them", browseFilter, len(matches), len(all.Items))
	}
	t.Logf("%q matches %d of %d Zaps: the count should read %d of 10000 (digits grouped as the locale does)",
		browseFilter, len(matches), len(all.Items), len(matches))

	// Filter (Ctrl+F).
	key(t, main, "ctrl+f")
	typeText(t, main, browseFilter)
	step("filtered")

	// The picture is for people: it should show the filtered table and
	// "N of 10000". The pointer goes out of the way (no hover, no tooltip),
	// and WebKit gets a moment to paint (Xvfb shows a stale frame
	// otherwise); nothing is asserted on time.
	exec.Command("xdotool", "mousemove", "0", "0").Run()
	time.Sleep(2 * time.Second)
	path := screenshot(t, "browse-10000-filtered.png")
	t.Logf("screenshot of the filtered Zaps: %s", path)

	// Enter hands over from the filter to the table with the first match
	// selected; Ctrl+C copies the selected row through Go; End goes to the
	// last one. What reaches the clipboard is the filter's first and last
	// row: the filtered table, checked without reading pixels.
	key(t, main, "Return")
	if got := copySelectedRow(t, main); got != matches[0] {
		t.Errorf("the first filtered row is Zap %s, want %s (the first of the %d that hold %q)", got, matches[0], len(matches), browseFilter)
	}
	key(t, main, "End")
	if got := copySelectedRow(t, main); got != matches[len(matches)-1] {
		t.Errorf("the last filtered row is Zap %s, want %s", got, matches[len(matches)-1])
	}

	if hits := o.leaks(token); len(hits) > 0 {
		t.Errorf("the token was written outside the keychain, in: %v", hits)
	}
	if strings.Contains(appLog.String(), token) {
		t.Error("the app printed the token to its log")
	}
}

// cacheFile is where the app keeps the last result of a resource for a
// profile (internal/cache: the resource id with its slashes as dashes).
func (o *operator) cacheFile(profileID, key string) string {
	return filepath.Join(o.dirs["XDG_CACHE_HOME"], "partnerdesk", profileID, key+".json")
}

// cacheEntry is the part of internal/cache's file the test reads.
type cacheEntry struct {
	Complete bool              `json:"complete"`
	Total    int               `json:"total"`
	Items    []json.RawMessage `json:"items"`
}

// readCache reads a cache file; false while it is not there. The app
// replaces the file whole (rename), so a read never sees half of one.
func readCache(t *testing.T, path string) (cacheEntry, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return cacheEntry{}, false
	}
	var e cacheEntry
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("%s is not the cache's JSON: %v", path, err)
	}
	return e, true
}

// typeText types text into a window after giving it the focus.
func typeText(t *testing.T, window, text string) {
	t.Helper()
	if out, err := exec.Command("xdotool", "windowactivate", "--sync", window).CombinedOutput(); err != nil {
		t.Fatalf("xdotool windowactivate: %v\n%s", err, out)
	}
	if out, err := exec.Command("xdotool", "type", "--clearmodifiers", "--delay", "40", text).CombinedOutput(); err != nil {
		t.Fatalf("xdotool type: %v\n%s", err, out)
	}
}

// copySelectedRow presses Ctrl+C in the table and returns the id of the Zap
// that reached the clipboard.
func copySelectedRow(t *testing.T, window string) string {
	t.Helper()
	const before = "nothing copied yet"
	// xclip stays behind to serve the selection: it must not hold a pipe of ours.
	set := exec.Command("xclip", "-selection", "clipboard")
	set.Stdin = strings.NewReader(before)
	if err := set.Run(); err != nil {
		t.Fatalf("xclip: %v", err)
	}
	key(t, window, "ctrl+c")
	var text string
	eventually(t, 15*time.Second, "a row on the clipboard", func() bool {
		out, err := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		text = string(out)
		return err == nil && text != before && text != ""
	})
	var zap struct {
		ID json.Number `json:"id"`
	}
	if err := json.Unmarshal([]byte(text), &zap); err != nil || zap.ID == "" {
		t.Fatalf("the clipboard holds no Zap: %v\n%.300s", err, text)
	}
	return zap.ID.String()
}
