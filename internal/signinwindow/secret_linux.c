//go:build linux && cgo

// The window that shows a secret: a GtkDialog with the text in a selectable
// GtkLabel that wraps anywhere, a one-line warning and a Close button. Every
// function runs on the GTK main thread.
#include "secret_linux.h"
#include "_cgo_export.h"

// WIDTH_IN_CHARS is how wide the text is, in characters of its monospace font:
// a 250-character token takes five lines instead of one line wider than the
// screen.
#define WIDTH_IN_CHARS 60

static void on_response(GtkDialog *dialog, gint response, gpointer data) {
    (void)response; (void)data;
    gtk_widget_destroy(GTK_WIDGET(dialog)); // Close, Escape, or the title bar's close
}

static void on_destroy(GtkWidget *win, gpointer data) {
    (void)win;
    pdswSecretClosed(GPOINTER_TO_INT(data));
}

// The window the operator pressed Show in: the secret's window stays above it.
static GtkWindow *active_window(void) {
    GtkWindow *found = NULL;
    GList *all = gtk_window_list_toplevels();
    for (GList *l = all; l; l = l->next) {
        if (gtk_window_is_active(l->data) && !g_object_get_data(l->data, "pdsw-secret-text")) {
            found = l->data;
            break;
        }
    }
    g_list_free(all);
    return found;
}

GtkWidget *pdsw_secret_open(int id, const char *title, const char *warning) {
    GtkWidget *win = gtk_dialog_new();
    gtk_window_set_title(GTK_WINDOW(win), title);
    GtkWindow *parent = active_window();
    if (parent) {
        gtk_window_set_transient_for(GTK_WINDOW(win), parent);
        gtk_window_set_position(GTK_WINDOW(win), GTK_WIN_POS_CENTER_ON_PARENT);
    } else {
        gtk_window_set_position(GTK_WINDOW(win), GTK_WIN_POS_CENTER);
    }
    gtk_window_set_modal(GTK_WINDOW(win), FALSE);
    gtk_window_set_resizable(GTK_WINDOW(win), FALSE);

    GtkWidget *box = gtk_dialog_get_content_area(GTK_DIALOG(win));
    gtk_box_set_spacing(GTK_BOX(box), 12);
    gtk_container_set_border_width(GTK_CONTAINER(box), 12);

    // The secret: monospace, broken anywhere (a token has no spaces) but
    // without the hyphens Pango would add where it breaks a word, which the
    // operator would read as part of the token. Not focusable: GTK selects a
    // focused label whole, which puts it on PRIMARY; the mouse still selects.
    GtkWidget *text = gtk_label_new(NULL);
    gtk_label_set_selectable(GTK_LABEL(text), TRUE);
    gtk_widget_set_can_focus(text, FALSE);
    gtk_label_set_line_wrap(GTK_LABEL(text), TRUE);
    gtk_label_set_line_wrap_mode(GTK_LABEL(text), PANGO_WRAP_CHAR);
    gtk_label_set_max_width_chars(GTK_LABEL(text), WIDTH_IN_CHARS);
    gtk_label_set_width_chars(GTK_LABEL(text), WIDTH_IN_CHARS);
    gtk_label_set_xalign(GTK_LABEL(text), 0);
    PangoAttrList *attrs = pango_attr_list_new();
    pango_attr_list_insert(attrs, pango_attr_family_new("Monospace"));
    pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
    gtk_label_set_attributes(GTK_LABEL(text), attrs);
    pango_attr_list_unref(attrs);
    gtk_box_pack_start(GTK_BOX(box), text, FALSE, FALSE, 0);

    GtkWidget *note = gtk_label_new(warning);
    gtk_label_set_line_wrap(GTK_LABEL(note), TRUE);
    gtk_label_set_max_width_chars(GTK_LABEL(note), WIDTH_IN_CHARS);
    gtk_label_set_xalign(GTK_LABEL(note), 0);
    gtk_box_pack_start(GTK_BOX(box), note, FALSE, FALSE, 0);

    GtkWidget *close = gtk_dialog_add_button(GTK_DIALOG(win), "_Close", GTK_RESPONSE_CLOSE);
    g_object_set_data(G_OBJECT(win), "pdsw-secret-text", text);
    g_object_set_data(G_OBJECT(win), "pdsw-secret-close", close);
    g_signal_connect(win, "response", G_CALLBACK(on_response), NULL);
    g_signal_connect(win, "destroy", G_CALLBACK(on_destroy), GINT_TO_POINTER(id));

    return win;
}

void pdsw_secret_set_text(GtkWidget *win, const char *text) {
    gtk_label_set_text(GTK_LABEL(g_object_get_data(G_OBJECT(win), "pdsw-secret-text")), text);
}

void pdsw_secret_present(GtkWidget *win) {
    gtk_widget_show_all(win);
    gtk_window_set_focus(GTK_WINDOW(win), g_object_get_data(G_OBJECT(win), "pdsw-secret-close"));
    gtk_window_present(GTK_WINDOW(win));
}

void pdsw_secret_close(GtkWidget *win) { gtk_widget_destroy(win); }

char *pdsw_secret_text(GtkWidget *win) {
    return g_strdup(gtk_label_get_text(GTK_LABEL(g_object_get_data(G_OBJECT(win), "pdsw-secret-text"))));
}

int pdsw_secret_width(GtkWidget *win) {
    int w = 0, h = 0;
    gtk_window_get_size(GTK_WINDOW(win), &w, &h);
    return w;
}

int pdsw_secret_close_has_focus(GtkWidget *win) {
    return gtk_widget_has_focus(g_object_get_data(G_OBJECT(win), "pdsw-secret-close")) ? 1 : 0;
}

char *pdsw_secret_accessible_name(GtkWidget *win) {
    const char *name = atk_object_get_name(gtk_widget_get_accessible(win));
    return g_strdup(name ? name : "");
}

