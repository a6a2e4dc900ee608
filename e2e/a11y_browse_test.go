//go:build e2e

package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Browse through the accessibility tree: the Browse tab, a list with its
// row count, then Load all against a sandbox that soon says "too many
// requests": the progress, the wait's countdown, and Cancel.
func TestA11yBrowseLoadAllWaitAndCancel(t *testing.T) {
	step := timed(t)
	o := newOperator(t)
	// 12 requests a minute: Load all of 3,000 Zaps (at most 100 a page)
	// runs into the limit after some pages, and the app waits.
	base := o.sandboxWith("auto", "--zaps", "3000", "--apps", "7", "--rate-limit", "12")
	o.addProfile("Acme", base, registeredRedirect)
	s := o.startApp()
	s.press("push button", "Sign in")
	s.waitText("Signed in as ")
	step("signed in")

	s.press("page tab", "Browse")
	s.find("push button", "Zaps")
	s.checkNames("Browse")
	step("Browse open")

	s.press("push button", "Apps")
	s.waitText("7 rows")
	s.checkNames("a list of Apps")
	step("Apps: 7 rows")

	s.press("push button", "Zaps")
	m := s.waitMatch(number + ` of ` + number + ` loaded`)
	if first, all := count(t, m[1]), count(t, m[2]); first == 0 || first >= 3000 || all != 3000 {
		t.Errorf("the Zaps list says %q: want the first page of 3000", m[0])
	}
	step("Zaps: the first page")

	s.press("push button", "Load all")
	s.find("progress bar", "Loading all Zaps")
	s.checkNames("Load all in progress")
	s.waitText("Zapier asked us to wait", "retrying in ")
	s.checkNames("the wait for Zapier")
	step("Load all waits for the rate limit")
	s.press("push button", "Cancel")
	s.waitText("Loading stopped.")
	m = s.waitMatch(`Showing the ` + number + ` rows loaded before you stopped it`)
	s.waitGone("progress bar", "Loading all Zaps")
	step("cancelled")
	kept := count(t, m[1])
	if kept <= 100 || kept >= 3000 {
		t.Errorf("Load all stopped with %d rows: want more than the first page and less than all", kept)
	}
	s.find("push button", "Load all again")
	s.checkNames("Load all cancelled")

	// Go keeps the items: the detail asks for its row's JSON when it opens
	// (Ctrl+F, Down to the table's first row, Enter), the JSON view for the
	// rows', and Copy has Go put them on the clipboard.
	win := waitWindow(t, "^Partnerdesk$", 30*time.Second)
	key(t, win, "ctrl+f", "Down", "Return")
	s.find("section", "Raw JSON")
	s.waitText(`"title":`)
	s.checkNames("a row in detail")
	key(t, win, "Escape")
	s.waitGone("section", "Raw JSON")
	step("a row in detail")

	s.press("toggle button", "JSON")
	s.waitText("Copy", `"title":`)
	set := exec.Command("xclip", "-selection", "clipboard")
	set.Stdin = strings.NewReader("nothing copied yet")
	if err := set.Run(); err != nil {
		t.Fatalf("xclip: %v", err)
	}
	s.press("push button", "Copy")
	s.eventually("the rows as a JSON array on the clipboard", func() bool {
		out, err := exec.Command("xclip", "-o", "-selection", "clipboard").Output()
		return err == nil && strings.HasPrefix(string(out), "[") && strings.Contains(string(out), `"title":`)
	})
	s.press("toggle button", "Selected row")
	s.checkNames("the JSON view")
	s.press("toggle button", "Table")
	step("the JSON view, copied")

	// Moving to another list releases this one (Go drops its items); coming
	// back reopens it: a list not loaded whole loads its first page again.
	s.press("push button", "Apps")
	s.waitText("7 rows")
	s.press("push button", "Zaps")
	s.waitMatch(number + ` of ` + number + ` loaded`)
	step("Zaps again after Apps")
}
