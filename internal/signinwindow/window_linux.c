//go:build linux && cgo

// GTK 3 + WebKitGTK sign-in window. Every function here runs on the GTK main
// thread; Go reaches it through pdsw_wakeup() -> g_idle_add -> pdswDrain().
#include <string.h>
#include <gdk/gdkx.h>
#include "window_linux.h"
#include "_cgo_export.h"

static gboolean drain_idle(gpointer data) {
    (void)data;
    pdswDrain();
    return G_SOURCE_REMOVE;
}

void pdsw_wakeup(void) {
    // g_idle_add is thread-safe and targets the default main context, the one
    // gtk_main() iterates (run by Wails in the app, by pdsw_main on the CLI).
    g_idle_add_full(G_PRIORITY_DEFAULT, drain_idle, NULL, NULL);
}

int pdsw_init(void) { return gtk_init_check(NULL, NULL) ? 1 : 0; }
void pdsw_main(void) { gtk_main(); }
void pdsw_quit(void) { gtk_main_quit(); }

// Every navigation, HTTP redirects, new-window requests and subframe
// navigations included, passes here with its full URI, #fragment included.
// WebKitGTK does not say here which frame navigates: Go refuses what no frame
// may load (other schemes, http off this computer), and lets a navigation to
// the redirect_uri go on to the redirect filter, which blocks it in every
// frame before any request; a blocked main-frame load then reports itself
// through load-failed, a blocked subframe load does not.
static gboolean on_decide_policy(WebKitWebView *view, WebKitPolicyDecision *decision,
                                 WebKitPolicyDecisionType type, gpointer data) {
    PdswWindow *w = data;
    (void)view;
    if (type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION &&
        type != WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION)
        return FALSE;
    WebKitNavigationAction *a = webkit_navigation_policy_decision_get_navigation_action(
        WEBKIT_NAVIGATION_POLICY_DECISION(decision));
    const gchar *uri = webkit_uri_request_get_uri(webkit_navigation_action_get_request(a));
    if (pdswDecide(w->id, (char *)(uri ? uri : ""), webkit_navigation_action_is_redirect(a)) == PDSW_USE)
        return FALSE;
    webkit_policy_decision_ignore(decision);
    return TRUE;
}

static void on_load_changed(WebKitWebView *view, WebKitLoadEvent ev, gpointer data) {
    PdswWindow *w = data;
    const gchar *uri = webkit_web_view_get_uri(view);
    if (ev == WEBKIT_LOAD_FINISHED) {
        pdswEvent(w->id, PDSW_FINISHED, (char *)(uri ? uri : ""), 0, (char *)"", (char *)"");
        return;
    }
    if (ev == WEBKIT_LOAD_STARTED || ev == WEBKIT_LOAD_REDIRECTED) {
        pdswEvent(w->id, PDSW_STARTED, (char *)(uri ? uri : ""), 0, (char *)"", (char *)"");
        return;
    }
    if (ev != WEBKIT_LOAD_COMMITTED)
        return;
    GTlsCertificate *cert = NULL;
    GTlsCertificateFlags errors = 0;
    int security = 0;
    if (webkit_web_view_get_tls_info(view, &cert, &errors))
        security = errors ? 2 : 1;
    pdswEvent(w->id, PDSW_COMMITTED, (char *)(uri ? uri : ""), security, (char *)"", (char *)"");
}

static gboolean on_load_failed(WebKitWebView *view, WebKitLoadEvent ev, gchar *failing_uri,
                               GError *error, gpointer data) {
    PdswWindow *w = data;
    (void)view; (void)ev;
    const char *domain = error ? g_quark_to_string(error->domain) : "";
    pdswEvent(w->id, PDSW_LOAD_FAILED, failing_uri ? failing_uri : (char *)"",
              error ? error->code : 0, (char *)domain, error ? error->message : (char *)"");
    return TRUE; // we show our own page (or nothing, for our own interception)
}

static gboolean on_tls_failed(WebKitWebView *view, gchar *failing_uri, GTlsCertificate *cert,
                              GTlsCertificateFlags errors, gpointer data) {
    PdswWindow *w = data;
    (void)view; (void)cert;
    pdswEvent(w->id, PDSW_TLS_FAILED, failing_uri ? failing_uri : (char *)"", (int)errors,
              (char *)"g-tls-error-quark", (char *)"");
    return TRUE;
}

static void on_crashed(WebKitWebView *view, WebKitWebProcessTerminationReason reason, gpointer data) {
    PdswWindow *w = data;
    (void)view;
    pdswEvent(w->id, PDSW_CRASHED, (char *)"", (int)reason, (char *)"", (char *)"");
}

// A page of the provider may not save files on this computer: without this,
// WebKitGTK saves every download (an attachment, <a download>, the context
// menu's "Download Linked File") into the Downloads folder, or the home
// folder, without asking. Signing in never needs a download.
static void on_download_started(WebKitWebContext *ctx, WebKitDownload *download, gpointer data) {
    (void)ctx; (void)data;
    webkit_download_cancel(download);
}

// window.open() and target=_blank: keep one window and load the page in it,
// as a top-level navigation, so the same rules apply (decide-policy already
// saw this request as a new-window action; asking again costs nothing).
static GtkWidget *on_create(WebKitWebView *view, WebKitNavigationAction *a, gpointer data) {
    PdswWindow *w = data;
    WebKitURIRequest *request = webkit_navigation_action_get_request(a);
    const gchar *uri = webkit_uri_request_get_uri(request);
    if (pdswDecide(w->id, (char *)(uri ? uri : ""), 0) == PDSW_USE)
        webkit_web_view_load_request(view, request);
    return NULL;
}

static gboolean on_delete(GtkWidget *widget, GdkEvent *e, gpointer data) {
    PdswWindow *w = data;
    (void)widget; (void)e;
    pdswEvent(w->id, PDSW_DELETE, (char *)"", 0, (char *)"", (char *)"");
    return FALSE; // let GTK destroy the window
}

static void on_destroy(GtkWidget *widget, gpointer data) {
    PdswWindow *w = data;
    (void)widget;
    // "destroy" runs before the children go: no late web view signal may
    // reach the freed struct.
    g_signal_handlers_disconnect_by_data(w->view, w);
    g_signal_handlers_disconnect_by_data(w->window, w);
    pdswDestroyed(w->id);
    if (w->compiling) { // filter_saved frees it
        w->destroyed = 1;
        return;
    }
    g_free(w->uri);
    g_free(w);
}

// The redirect filter is in place: only now may the first page load.
static void filter_saved(GObject *store, GAsyncResult *res, gpointer data) {
    PdswWindow *w = data;
    GError *error = NULL;
    WebKitUserContentFilter *filter =
        webkit_user_content_filter_store_save_finish(WEBKIT_USER_CONTENT_FILTER_STORE(store), res, &error);
    g_object_unref(store);
    w->compiling = 0;
    if (w->destroyed) {
        if (filter)
            webkit_user_content_filter_unref(filter);
        g_clear_error(&error);
        g_free(w->uri);
        g_free(w);
        return;
    }
    if (!filter) {
        pdswEvent(w->id, PDSW_NO_FILTER, (char *)"", 0, (char *)"", error ? error->message : (char *)"");
        g_clear_error(&error);
        return;
    }
    webkit_user_content_manager_add_filter(webkit_web_view_get_user_content_manager(WEBKIT_WEB_VIEW(w->view)), filter);
    webkit_user_content_filter_unref(filter);
    webkit_web_view_load_uri(WEBKIT_WEB_VIEW(w->view), w->uri);
}

static GtkWindow *main_window(GtkWidget *except) {
    GtkWindow *found = NULL;
    GList *all = gtk_window_list_toplevels();
    for (GList *i = all; i; i = i->next) {
        GtkWindow *t = GTK_WINDOW(i->data);
        if (GTK_WIDGET(t) != except && gtk_window_get_window_type(t) == GTK_WINDOW_TOPLEVEL &&
            gtk_widget_get_visible(GTK_WIDGET(t))) {
            found = t;
            break;
        }
    }
    g_list_free(all);
    return found;
}

PdswWindow *pdsw_open(int id, const char *title, const char *uri, const char *datadir, int width, int height, int hidden,
                      const char *filter_dir, const char *filter_json) {
    PdswWindow *w = g_new0(PdswWindow, 1);
    w->id = id;
    w->uri = g_strdup(uri);

    // A data manager and web context of its own: the provider's cookies stay
    // apart from the main web view's (webkit_web_context_get_default()).
    WebKitWebsiteDataManager *mgr;
    if (datadir && *datadir) {
        gchar *data = g_build_filename(datadir, "data", NULL);
        gchar *cache = g_build_filename(datadir, "cache", NULL);
        mgr = webkit_website_data_manager_new("base-data-directory", data, "base-cache-directory", cache, NULL);
        gchar *cookies = g_build_filename(datadir, "cookies.sqlite", NULL);
        // Without this the cookies live in memory only, whatever the directories.
        webkit_cookie_manager_set_persistent_storage(webkit_website_data_manager_get_cookie_manager(mgr),
                                                     cookies, WEBKIT_COOKIE_PERSISTENT_STORAGE_SQLITE);
        g_free(data);
        g_free(cache);
        g_free(cookies);
    } else {
        mgr = webkit_website_data_manager_new_ephemeral();
    }
    WebKitWebContext *ctx = webkit_web_context_new_with_website_data_manager(mgr);
    g_object_unref(mgr);
    // The provider's pages run in a web process inside bubblewrap: no view of
    // the operator's files, no network of its own, a filtered D-Bus. Must
    // precede the first web view of this context (WebKit aborts otherwise);
    // Go checked beforehand that bubblewrap works here.
    webkit_web_context_set_sandbox_enabled(ctx, TRUE);
    g_signal_connect(ctx, "download-started", G_CALLBACK(on_download_started), NULL);
    w->view = webkit_web_view_new_with_context(ctx);
    g_object_unref(ctx);

    WebKitSettings *settings = webkit_web_view_get_settings(WEBKIT_WEB_VIEW(w->view));
    webkit_settings_set_enable_developer_extras(settings, FALSE);
    webkit_settings_set_javascript_can_open_windows_automatically(settings, FALSE);
    // As Wails does for the main view: without a GPU, compositing would run
    // through software OpenGL, about +50 MiB for a login page (make bench).
    webkit_settings_set_hardware_acceleration_policy(settings, WEBKIT_HARDWARE_ACCELERATION_POLICY_NEVER);

    w->window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
    gtk_window_set_title(GTK_WINDOW(w->window), title);
    gtk_window_set_default_size(GTK_WINDOW(w->window), width, height);
    GtkWindow *parent = main_window(w->window);
    if (parent) {
        gtk_window_set_transient_for(GTK_WINDOW(w->window), parent);
        gtk_window_set_position(GTK_WINDOW(w->window), GTK_WIN_POS_CENTER_ON_PARENT);
    } else {
        gtk_window_set_position(GTK_WINDOW(w->window), GTK_WIN_POS_CENTER);
    }
    gtk_container_add(GTK_CONTAINER(w->window), w->view);

    g_signal_connect(w->view, "decide-policy", G_CALLBACK(on_decide_policy), w);
    g_signal_connect(w->view, "load-changed", G_CALLBACK(on_load_changed), w);
    g_signal_connect(w->view, "load-failed", G_CALLBACK(on_load_failed), w);
    g_signal_connect(w->view, "load-failed-with-tls-errors", G_CALLBACK(on_tls_failed), w);
    g_signal_connect(w->view, "web-process-terminated", G_CALLBACK(on_crashed), w);
    g_signal_connect(w->view, "create", G_CALLBACK(on_create), w);
    g_signal_connect(w->window, "delete-event", G_CALLBACK(on_delete), w);
    g_signal_connect(w->window, "destroy", G_CALLBACK(on_destroy), w);

    // A hidden window still loads: a provider that redirects at once is
    // answered without the operator seeing anything.
    gtk_widget_show(w->view);
    if (!hidden)
        gtk_widget_show_all(w->window);
    // The first page waits for the redirect filter: without it in place, a
    // navigation to the redirect_uri would be requested.
    w->compiling = 1;
    GBytes *rules = g_bytes_new(filter_json, strlen(filter_json));
    webkit_user_content_filter_store_save(webkit_user_content_filter_store_new(filter_dir), "redirect", rules,
                                          NULL, filter_saved, w);
    g_bytes_unref(rules);
    return w;
}

int pdsw_sandboxed(PdswWindow *w) {
    return webkit_web_context_get_sandbox_enabled(webkit_web_view_get_context(WEBKIT_WEB_VIEW(w->view))) ? 1 : 0;
}

static guint32 server_time(GtkWidget *widget) {
    GdkWindow *gw = gtk_widget_get_window(widget);
    if (gw && GDK_IS_X11_WINDOW(gw))
        return gdk_x11_get_server_time(gw); // window managers honour a real timestamp
    return GDK_CURRENT_TIME;
}

void pdsw_show(PdswWindow *w) {
    gtk_widget_show_all(w->window);
    gtk_window_present_with_time(GTK_WINDOW(w->window), server_time(w->window));
}
void pdsw_present(PdswWindow *w) { gtk_window_present_with_time(GTK_WINDOW(w->window), server_time(w->window)); }
void pdsw_close(PdswWindow *w) { gtk_widget_destroy(w->window); }
void pdsw_set_title(PdswWindow *w, const char *title) { gtk_window_set_title(GTK_WINDOW(w->window), title); }
void pdsw_show_html(PdswWindow *w, const char *html) {
    webkit_web_view_load_html(WEBKIT_WEB_VIEW(w->view), html, "about:blank");
}

// The secret clipboard: CLIPBOARD only (PRIMARY is never touched), offered
// as text plus x-kde-passwordManagerHint = "secret", which clipboard
// managers (Klipper, and others reading the KDE hint) take as "do not keep".
// clip_generation names the copy we still own; 0 once another program (or
// another copy of ours) took the selection, or it was cleared.
enum { CLIP_TEXT = 1, CLIP_HINT = 2 };
static gchar *clip_text;
static unsigned long clip_generation;

static void clip_get(GtkClipboard *cb, GtkSelectionData *sd, guint info, gpointer data) {
    (void)cb; (void)data;
    if (!clip_text)
        return;
    if (info == CLIP_HINT)
        gtk_selection_data_set(sd, gdk_atom_intern_static_string("x-kde-passwordManagerHint"), 8,
                               (const guchar *)"secret", 6);
    else
        gtk_selection_data_set_text(sd, clip_text, -1);
}

// GTK calls this when we lose the selection, for whatever reason.
static void clip_lost(GtkClipboard *cb, gpointer data) {
    (void)cb; (void)data;
    if (clip_text) {
        memset(clip_text, 0, strlen(clip_text));
        g_free(clip_text);
        clip_text = NULL;
    }
    clip_generation = 0;
}

int pdsw_clip_set(const char *text, unsigned long generation) {
    GtkTargetList *list = gtk_target_list_new(NULL, 0);
    gtk_target_list_add_text_targets(list, CLIP_TEXT);
    gtk_target_list_add(list, gdk_atom_intern_static_string("x-kde-passwordManagerHint"), 0, CLIP_HINT);
    gint n = 0;
    GtkTargetEntry *targets = gtk_target_table_new_from_list(list, &n);
    gtk_target_list_unref(list);
    // Replacing our own earlier copy runs clip_lost for it first.
    gboolean ok = gtk_clipboard_set_with_data(gtk_clipboard_get(GDK_SELECTION_CLIPBOARD), targets, n,
                                              clip_get, clip_lost, NULL);
    gtk_target_table_free(targets, n);
    if (!ok)
        return 0;
    clip_text = g_strdup(text);
    clip_generation = generation;
    return 1;
}

int pdsw_clip_owned(unsigned long generation) { return generation != 0 && clip_generation == generation; }

void pdsw_clip_clear(void) { gtk_clipboard_clear(gtk_clipboard_get(GDK_SELECTION_CLIPBOARD)); }
