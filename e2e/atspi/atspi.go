// Package atspi drives and reads a running application through its
// accessibility tree (AT-SPI over D-Bus), the way a screen reader does: find a
// control by role and accessible name, press it, type into a field, read the
// window's text. The e2e tests use it to operate the real app.
//
// It never uses screen coordinates, and it is not a general AT-SPI client:
// no events, no relations, no selection; only what the tests need. Every node
// is read afresh from the application (no cache), so a walk always shows what
// the page holds now.
package atspi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	ifaceAccessible   = "org.a11y.atspi.Accessible"
	ifaceAction       = "org.a11y.atspi.Action"
	ifaceText         = "org.a11y.atspi.Text"
	ifaceEditableText = "org.a11y.atspi.EditableText"
	ifaceComponent    = "org.a11y.atspi.Component"
	registryName      = "org.a11y.atspi.Registry"
	rootPath          = dbus.ObjectPath("/org/a11y/atspi/accessible/root")
)

// ErrNotFound is returned when no node matched before the deadline.
var ErrNotFound = errors.New("no such accessible")

// Bus is a connection to the accessibility bus of the current session.
type Bus struct {
	conn    *dbus.Conn
	address string
	// Poll is how long Find waits between two walks of the tree.
	Poll time.Duration
	// CallTimeout bounds each call to an application.
	CallTimeout time.Duration
}

// Connect asks the session bus (DBUS_SESSION_BUS_ADDRESS) for the address
// of the accessibility bus (org.a11y.Bus, started on demand) and connects to it.
func Connect() (*Bus, error) {
	session, err := dbus.SessionBusPrivate()
	if err != nil {
		return nil, fmt.Errorf("session bus: %w", err)
	}
	defer session.Close()
	if err := session.Auth(nil); err != nil {
		return nil, fmt.Errorf("session bus: %w", err)
	}
	if err := session.Hello(); err != nil {
		return nil, fmt.Errorf("session bus: %w", err)
	}
	var addr string
	if err := session.Object("org.a11y.Bus", "/org/a11y/bus").Call("org.a11y.Bus.GetAddress", 0).Store(&addr); err != nil {
		return nil, fmt.Errorf("ask for the accessibility bus (is at-spi2-core installed?): %w", err)
	}
	conn, err := dbus.Connect(addr)
	if err != nil {
		return nil, fmt.Errorf("accessibility bus %s: %w", addr, err)
	}
	return &Bus{conn: conn, address: addr, Poll: 200 * time.Millisecond, CallTimeout: 5 * time.Second}, nil
}

// Address is the accessibility bus's D-Bus address. An application on
// another session bus joins this one when its AT_SPI_BUS_ADDRESS says so.
func (b *Bus) Address() string { return b.address }

// Close ends the connection.
func (b *Bus) Close() error { return b.conn.Close() }

// Ref names one accessible object: the bus name of the process holding it
// and its object path.
type Ref struct {
	Dest string
	Path dbus.ObjectPath
}

func (r Ref) String() string { return r.Dest + string(r.Path) }

// Node is one accessible object as it was when it was read.
type Node struct {
	Ref
	Role       string   // AT-SPI role name, as libatspi writes it: "push button", "entry", "page tab", ...
	Name       string   // accessible name
	States     States   // states at the time of reading
	Interfaces []string // short names: "Action", "Text", "EditableText", "Component", ...
	Text       string   // the Text interface's content, when it has one (embedded objects removed)
	Depth      int      // 0 for the node the walk started from
	Parent     int      // index of the parent in the walk's result, -1 for the start
}

// Has reports whether the node implements an interface ("Action", "Text", ...).
func (n Node) Has(iface string) bool { return slices.Contains(n.Interfaces, iface) }

func (n Node) String() string {
	return fmt.Sprintf("%s %q [%s]", n.Role, n.Name, n.States)
}

// States is the AT-SPI state set, one bit per state.
type States uint64

// The states the tests look at (AtspiStateType).
const (
	StateActive     States = 1 << 1
	StateBusy       States = 1 << 3
	StateChecked    States = 1 << 4
	StateCollapsed  States = 1 << 5
	StateEditable   States = 1 << 7
	StateEnabled    States = 1 << 8
	StateExpandable States = 1 << 9
	StateExpanded   States = 1 << 10
	StateFocusable  States = 1 << 11
	StateFocused    States = 1 << 12
	StatePressed    States = 1 << 20
	StateSelected   States = 1 << 23
	StateSensitive  States = 1 << 24
	StateShowing    States = 1 << 25
	StateVisible    States = 1 << 30
	StateDefunct    States = 1 << 6
)

var stateNames = map[States]string{
	StateActive: "active", StateBusy: "busy", StateChecked: "checked", StateCollapsed: "collapsed",
	StateEditable: "editable", StateExpandable: "expandable",
	StateEnabled: "enabled", StateExpanded: "expanded", StateFocusable: "focusable",
	StateFocused: "focused", StatePressed: "pressed", StateSelected: "selected",
	StateSensitive: "sensitive", StateShowing: "showing", StateVisible: "visible", StateDefunct: "defunct",
}

// Is reports whether all the given states are set.
func (s States) Is(want States) bool { return s&want == want }

func (s States) String() string {
	var names []string
	for bit := States(1); bit != 0; bit <<= 1 {
		if s&bit != 0 {
			if n, ok := stateNames[bit]; ok {
				names = append(names, n)
			}
		}
	}
	return strings.Join(names, " ")
}

// App waits until an application whose accessible name starts with prefix
// (letter case ignored) is on the bus, and returns it.
func (b *Bus) App(ctx context.Context, prefix string) (Node, error) {
	for {
		apps, err := b.children(Ref{registryName, rootPath})
		if err == nil {
			for _, ref := range apps {
				n, err := b.read(ref, false)
				if err == nil && hasPrefixFold(n.Name, prefix) {
					return n, nil
				}
			}
		}
		if err := b.wait(ctx); err != nil {
			return Node{}, fmt.Errorf("application %q on the accessibility bus: %w", prefix, ErrNotFound)
		}
	}
}

// Walk reads the whole tree under root, parents before children, in the
// order of the children (reading order for a web page). Objects that vanish
// while it reads (the page changed) are left out with their subtrees.
func (b *Bus) Walk(root Node) []Node {
	root.Depth, root.Parent = 0, -1
	nodes := []Node{root}
	level := []int{0}
	for len(level) > 0 {
		// Read the children of a whole level at once: D-Bus round trips
		// dominate, and the application answers them one after another anyway.
		kids := make([][]Node, len(level))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 16)
		for i, idx := range level {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				refs, err := b.children(nodes[idx].Ref)
				if err != nil {
					return
				}
				out := make([]Node, len(refs))
				var inner sync.WaitGroup
				for j, ref := range refs {
					inner.Add(1)
					go func() {
						defer inner.Done()
						n, err := b.read(ref, true)
						if err != nil {
							n = Node{Ref: ref, Role: "defunct", States: StateDefunct}
						}
						out[j] = n
					}()
				}
				inner.Wait()
				kids[i] = out
			}()
		}
		wg.Wait()
		var next []int
		for i, idx := range level {
			for _, k := range kids[i] {
				if k.States.Is(StateDefunct) {
					continue
				}
				k.Depth = nodes[idx].Depth + 1
				k.Parent = idx
				nodes = append(nodes, k)
				next = append(next, len(nodes)-1)
			}
		}
		level = next
	}
	return inReadingOrder(nodes)
}

// inReadingOrder reorders a breadth-first walk depth-first (pre-order), so
// that the nodes come in the order a screen reader reads them.
func inReadingOrder(nodes []Node) []Node {
	children := make([][]int, len(nodes))
	for i, n := range nodes {
		if n.Parent >= 0 {
			children[n.Parent] = append(children[n.Parent], i)
		}
	}
	out := make([]Node, 0, len(nodes))
	newIndex := make([]int, len(nodes))
	var visit func(i, parent int)
	visit = func(i, parent int) {
		n := nodes[i]
		n.Parent = parent
		newIndex[i] = len(out)
		out = append(out, n)
		for _, c := range children[i] {
			visit(c, newIndex[i])
		}
	}
	if len(nodes) > 0 {
		visit(0, -1)
	}
	return out
}

// FindAll returns the nodes under root, in reading order, whose role is role
// ("" for any) and whose name starts with name ("" for any).
func (b *Bus) FindAll(root Node, role, name string) []Node {
	var out []Node
	for _, n := range b.Walk(root) {
		if matches(n, role, name) {
			out = append(out, n)
		}
	}
	return out
}

// Find waits until a visible node under root (shown, if maybe scrolled out
// of view) has the role and a name that starts with name, and returns the
// first in reading order.
func (b *Bus) Find(ctx context.Context, root Node, role, name string) (Node, error) {
	for {
		for _, n := range b.FindAll(root, role, name) {
			if n.States.Is(StateVisible) {
				return n, nil
			}
		}
		if err := b.wait(ctx); err != nil {
			return Node{}, fmt.Errorf("%s named %q: %w", role, name, ErrNotFound)
		}
	}
}

func matches(n Node, role, name string) bool {
	return (role == "" || n.Role == role) && strings.HasPrefix(n.Name, name)
}

// Press performs the node's default action ("click", "press", "activate",
// "jump" or else its first one), as a keyboard or a screen reader would.
func (b *Bus) Press(n Node) error {
	// One GetName call per action, not GetActions: WebKit 2.50 never answers
	// GetActions.
	var count int32
	v, err := b.prop(n.Ref, ifaceAction, "NActions")
	if err == nil {
		err = v.Store(&count)
	}
	if err != nil {
		return fmt.Errorf("actions of %s: %w", n, err)
	}
	if count == 0 {
		return fmt.Errorf("%s offers no action", n)
	}
	pick, pickName := int32(0), ""
	for i := range count {
		var name string
		if err := b.call(n.Ref, ifaceAction+".GetName", i).Store(&name); err != nil {
			return fmt.Errorf("actions of %s: %w", n, err)
		}
		if i == 0 {
			pickName = name
		}
		if slices.Contains([]string{"click", "press", "activate", "jump"}, strings.ToLower(name)) {
			pick, pickName = i, name
			break
		}
	}
	var ok bool
	if err := b.call(n.Ref, ifaceAction+".DoAction", pick).Store(&ok); err != nil {
		return fmt.Errorf("%s on %s: %w", pickName, n, err)
	}
	if !ok {
		return fmt.Errorf("%s on %s: refused", pickName, n)
	}
	return nil
}

// Label is what a screen reader names the node by: its accessible name or,
// without one, the names of the nodes it is labelled by (a GTK label
// pointing at its entry, say).
func (b *Bus) Label(n Node) string {
	if n.Name != "" {
		return n.Name
	}
	var relations []struct {
		Type    uint32
		Targets []struct {
			Dest string
			Path dbus.ObjectPath
		}
	}
	if err := b.call(n.Ref, ifaceAccessible+".GetRelationSet").Store(&relations); err != nil {
		return ""
	}
	const labelledBy = 2 // ATSPI_RELATION_LABELLED_BY
	var names []string
	for _, r := range relations {
		if r.Type != labelledBy {
			continue
		}
		for _, t := range r.Targets {
			if l, err := b.read(Ref{t.Dest, t.Path}, false); err == nil && l.Name != "" {
				names = append(names, l.Name)
			}
		}
	}
	return strings.Join(names, " ")
}

// Focus gives the node the keyboard focus. WebKit now and then refuses it
// while its window is still taking the focus (a toast appearing, say):
// Focus asks again for a few seconds before it says refused.
func (b *Bus) Focus(n Node) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		var ok bool
		if err := b.call(n.Ref, ifaceComponent+".GrabFocus").Store(&ok); err != nil {
			return fmt.Errorf("focus %s: %w", n, err)
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("focus %s: refused", n)
		}
		time.Sleep(b.Poll)
	}
}

// ErrNotEditable is returned by Type for a node without EditableText.
var ErrNotEditable = errors.New("not an editable text")

// Type replaces the field's text with text, as typing does: the page gets
// its input events. Callers fall back to the keyboard on ErrNotEditable.
func (b *Bus) Type(n Node, text string) error {
	ifaces, err := b.interfaces(n.Ref)
	if err != nil {
		return err
	}
	if !slices.Contains(ifaces, "EditableText") {
		return fmt.Errorf("type into %s: %w", n, ErrNotEditable)
	}
	var count int32
	if v, err := b.prop(n.Ref, ifaceText, "CharacterCount"); err == nil {
		v.Store(&count)
	}
	var ok bool
	if count > 0 {
		if err := b.call(n.Ref, ifaceEditableText+".DeleteText", int32(0), count).Store(&ok); err != nil {
			return fmt.Errorf("clear %s: %w", n, err)
		}
	}
	if text == "" {
		return nil
	}
	if err := b.call(n.Ref, ifaceEditableText+".InsertText", int32(0), text, int32(len([]rune(text)))).Store(&ok); err != nil {
		return fmt.Errorf("type into %s: %w", n, err)
	}
	if !ok {
		return fmt.Errorf("type into %s: refused", n)
	}
	return nil
}

// Text returns the node's text (Text interface) or, without one, its name.
func (b *Bus) Text(n Node) string {
	if t, err := b.text(n.Ref); err == nil {
		return t
	}
	return n.Name
}

// WindowText returns all the text of the tree under root, in reading order,
// one line per node: its name and its text, for assertions on what the page
// says.
func (b *Bus) WindowText(root Node) string {
	return TreeText(b.Walk(root))
}

// TreeText is WindowText for nodes already walked.
func TreeText(nodes []Node) string {
	var lines []string
	for _, n := range nodes {
		if !n.States.Is(StateVisible) && n.Depth > 0 {
			continue
		}
		parts := []string{}
		if n.Name != "" {
			parts = append(parts, n.Name)
		}
		if t := strings.TrimSpace(n.Text); t != "" && t != n.Name {
			parts = append(parts, t)
		}
		if len(parts) > 0 {
			lines = append(lines, strings.Join(parts, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// read fetches one node's role, name, states, interfaces and, with withText,
// its text.
func (b *Bus) read(ref Ref, withText bool) (Node, error) {
	n := Node{Ref: ref}
	name, err := b.prop(ref, ifaceAccessible, "Name")
	if err != nil {
		return n, err
	}
	name.Store(&n.Name)
	var role uint32
	if err := b.call(ref, ifaceAccessible+".GetRole").Store(&role); err != nil {
		return n, err
	}
	n.Role = fmt.Sprintf("role %d", role)
	if int(role) < len(roleNames) {
		n.Role = roleNames[role]
	}
	var bits []uint32
	if err := b.call(ref, ifaceAccessible+".GetState").Store(&bits); err != nil {
		return n, err
	}
	for i, w := range bits {
		n.States |= States(w) << (32 * i)
	}
	if n.Interfaces, err = b.interfaces(ref); err != nil {
		return n, err
	}
	if withText && n.Has("Text") {
		n.Text, _ = b.text(ref)
	}
	return n, nil
}

func (b *Bus) interfaces(ref Ref) ([]string, error) {
	var full []string
	if err := b.call(ref, ifaceAccessible+".GetInterfaces").Store(&full); err != nil {
		return nil, err
	}
	short := make([]string, len(full))
	for i, f := range full {
		short[i] = strings.TrimPrefix(f, "org.a11y.atspi.")
	}
	return short, nil
}

// text is the Text interface's content without the object replacement
// characters that stand for embedded children.
func (b *Bus) text(ref Ref) (string, error) {
	var s string
	if err := b.call(ref, ifaceText+".GetText", int32(0), int32(-1)).Store(&s); err != nil {
		return "", err
	}
	return strings.TrimSpace(strings.ReplaceAll(s, "\uFFFC", "")), nil
}

func (b *Bus) children(ref Ref) ([]Ref, error) {
	var kids []struct {
		Dest string
		Path dbus.ObjectPath
	}
	if err := b.call(ref, ifaceAccessible+".GetChildren").Store(&kids); err != nil {
		return nil, err
	}
	// GTK's bridge leaves out of GetChildren the web page a WebKit view
	// embeds from its web process (an ATK socket), but counts it and
	// answers GetChildAtIndex for it.
	var count int32
	if v, err := b.prop(ref, ifaceAccessible, "ChildCount"); err == nil && v.Store(&count) == nil && int(count) > len(kids) {
		kids = kids[:0]
		for i := range count {
			var k struct {
				Dest string
				Path dbus.ObjectPath
			}
			if err := b.call(ref, ifaceAccessible+".GetChildAtIndex", i).Store(&k); err != nil {
				return nil, err
			}
			kids = append(kids, k)
		}
	}
	out := make([]Ref, 0, len(kids))
	for _, k := range kids {
		// A null reference stands for a child that is gone.
		if k.Path == "/org/a11y/atspi/null" || k.Dest == "" {
			continue
		}
		out = append(out, Ref{k.Dest, k.Path})
	}
	return out, nil
}

// call calls a method of an object, giving up after CallTimeout: a web
// process busy with its page can leave a call unanswered.
func (b *Bus) call(ref Ref, method string, args ...any) *dbus.Call {
	ctx, cancel := context.WithTimeout(context.Background(), b.CallTimeout)
	defer cancel()
	return b.conn.Object(ref.Dest, ref.Path).CallWithContext(ctx, method, 0, args...)
}

// prop reads a property of an object.
func (b *Bus) prop(ref Ref, iface, name string) (dbus.Variant, error) {
	var v dbus.Variant
	err := b.call(ref, "org.freedesktop.DBus.Properties.Get", iface, name).Store(&v)
	return v, err
}

func (b *Bus) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(b.Poll):
		return nil
	}
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Dump formats a walk as an indented outline, one node a line, for test
// failures and for reading what a screen reader gets.
func Dump(nodes []Node) string {
	var sb strings.Builder
	for _, n := range nodes {
		fmt.Fprintf(&sb, "%s%s", strings.Repeat("  ", n.Depth), n)
		if n.Text != "" && n.Text != n.Name {
			t := n.Text
			if len(t) > 80 {
				t = t[:80] + "…"
			}
			fmt.Fprintf(&sb, " text=%q", t)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// AppOf waits until the process pid has an application on the bus whose
// name starts with prefix, and returns it. Tests use it so that an app left
// over from another test is never the one driven.
func (b *Bus) AppOf(ctx context.Context, pid int, prefix string) (Node, error) {
	for {
		apps, err := b.children(Ref{registryName, rootPath})
		if err == nil {
			for _, ref := range apps {
				var owner uint32
				err := b.call(Ref{"org.freedesktop.DBus", "/org/freedesktop/DBus"}, "org.freedesktop.DBus.GetConnectionUnixProcessID", ref.Dest).Store(&owner)
				if err != nil || int(owner) != pid {
					continue
				}
				n, err := b.read(ref, false)
				if err == nil && hasPrefixFold(n.Name, prefix) {
					return n, nil
				}
			}
		}
		if err := b.wait(ctx); err != nil {
			return Node{}, fmt.Errorf("application %q of process %d on the accessibility bus: %w", prefix, pid, ErrNotFound)
		}
	}
}

// roleNames are the AT-SPI role names by number (AtspiRole in at-spi2-core's
// atspi-constants.h), written as libatspi writes them. WebKit's web process
// answers GetRoleName with "", so the driver names roles from GetRole.
var roleNames = [...]string{
	"invalid",
	"accelerator label",
	"alert",
	"animation",
	"arrow",
	"calendar",
	"canvas",
	"check box",
	"check menu item",
	"color chooser",
	"column header",
	"combo box",
	"date editor",
	"desktop icon",
	"desktop frame",
	"dial",
	"dialog",
	"directory pane",
	"drawing area",
	"file chooser",
	"filler",
	"focus traversable",
	"font chooser",
	"frame",
	"glass pane",
	"html container",
	"icon",
	"image",
	"internal frame",
	"label",
	"layered pane",
	"list",
	"list item",
	"menu",
	"menu bar",
	"menu item",
	"option pane",
	"page tab",
	"page tab list",
	"panel",
	"password text",
	"popup menu",
	"progress bar",
	"push button",
	"radio button",
	"radio menu item",
	"root pane",
	"row header",
	"scroll bar",
	"scroll pane",
	"separator",
	"slider",
	"spin button",
	"split pane",
	"status bar",
	"table",
	"table cell",
	"table column header",
	"table row header",
	"tearoff menu item",
	"terminal",
	"text",
	"toggle button",
	"tool bar",
	"tool tip",
	"tree",
	"tree table",
	"unknown",
	"viewport",
	"window",
	"extended",
	"header",
	"footer",
	"paragraph",
	"ruler",
	"application",
	"autocomplete",
	"editbar",
	"embedded",
	"entry",
	"chart",
	"caption",
	"document frame",
	"heading",
	"page",
	"section",
	"redundant object",
	"form",
	"link",
	"input method window",
	"table row",
	"tree item",
	"document spreadsheet",
	"document presentation",
	"document text",
	"document web",
	"document email",
	"comment",
	"list box",
	"grouping",
	"image map",
	"notification",
	"info bar",
	"level bar",
	"title bar",
	"block quote",
	"audio",
	"video",
	"definition",
	"article",
	"landmark",
	"log",
	"marquee",
	"math",
	"rating",
	"timer",
	"static",
	"math fraction",
	"math root",
	"subscript",
	"superscript",
	"description list",
	"description term",
	"description value",
	"footnote",
	"content deletion",
	"content insertion",
	"mark",
	"suggestion",
	"push button menu",
}
