package desktop

// How Browse's rows reach the page: the rows of each "resource:page" event
// wait in an outbox until the page fetches them from the app's asset
// server (Services.Rows), and how items become those rows.

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"partnerdesk/internal/partnerapi"
)

// outboxBatch is the rows of one event, until the page fetches them.
type outboxBatch struct {
	list listKey
	rows [][]string
}

// sendPage sends a "resource:page" event; its rows wait in the outbox
// until the page fetches them.
func (b *Browse) sendPage(pg ResourcePage, rows [][]string) {
	pg.RowCount = len(rows)
	if len(rows) > 0 {
		b.mu.Lock()
		b.batches++
		pg.RowsRef = pg.JobID + "-" + strconv.Itoa(b.batches)
		b.outbox[pg.RowsRef] = outboxBatch{list: listKey{pg.ProfileID, pg.ResourceID}, rows: rows}
		b.mu.Unlock()
	}
	b.cfg.Platform.Emit(EventResourcePage, pg)
}

// dropOutbox forgets the rows of a list's events not fetched yet; b.mu is held.
func (b *Browse) dropOutbox(key listKey) {
	for ref, batch := range b.outbox {
		if batch.list == key {
			delete(b.outbox, ref)
		}
	}
}

// rowsHandler serves the rows of "resource:page" events to the page, each
// batch once: GET /rows/<rowsRef>, a JSON array of rows. It is the app's
// asset server's handler (main.go), which WebKit reaches only from the
// app's own pages; an unknown or already fetched batch is 404.
func (b *Browse) rowsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref, ok := strings.CutPrefix(r.URL.Path, RowsPath)
		if !ok || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		b.mu.Lock()
		batch, found := b.outbox[ref]
		delete(b.outbox, ref)
		b.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := json.NewEncoder(w).Encode(batch.rows); err != nil {
			slog.Debug("the page stopped reading its rows", "err", err)
		}
	})
}

// RowsPath is where the rows handler (Services.Rows) answers.
const RowsPath = "/rows/"

func columnKeys(ep partnerapi.Endpoint) []string {
	keys := make([]string, len(ep.Columns))
	for i, c := range ep.Columns {
		keys[i] = c.Key
	}
	return keys
}

// rowsOf turns raw items into the page's rows ([id, url, cells...]) and
// their ids; first is the index of the first item in its list, which names
// an item without an id.
func rowsOf(ep partnerapi.Endpoint, items []json.RawMessage, first int) (rows [][]string, ids []string) {
	rows = make([][]string, len(items))
	ids = make([]string, len(items))
	for i, it := range items {
		r := ep.Row(it)
		if r.ID == "" {
			r.ID = "#" + strconv.Itoa(first+i) // an item without an id still needs a key
		}
		row := make([]string, 2, 2+len(ep.Columns))
		row[0], row[1] = r.ID, r.URL
		for _, c := range ep.Columns {
			row = append(row, r.Cells[c.Key])
		}
		rows[i], ids[i] = row, r.ID
	}
	return rows, ids
}
