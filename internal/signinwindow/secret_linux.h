// C side of the window that shows a secret (a token) for the operator to
// read. Declarations only: this header is included from a Go file that uses
// //export, whose preamble may hold no definitions. Everything here runs on
// the GTK main thread.
#ifndef PARTNERDESK_SECRET_LINUX_H
#define PARTNERDESK_SECRET_LINUX_H

#include <gtk/gtk.h>

GtkWidget *pdsw_secret_open(int id, const char *title, const char *warning);
void pdsw_secret_set_text(GtkWidget *win, const char *text);
void pdsw_secret_present(GtkWidget *win);
void pdsw_secret_close(GtkWidget *win);

// For tests: what the window shows and how.
char *pdsw_secret_text(GtkWidget *win); // g_free it
int pdsw_secret_width(GtkWidget *win);
int pdsw_secret_close_has_focus(GtkWidget *win);
char *pdsw_secret_accessible_name(GtkWidget *win); // g_free it

#endif
