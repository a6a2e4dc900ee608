// C side of the Linux sign-in window (GTK 3 + WebKitGTK). Declarations only:
// this header is included from a Go file that uses //export, whose preamble
// may hold no definitions.
#ifndef PARTNERDESK_SIGNINWINDOW_LINUX_H
#define PARTNERDESK_SIGNINWINDOW_LINUX_H

#include <gtk/gtk.h>
#include <webkit2/webkit2.h>

typedef struct PdswWindow {
    int id;
    GtkWidget *window;
    GtkWidget *view;
    gchar *uri;      // first page, loaded once the redirect filter is in place
    int compiling;   // the redirect filter is being compiled
    int destroyed;   // the window went while compiling: the callback frees
} PdswWindow;

// Event codes passed to pdswEvent.
enum {
    PDSW_COMMITTED = 1,   // a page started to arrive; detail = security (0 http, 1 https ok, 2 certificate problem)
    PDSW_LOAD_FAILED = 2, // domain/code/message describe the GError
    PDSW_TLS_FAILED = 3,  // https certificate rejected
    PDSW_DELETE = 4,      // the operator asked the window to close
    PDSW_CRASHED = 5,     // the web process ended
    PDSW_FINISHED = 6,    // a page finished loading
    PDSW_NO_FILTER = 7,   // the redirect filter did not compile; message says why
    PDSW_STARTED = 8,     // the main frame started a load, or followed a server redirect
};

// Answers of pdswDecide.
enum {
    PDSW_USE = 0,    // let WebKit go on (the redirect filter may still block it)
    PDSW_REFUSE = 1, // ignore the navigation: it is never requested
};

// Everything below runs on the GTK main thread, except pdsw_wakeup.
PdswWindow *pdsw_open(int id, const char *title, const char *uri, const char *datadir, int width, int height, int hidden,
                      const char *filter_dir, const char *filter_json);
int pdsw_sandboxed(PdswWindow *w);
void pdsw_show(PdswWindow *w);
void pdsw_present(PdswWindow *w);
void pdsw_close(PdswWindow *w);
void pdsw_set_title(PdswWindow *w, const char *title);
void pdsw_show_html(PdswWindow *w, const char *html);
int pdsw_init(void);
void pdsw_main(void);
void pdsw_quit(void);

// The secret clipboard (CLIPBOARD selection only).
int pdsw_clip_set(const char *text, unsigned long generation);
int pdsw_clip_owned(unsigned long generation);
void pdsw_clip_clear(void);

// Thread-safe: schedules pdswDrain() on the GTK main loop.
void pdsw_wakeup(void);

#endif
