/* view.c — dispatch to the active screen, and the tiny-terminal guard. */
#include "ui/view.h"

#include <string.h>

#include "util/graph.h"
#include "util/text.h"

#define VIEW_MIN_COLS 40
#define VIEW_MIN_LINES 10

// What a terminal below the minimum size shows instead of a broken layout.
static void view_too_small(struct app *a)
{
	const char *msg = "terminal too small";
	int len = (int)strlen(msg);

	erase();
	view_put(&a->ui, LINES / 2, len < COLS ? (COLS - len) / 2 : 0, COLS, msg,
		 ui_attr(&a->ui, ROLE_MESSAGE));
	refresh();
}

void view_draw(struct app *a)
{
	if (COLS < VIEW_MIN_COLS || LINES < VIEW_MIN_LINES) {
		view_too_small(a);
		return;
	}
	erase();                   // erase, not clear: ncurses sends only the diff
	switch (a->screen) {
	case SCREEN_LIST: view_list_draw(a); break;
	case SCREEN_HELP: view_help_draw(a); break;
	case SCREEN_SORT_PICK: view_list_draw(a); view_sort_draw(a); break;
	case SCREEN_DETAIL: view_detail_draw(a); break;
	}
	refresh();
}

void view_key(struct app *a, int ch)
{
	switch (a->screen) {
	case SCREEN_HELP:
		a->screen = SCREEN_LIST;   // any key returns
		break;
	case SCREEN_SORT_PICK:
		view_sort_key(a, ch);
		break;
	case SCREEN_LIST:
		view_list_key(a, ch);
		break;
	case SCREEN_DETAIL:
		view_detail_key(a, ch);
		break;
	}
}
