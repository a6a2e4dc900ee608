//go:build e2e

package e2e

import (
	"os/exec"
	"slices"
	"strings"

	"partnerdesk/e2e/atspi"
)

// Keyboard (issue 11 item 3): on a screen, Tab moves the focus through every
// control in reading order, and no control is left that only a mouse
// reaches. The screens are reached by the scenario tests, which call
// checkTabOrder on each.

// groupRoles are composite controls whose members share one Tab stop and
// are reached from it with the arrow keys (ARIA's roving tab index): the
// group counts as reached when one member is.
var groupRoles = map[string]bool{"page tab list": true, "list box": true, "tree": true, "menu": true, "menu bar": true, "radio group": true}

// tabStop is one control an operator must reach with Tab.
type tabStop struct {
	key   string // the node's reference, or its group's
	name  string // role and label, for messages
	order int    // position in the reading order
}

// tabStops lists the visible, enabled controls of the main window in
// reading order.
func tabStops(bus *atspi.Bus, nodes []atspi.Node) []tabStop {
	var stops []tabStop
	seen := map[string]bool{}
	for i, n := range nodes {
		if !(interactiveRoles[n.Role] || isField(n)) || !n.States.Is(atspi.StateVisible|atspi.StateShowing) ||
			!(n.States.Is(atspi.StateEnabled) || n.States.Is(atspi.StateSensitive)) || hiddenByParent(nodes, n) {
			continue
		}
		key, name := n.Ref.String(), n.Role+" "+quote(bus.Label(n))
		if g := groupOf(nodes, n); g >= 0 {
			key, name = nodes[g].Ref.String(), nodes[g].Role+" "+quote(nodes[g].Name)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		stops = append(stops, tabStop{key: key, name: name, order: i})
	}
	return stops
}

func groupOf(nodes []atspi.Node, n atspi.Node) int {
	for p := n.Parent; p >= 0; p = nodes[p].Parent {
		if groupRoles[nodes[p].Role] {
			return p
		}
	}
	return -1
}

// hiddenByParent: a control under a node of the page no longer showing (a
// closed <details>, say) is not on the screen. (GTK's containers above the
// page say nothing of showing.)
func hiddenByParent(nodes []atspi.Node, n atspi.Node) bool {
	for p := n.Parent; p > 0 && nodes[p].Role != "document web"; p = nodes[p].Parent {
		if !nodes[p].States.Is(atspi.StateShowing) {
			return true
		}
	}
	return false
}

// checkTabOrder presses Tab in the main window (xdotool: real key presses)
// until the focus has gone round the page once from its top, reading after
// each press which node holds the focus, and fails on a control never
// focused and on a Tab that goes back up the reading order (a positive
// tabindex, say). Members of a group (page tabs) share one stop.
func (s *screen) checkTabOrder(screenName string) {
	s.t.Helper()
	win := s.mainWindow()
	nodes := s.bus.Walk(win)
	stops := tabStops(s.bus, nodes)
	if len(stops) == 0 {
		s.t.Fatalf("on %s the tree shows no control at all:\n%s", screenName, atspi.Dump(nodes))
	}
	position := map[string]int{}
	for i, n := range nodes {
		position[n.Ref.String()] = i
	}
	keyOf := map[string]string{} // node reference -> its tab stop's key
	for _, n := range nodes {
		keyOf[n.Ref.String()] = n.Ref.String()
		if g := groupOf(nodes, n); g >= 0 {
			keyOf[n.Ref.String()] = nodes[g].Ref.String()
		}
	}
	xid := findWindow("^Partnerdesk$")
	if xid == "" {
		s.t.Fatal("no X window named Partnerdesk")
	}
	if out, err := exec.Command("xdotool", "windowactivate", "--sync", xid).CombinedOutput(); err != nil {
		s.t.Fatalf("xdotool windowactivate: %v\n%s", err, out)
	}
	// Start at the first control in reading order.
	first := nodes[stops[0].order]
	if err := s.bus.Focus(first); err != nil {
		s.t.Fatal(err)
	}

	// The focus, press after press: node references, "" when no node in
	// the page holds it. At the end of the page the focus passes out of it
	// (""), and the next Tab comes back in at the top: the round from there
	// until a control comes round again is the page's Tab order. WebKitGTK
	// sometimes takes the focus straight from the last control back to the
	// first, never showing it outside the page: coming back to the first
	// control is a wrap too.
	var seen, round []string
	wrapped := false
	limit := len(stops)*2 + 12
	for press := 0; ; press++ {
		if press == limit {
			s.t.Errorf("on %s, %d presses of Tab never went round the page; the focus went: %s",
				screenName, limit, strings.Join(s.namesOf(nodes, seen), ", "))
			return
		}
		if out, err := exec.Command("xdotool", "key", "--clearmodifiers", "Tab").CombinedOutput(); err != nil {
			s.t.Fatalf("xdotool key Tab: %v\n%s", err, out)
		}
		focused := s.focused(win)
		if focused == "" {
			wrapped = wrapped || len(seen) > 0
			continue
		}
		if len(seen) > 0 && keyOf[focused] == stops[0].key {
			wrapped = true
		}
		seen = append(seen, focused)
		if !wrapped {
			continue
		}
		if slices.Contains(round, focused) {
			break
		}
		round = append(round, focused)
	}
	reached := map[string]bool{}
	for _, f := range seen {
		reached[keyOf[f]] = true
	}
	// A control gone meanwhile (a toast that timed out) is not missed.
	still := map[string]bool{}
	for _, st := range tabStops(s.bus, s.bus.Walk(win)) {
		still[st.key] = true
	}
	var never []string
	for _, st := range stops {
		if !reached[st.key] && still[st.key] {
			never = append(never, st.name)
		}
	}
	if len(never) > 0 {
		s.t.Errorf("on %s, Tab never reaches:\n  %s\nthe focus went round: %s", screenName,
			strings.Join(never, "\n  "), strings.Join(s.namesOf(nodes, round), ", "))
	}

	// In reading order: from the top of the page each Tab goes further down.
	var order []int
	for _, f := range round {
		if p, ok := position[f]; ok {
			order = append(order, p)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			s.t.Errorf("on %s, Tab goes from %s back up to %s (reading order: %s)", screenName,
				nodes[order[i-1]], nodes[order[i]], strings.Join(s.namesOf(nodes, orderRefs(nodes, order)), ", "))
			break
		}
	}
	s.t.Logf("on %s, Tab went round %d stops, %d controls", screenName, len(round), len(stops))
}

func orderRefs(nodes []atspi.Node, order []int) []string {
	var refs []string
	for _, i := range order {
		refs = append(refs, nodes[i].Ref.String())
	}
	return refs
}

// focused returns the reference of the node in the page (under the main
// window's document) that holds the keyboard focus, or "". GTK's own
// containers around the page are left out: one of them says focused
// whenever the page has the focus.
func (s *screen) focused(root atspi.Node) string {
	page := -1
	for _, n := range s.bus.Walk(root) {
		switch {
		case n.Role == "document web" && page < 0:
			page = n.Depth
		case page >= 0 && n.Depth <= page:
			return ""
		case page >= 0 && n.States.Is(atspi.StateFocused):
			return n.Ref.String()
		}
	}
	return ""
}

// namesOf names nodes by reference for messages.
func (s *screen) namesOf(nodes []atspi.Node, refs []string) []string {
	var out []string
	for _, r := range refs {
		name := r
		for _, n := range nodes {
			if n.Ref.String() == r {
				name = n.Role + " " + quote(s.bus.Label(n))
				break
			}
		}
		out = append(out, name)
	}
	return out
}
