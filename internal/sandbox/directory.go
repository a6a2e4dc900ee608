package sandbox

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// DefaultApps is how many apps the directory lists when Options.Apps is 0.
const DefaultApps = 200

// kind is what a generated app does: the second word of its name, the
// category it is filed under, and how it reads in Zap and template titles.
type kind struct {
	word, category, noun, verb string
}

// Generated app names are a first word, a kind and an edition: "Cedar
// Forms", "Heron Desk Pro". Every one is made up.
var (
	firstWords = []string{
		"Amber", "Anchor", "Apex", "Aster", "Birch", "Bloom", "Bolt", "Brook", "Cactus", "Canyon",
		"Cedar", "Cinder", "Clover", "Cobalt", "Comet", "Coral", "Crane", "Delta", "Drift", "Echo",
		"Ember", "Fern", "Fjord", "Flint", "Garnet", "Glade", "Harbor", "Heron", "Indigo", "Juniper",
		"Kestrel", "Lark", "Lumen", "Maple", "Meadow", "Nimbus", "Onyx", "Orchid", "Pebble", "Pine",
		"Quartz", "Raven", "Ridge", "Saffron", "Sierra", "Slate", "Sparrow", "Summit", "Tidal", "Topaz",
		"Tundra", "Umber", "Vale", "Willow", "Zephyr",
	}
	kinds = []kind{
		{"Desk", "customer-support", "tickets", "Open"},
		{"Forms", "forms", "entries", "Add"},
		{"Mail", "email", "emails", "Send"},
		{"Books", "accounting", "invoices", "Create"},
		{"Chat", "team-chat", "messages", "Post"},
		{"Sheets", "spreadsheets", "rows", "Add"},
		{"Tasks", "task-management", "tasks", "Create"},
		{"Pay", "payment-processing", "payments", "Record"},
		{"Docs", "documents", "documents", "Create"},
		{"Notes", "notes", "notes", "Create"},
		{"Calendar", "calendar", "events", "Schedule"},
		{"Drive", "file-management", "files", "Upload"},
		{"CRM", "crm", "contacts", "Create"},
		{"Survey", "forms", "responses", "Add"},
		{"Shop", "ecommerce", "orders", "Update"},
		{"Analytics", "analytics", "reports", "Create"},
		{"Ads", "ads-conversion", "leads", "Add"},
		{"Sign", "signatures", "envelopes", "Send"},
		{"HR", "hr", "employees", "Add"},
		{"Leads", "marketing", "leads", "Create"},
		{"Boards", "project-management", "cards", "Create"},
		{"Wiki", "documents", "pages", "Create"},
		{"Phone", "phone-sms", "calls", "Log"},
		{"SMS", "phone-sms", "texts", "Send"},
		{"Meet", "video-conferencing", "meetings", "Schedule"},
		{"Track", "time-tracking", "time entries", "Start"},
		{"Hub", "marketing-automation", "subscribers", "Add"},
	}
	editions = []string{"", " Pro", " Cloud", " Go", " Plus"}
)

// generateDirectory fills d.directory with n apps: the catalog's apps that
// appear in Zaps first, then generated ones.
func (d *dataset) generateDirectory(rng *rand.Rand, catalogApps []app, n int) {
	if n <= 0 {
		return
	}
	d.directory = make([]*app, 0, n)
	for i := range catalogApps {
		if len(d.directory) == n {
			return
		}
		d.directory = append(d.directory, &catalogApps[i])
	}
	type name struct{ first, kind, edition int }
	var names []name
	for e := range editions {
		for f := range firstWords {
			for k := range kinds {
				names = append(names, name{f, k, e})
			}
		}
	}
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	for i := 0; len(d.directory) < n; i++ {
		nm := names[i%len(names)]
		k := kinds[nm.kind]
		title := firstWords[nm.first] + " " + k.word + editions[nm.edition]
		if round := i / len(names); round > 0 {
			title += fmt.Sprintf(" %d", round+1) // past every combination: number them
		}
		slug := slugify(title)
		a := &app{
			ID:          int64(20000 + i),
			UUID:        uuidFrom(slug),
			Title:       title,
			Slug:        slug,
			Description: fmt.Sprintf("Made-up %s app of the Partnerdesk sandbox.", strings.ReplaceAll(k.category, "-", " ")),
			HexColor:    fmt.Sprintf("%06x", rng.IntN(0xc0c0c0)),
			API:         strings.ReplaceAll(title, " ", "") + "CLIAPI",
			Noun:        k.noun,
			Verb:        k.verb,
			Categories:  []string{k.category},
		}
		if rng.IntN(6) == 0 {
			a.Categories = append(a.Categories, "popular")
		}
		d.directory = append(d.directory, a)
	}
}

// slugify makes a URL slug of a title: "Heron Desk Pro" -> "heron-desk-pro".
func slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// category is an entry of /v1/categories.
type category struct {
	ID          int
	Title, Slug string
	Description string
	TypeOf      string // curated or auto
	Role        string // parent or child
	Featured    string // a featured entry's slug, or ""
}

// makeCategories lists every category the generated apps use and a few more.
func makeCategories() []category {
	list := []struct{ slug, title, description string }{
		{"accounting", "Accounting", "Books, invoices and taxes."},
		{"ads-conversion", "Ads & Conversion", "Reaching and tracking an audience online."},
		{"analytics", "Analytics", "Measuring and reporting."},
		{"built-in", "Built-in tools", "Tools that come with every account."},
		{"calendar", "Calendar", "Dates, events and scheduling."},
		{"crm", "CRM", "Customers, contacts and deals."},
		{"customer-support", "Customer Support", "Help desks and tickets."},
		{"documents", "Documents", "Writing and sharing documents."},
		{"ecommerce", "eCommerce", "Online shops and orders."},
		{"email", "Email", "Sending and receiving email."},
		{"file-management", "File Management", "Storing and sharing files."},
		{"forms", "Forms & Surveys", "Collecting answers."},
		{"hr", "Human Resources", "People, hiring and time off."},
		{"marketing", "Marketing", "Finding and keeping customers."},
		{"marketing-automation", "Marketing Automation", "Campaigns that run themselves."},
		{"notes", "Notes", "Jotting things down."},
		{"payment-processing", "Payment Processing", "Taking and tracking payments."},
		{"phone-sms", "Phone & SMS", "Calls and text messages."},
		{"popular", "Popular", "Apps many people connect."},
		{"project-management", "Project Management", "Boards, plans and projects."},
		{"signatures", "Signatures", "Signing documents online."},
		{"spreadsheets", "Spreadsheets", "Rows, columns and formulas."},
		{"task-management", "Task Management", "To-do lists and tasks."},
		{"team-chat", "Team Chat", "Messaging for teams."},
		{"time-tracking", "Time Tracking", "Where the hours go."},
		{"video-conferencing", "Video Conferencing", "Meeting face to face online."},
	}
	cats := make([]category, len(list))
	for i, c := range list {
		cats[i] = category{ID: 100 + i, Title: c.title, Slug: c.slug, Description: c.description, TypeOf: "curated", Role: "child"}
		switch c.slug {
		case "popular", "built-in":
			cats[i].TypeOf, cats[i].Role = "auto", "parent"
		}
		if i%3 == 0 {
			cats[i].Featured = "favorite-zaps-" + c.slug
		}
	}
	return cats
}

// zapTemplate is a Zap template of the partner's app with one other app.
type zapTemplate struct {
	ID          int64
	Title, Slug string
	Status      string // published or draft
	Description string // plain text; the HTML and raw forms are made from it
	Steps       []templateStep
}

type templateStep struct {
	App   *app
	Label string
}

// makeTemplates makes one or two templates for each of the first apps of
// the directory, pairing each with the partner's app.
func makeTemplates(rng *rand.Rand, partner *app, directory []*app) []zapTemplate {
	var out []zapTemplate
	id := int64(51000)
	for i, other := range directory[:min(len(directory), 150)] {
		count := 1
		if i < 30 {
			count = 2
		}
		for j := range count {
			trigger, action := other, partner
			if j == 1 {
				trigger, action = partner, other
			}
			id += 1 + rng.Int64N(9)
			t := zapTemplate{
				ID:     id,
				Title:  fmt.Sprintf("%s %s %s for new %s %s", action.Verb, action.Title, action.Noun, trigger.Title, trigger.Noun),
				Status: "published",
				Steps: []templateStep{
					{trigger, "New " + singular(trigger.Noun)},
					{action, action.Verb + " " + singular(action.Noun)},
				},
			}
			if rng.IntN(7) == 0 {
				t.Status = "draft"
			}
			t.Slug = slugify(t.Title)
			t.Description = fmt.Sprintf("Every new %s in %s becomes a %s in %s, so nobody has to copy it over by hand.",
				singular(trigger.Noun), trigger.Title, singular(action.Noun), action.Title)
			out = append(out, t)
		}
	}
	return out
}

// singular is a good-enough singular of the nouns above.
func singular(noun string) string {
	switch {
	case strings.HasSuffix(noun, "ies"):
		return strings.TrimSuffix(noun, "ies") + "y"
	case strings.HasSuffix(noun, "ses"):
		return strings.TrimSuffix(noun, "es")
	}
	return strings.TrimSuffix(noun, "s")
}

// action is a trigger, search or action of an app (/v2/actions).
type action struct {
	ID, Key     string
	Type        string // READ, WRITE, SEARCH or SEARCH_OR_WRITE
	Instant     bool
	Title       string
	Description string
}

// actionsOf makes the actions of an app. They depend on the app only, so
// they are made afresh on each request and never stored.
func actionsOf(a *app) []action {
	h := fnv.New64a()
	h.Write([]byte(a.Slug))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0xac710e5))
	noun := a.Noun
	if noun == "" {
		noun = "items"
	}
	one := singular(noun)
	all := []action{
		{Type: "READ", Title: "New " + one, Description: fmt.Sprintf("Starts a Zap when a %s is added in %s.", one, a.Title)},
		{Type: "READ", Title: "Updated " + one, Description: fmt.Sprintf("Starts a Zap when a %s changes in %s.", one, a.Title)},
		{Type: "WRITE", Title: "Create " + one, Description: fmt.Sprintf("Adds a %s to %s.", one, a.Title)},
		{Type: "WRITE", Title: "Update " + one, Description: fmt.Sprintf("Changes a %s in %s.", one, a.Title)},
		{Type: "SEARCH", Title: "Find " + one, Description: fmt.Sprintf("Looks a %s up in %s.", one, a.Title)},
		{Type: "SEARCH_OR_WRITE", Title: "Find or create " + one, Description: fmt.Sprintf("Looks a %s up in %s, and adds it when it is not there.", one, a.Title)},
		{Type: "WRITE", Title: "Delete " + one, Description: fmt.Sprintf("Removes a %s from %s.", one, a.Title)},
	}
	// Every app has the first trigger and the first action; the rest vary.
	out := all[:3:3]
	for _, ac := range all[3:] {
		if rng.IntN(2) == 0 {
			out = append(out, ac)
		}
	}
	for i := range out {
		out[i].Key = slugKey(out[i].Title)
		out[i].ID = "uag:" + uuidFrom(a.Slug+"/"+out[i].Key)
		out[i].Instant = out[i].Type == "READ" && rng.IntN(3) > 0
	}
	return out
}

func slugKey(title string) string { return strings.ReplaceAll(slugify(title), "-", "_") }

// actionTypes lists the distinct types of an app's actions, in order.
func actionTypes(acts []action) []string {
	var types []string
	for _, ac := range acts {
		found := false
		for _, t := range types {
			found = found || t == ac.Type
		}
		if !found {
			types = append(types, ac.Type)
		}
	}
	return types
}

// authentication is an account the user connected to an app.
type authentication struct {
	ID      string
	AppUUID string
	Title   string
	Expired bool
}

// makeAuthentications connects two or three accounts to each app used in Zaps.
func makeAuthentications(rng *rand.Rand, user profile, apps []app) map[string][]authentication {
	out := map[string][]authentication{}
	labels := []string{user.Email, "avery@work.example.com", "Team account"}
	for _, a := range apps {
		n := 2 + rng.IntN(2)
		for i := range n {
			out[a.UUID] = append(out[a.UUID], authentication{
				ID:      randomID(rng, 8),
				AppUUID: a.UUID,
				Title:   a.Title + " " + labels[(i+rng.IntN(2))%len(labels)],
				Expired: rng.IntN(8) == 0,
			})
		}
	}
	return out
}

const idChars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

func randomID(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idChars[rng.IntN(len(idChars))]
	}
	return string(b)
}

// zapRun is one run of a Zap (/v2/zap-runs).
type zapRun struct {
	ID           string
	ZapID        int64
	ZapTitle     string
	Start, End   time.Time
	Status       string
	StepStatuses []string
	DataIn       string
	DataOut      string
}

// runStatuses weighs how runs end.
var runStatuses = []struct {
	status string
	weight int
}{
	{"success", 70}, {"error", 8}, {"filtered", 8}, {"halted", 4}, {"skipped", 3},
	{"held", 2}, {"delayed", 2}, {"error_handled", 2}, {"throttled", 1},
}

// makeRuns gives the Zaps that are on, and some that are off, up to three
// runs each in the week after their last change (never after epoch).
func makeRuns(rng *rand.Rand, zaps []zap) []zapRun {
	var runs []zapRun
	for _, z := range zaps {
		if z.State == "draft" || (z.State == "off" && rng.IntN(3) > 0) {
			continue
		}
		n := rng.IntN(4)
		for range n {
			start := z.ModifiedAt.Add(time.Duration(rng.IntN(7*24*60)) * time.Minute)
			if start.After(epoch) {
				start = epoch.Add(-time.Duration(rng.IntN(24*60)) * time.Minute)
			}
			status := pickStatus(rng)
			// The steps before the last succeeded; the last ended as the run did.
			steps := make([]string, len(z.Steps))
			for i := range steps {
				steps[i] = "success"
			}
			steps[len(steps)-1] = status
			out := ""
			if status == "success" {
				out = `{"status": "created"}`
			}
			runs = append(runs, zapRun{
				ID:           uuidFrom(fmt.Sprintf("run %d %d", z.ID, rng.Int64())),
				ZapID:        z.ID,
				ZapTitle:     z.Title,
				Start:        start.UTC(),
				End:          start.Add(time.Duration(200+rng.IntN(5000)) * time.Millisecond).UTC(),
				Status:       status,
				StepStatuses: steps,
				DataIn:       fmt.Sprintf(`{"%s_id": "%d"}`, slugKey(singular(z.Steps[0].App.Noun)), 10000+rng.IntN(90000)),
				DataOut:      out,
			})
		}
	}
	slices.SortStableFunc(runs, func(a, b zapRun) int { return b.Start.Compare(a.Start) }) // newest first
	return runs
}

func pickStatus(rng *rand.Rand) string {
	total := 0
	for _, s := range runStatuses {
		total += s.weight
	}
	n := rng.IntN(total)
	for _, s := range runStatuses {
		if n < s.weight {
			return s.status
		}
		n -= s.weight
	}
	return "success"
}
