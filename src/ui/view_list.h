/* view_list.h — the main screen: the header (ui/view_header.h), the process
 * table (ui/view_table.h) over the list model, the footer or a prompt
 * (ui/view_prompt.h), and the sort pick list (ui/view_sort.h) over it.
 *
 * Contract: the list screen owns its list model (filter, order, selection)
 * and its layout; it rebuilds the list from the monitor's table after each
 * refresh and after its own keys, and remembers which pids are on screen
 * for the loop to hand the source (their details stay fresh).
 */
#ifndef MEMTOP_VIEW_LIST_H
#define MEMTOP_VIEW_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "model/listmodel.h"
#include "ui/screen.h"
#include "ui/view_prompt.h"
#include "ui/view_table.h"

struct list_screen {
	struct listmodel list;
	struct table_view table;
	struct prompt prompt;
	bool picking;                // the sort pick list is open
	int pick;                    // its highlighted key
	int *visible;                // the pids on screen, top first
	size_t nvisible, visible_cap;
};

/* Its state is screen_list.state, a struct list_screen: the loop reads the
 * pids on screen and the settings W writes from it. */
extern const struct screen screen_list;

/* Sets the list (screen_list.state) up: its sort key, descending when order > 0, ascending
 * when < 0, the key's own direction when 0; and the columns wanted. */
void list_screen_init(struct list_screen *ls, enum sort_key key, int order, unsigned columns);
void list_screen_free(struct list_screen *ls);
/* Rebuilds the list from the monitor's table (filter, sort, selection). */
void list_screen_relist(struct list_screen *ls, const struct monitor *mon);
/* Remembers the first count rows of the list as the ones on screen (before
 * the first frame: the first page). */
void list_screen_remember(struct list_screen *ls, size_t first, size_t count);

#endif
