package sandbox

import (
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// dataset is everything the sandbox user owns. It is generated once per
// server from the seed and never changes afterwards, so handlers may read it
// without locking.
type dataset struct {
	user    profile
	partner *app  // the app the sandbox plays the partner for; in every Zap
	apps    []app // the catalog: the partner's, those in Zaps, and the filter
	zaps    []zap // newest first (highest id first)

	// directory is the app directory of /v1/apps and /v2/apps, most popular
	// first: the catalog's apps in Zaps, then generated ones. It holds
	// neither the partner's app nor the built-in filter, as Zapier's does not.
	directory  []*app
	categories []category
	templates  []zapTemplate // by id
	runs       []zapRun      // newest first
	// authentications are the user's connected accounts, by app UUID.
	authentications map[string][]authentication

	bySlug map[string]*app
	byUUID map[string]*app
	zapIdx map[int64]int // zap id -> index in zaps
	lastOK map[int64]time.Time
}

// profile is the body of /v1/profiles/me.
type profile struct {
	ID             int64  `json:"id"`
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	FullName       string `json:"full_name"`
	Email          string `json:"email"`
	EmailConfirmed bool   `json:"email_confirmed"`
	Timezone       string `json:"timezone"`
}

// app is an entry of the fictional app directory. Its URLs are made per
// request, since they point at the sandbox's own address.
type app struct {
	ID          int64
	UUID        string
	Title       string
	Slug        string
	Description string
	HexColor    string
	API         string
	// How the app reads in Zap titles ("Create Kanbanly cards from new
	// Inkwell Forms entries"): what its triggers produce, what it does.
	Noun, Verb string
	// Categories are slugs of the category list.
	Categories []string
}

type zap struct {
	ID         int64
	Title      string
	State      string // on, off or draft
	Steps      []zapStep
	ModifiedAt time.Time
}

type zapStep struct {
	TypeOf string // read, write, filter or search
	App    *app
	// Params are set only on the partner app's steps: the API shows the
	// params of the partner's own app and of no other.
	Params map[string]string
}

// sandboxUser is a fictional person; the address is at example.com.
var sandboxUser = profile{
	ID:             4812207,
	FirstName:      "Avery",
	LastName:       "Quillfeather",
	FullName:       "Avery Quillfeather",
	Email:          "avery.quillfeather@example.com",
	EmailConfirmed: true,
	Timezone:       "America/Chicago",
}

// catalog is the fictional app directory; the first entry is the partner's
// app and the last the filter step's app.
var catalog = []app{
	{ID: 9100, Title: "Sandbox CRM", Slug: "sandbox-crm", Categories: []string{"crm"}, HexColor: "3b5bdb", API: "SandboxCRMAPI",
		Description: "The fictional CRM whose partner the sandbox pretends to be.", Noun: "deals", Verb: "Create"},
	{ID: 9101, Title: "Inkwell Forms", Slug: "inkwell-forms", Categories: []string{"forms"}, HexColor: "e8590c", API: "InkwellFormsAPI",
		Description: "Fictional online forms and surveys.", Noun: "entries", Verb: "Add"},
	{ID: 9102, Title: "Parcel Mail", Slug: "parcel-mail", Categories: []string{"email"}, HexColor: "c92a2a", API: "ParcelMailAPI",
		Description: "Fictional email for small teams.", Noun: "emails", Verb: "Send"},
	{ID: 9103, Title: "Tally Sheets", Slug: "tally-sheets", Categories: []string{"spreadsheets"}, HexColor: "2b8a3e", API: "TallySheetsAPI",
		Description: "Fictional spreadsheets in the browser.", Noun: "rows", Verb: "Add"},
	{ID: 9104, Title: "Beacon Chat", Slug: "beacon-chat", Categories: []string{"team-chat"}, HexColor: "862e9c", API: "BeaconChatAPI",
		Description: "Fictional team chat.", Noun: "messages", Verb: "Post"},
	{ID: 9105, Title: "Kanbanly", Slug: "kanbanly", Categories: []string{"project-management"}, HexColor: "1864ab", API: "KanbanlyAPI",
		Description: "Fictional boards of cards for projects.", Noun: "cards", Verb: "Create"},
	{ID: 9106, Title: "Ledgerly", Slug: "ledgerly", Categories: []string{"accounting"}, HexColor: "5c940d", API: "LedgerlyAPI",
		Description: "Fictional invoicing and bookkeeping.", Noun: "invoices", Verb: "Create"},
	{ID: 9107, Title: "Datebook", Slug: "datebook", Categories: []string{"calendar"}, HexColor: "0b7285", API: "DatebookAPI",
		Description: "Fictional shared calendars.", Noun: "events", Verb: "Schedule"},
	{ID: 9108, Title: "Shopfront", Slug: "shopfront", Categories: []string{"ecommerce"}, HexColor: "d6336c", API: "ShopfrontAPI",
		Description: "Fictional online shop.", Noun: "orders", Verb: "Update"},
	{ID: 9109, Title: "Ticketdesk", Slug: "ticketdesk", Categories: []string{"customer-support"}, HexColor: "e67700", API: "TicketdeskAPI",
		Description: "Fictional help desk.", Noun: "tickets", Verb: "Open"},
	{ID: 9110, Title: "Filter", Slug: "filter", Categories: []string{"built-in"}, HexColor: "495057", API: "FilterAPI",
		Description: "Lets a Zap go on only when a condition holds."},
}

// epoch is the newest modified_at; older Zaps are spread out before it.
var epoch = time.Date(2024, time.November, 8, 16, 30, 0, 0, time.FixedZone("", -6*60*60))

// generate makes the dataset for seed with n Zaps and an app directory of
// apps entries. The same arguments always give the same data.
func generate(seed int64, n, apps int) *dataset {
	d := &dataset{user: sandboxUser, apps: make([]app, len(catalog))}
	copy(d.apps, catalog)
	for i := range d.apps {
		d.apps[i].UUID = uuidFrom(d.apps[i].Slug)
	}
	d.partner = &d.apps[0]
	others := d.apps[1 : len(d.apps)-1]
	filter := &d.apps[len(d.apps)-1]

	rng := rand.New(rand.NewPCG(uint64(seed), 0x5a4db0c5))
	// Ids grow with age reversed: the newest Zap has the highest id.
	ids := make([]int64, n)
	id := int64(700000)
	for i := n - 1; i >= 0; i-- {
		id += 1 + rng.Int64N(40)
		ids[i] = id
	}
	d.zaps = make([]zap, n)
	modified := epoch
	for i := range d.zaps {
		d.zaps[i] = makeZap(rng, ids[i], modified, d.partner, others, filter)
		modified = modified.Add(-time.Duration(1+rng.IntN(72*60)) * time.Minute)
	}

	// The rest has its own random streams, so that the Zaps of a seed stay
	// what they were before the rest existed.
	d.generateDirectory(rand.New(rand.NewPCG(uint64(seed), 0xd1ec7043)), others, apps)
	d.categories = makeCategories()
	d.templates = makeTemplates(rand.New(rand.NewPCG(uint64(seed), 0x7e3b1a7e)), d.partner, d.directory)
	d.authentications = makeAuthentications(rand.New(rand.NewPCG(uint64(seed), 0xa07c0de5)), d.user, d.apps[:len(d.apps)-1])
	d.runs = makeRuns(rand.New(rand.NewPCG(uint64(seed), 0x2a9e5e75)), d.zaps)

	d.bySlug = make(map[string]*app, len(d.apps)+len(d.directory))
	d.byUUID = make(map[string]*app, len(d.apps)+len(d.directory))
	for i := range d.apps {
		d.bySlug[d.apps[i].Slug] = &d.apps[i]
		d.byUUID[d.apps[i].UUID] = &d.apps[i]
	}
	for _, a := range d.directory {
		d.bySlug[a.Slug] = a
		d.byUUID[a.UUID] = a
	}
	d.zapIdx = make(map[int64]int, len(d.zaps))
	for i, z := range d.zaps {
		d.zapIdx[z.ID] = i
	}
	d.lastOK = map[int64]time.Time{}
	for _, r := range d.runs { // newest first: the first success seen is the last
		if _, seen := d.lastOK[r.ZapID]; !seen && r.Status == "success" {
			d.lastOK[r.ZapID] = r.Start
		}
	}
	return d
}

func makeZap(rng *rand.Rand, id int64, modified time.Time, partner *app, others []app, filter *app) zap {
	other := &others[rng.IntN(len(others))]
	trigger, action := partner, other
	if rng.IntN(2) == 0 {
		trigger, action = other, partner
	}
	z := zap{ID: id, ModifiedAt: modified}
	z.Steps = append(z.Steps, step(rng, "read", trigger, partner))
	if rng.IntN(4) == 0 {
		z.Steps = append(z.Steps, zapStep{TypeOf: "filter", App: filter})
	}
	if rng.IntN(5) == 0 {
		z.Steps = append(z.Steps, step(rng, "search", partner, partner))
	}
	z.Steps = append(z.Steps, step(rng, "write", action, partner))

	switch r := rng.IntN(100); {
	case r < 55:
		z.State = "on"
	case r < 85:
		z.State = "off"
	default:
		z.State = "draft"
	}
	z.Title = fmt.Sprintf("%s %s %s from new %s %s", action.Verb, action.Title, action.Noun, trigger.Title, trigger.Noun)
	if z.State == "draft" && rng.IntN(2) == 0 {
		z.Title = "Untitled Zap"
	}
	return z
}

// Values the partner app's step params are drawn from.
var (
	pipelines = []string{"Sales", "Renewals", "Partners", "Enterprise"}
	stages    = []string{"Lead", "Qualified", "Proposal", "Won", "Lost"}
	fields    = []string{"email", "phone", "company"}
)

// step makes one step of typeOf with a; params only on the partner's app.
func step(rng *rand.Rand, typeOf string, a, partner *app) zapStep {
	s := zapStep{TypeOf: typeOf, App: a}
	if a != partner {
		return s
	}
	switch typeOf {
	case "read":
		s.Params = map[string]string{
			"pipeline": pipelines[rng.IntN(len(pipelines))],
			"stage":    stages[rng.IntN(len(stages))],
		}
	case "search":
		s.Params = map[string]string{"lookup_field": fields[rng.IntN(len(fields))]}
	default:
		s.Params = map[string]string{
			"pipeline":    pipelines[rng.IntN(len(pipelines))],
			"owner_email": sandboxUser.Email,
		}
	}
	return s
}

// uuidFrom makes a stable version-4-shaped UUID from name.
func uuidFrom(name string) string {
	h := sha256.Sum256([]byte("partnerdesk sandbox app " + name))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// appBySlug finds an app of the catalog or the directory.
func (d *dataset) appBySlug(slug string) (*app, bool) {
	a, ok := d.bySlug[slug]
	return a, ok
}

// appByUUID finds an app of the catalog or the directory by its UUID.
func (d *dataset) appByUUID(id string) (*app, bool) {
	a, ok := d.byUUID[strings.ToLower(id)]
	return a, ok
}

// zapByID finds one of the user's Zaps.
func (d *dataset) zapByID(id int64) (*zap, bool) {
	i, ok := d.zapIdx[id]
	if !ok {
		return nil, false
	}
	return &d.zaps[i], true
}
