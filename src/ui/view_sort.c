/* view_sort.c — the sort pick list. */
#include "ui/view_sort.h"

#include <stdio.h>

#include "model/proctable.h"
#include "ui/draw.h"
#include "ui/screen.h"

void sortpick_draw(const struct ui *u, int y, int pick)
{
	int x = 2, w = 16, room = LINES - 2 - y, first = 0;

	if (room < 1)
		room = 1;
	if (pick >= room)
		first = pick - room + 1;
	view_put(u, y, x, w, " Sort by:       ", ui_attr(u, ROLE_LABEL) | A_REVERSE);
	for (int k = first; k < SORT_KEY_COUNT && k - first < room; k++) {
		char line[32];
		attr_t attr = k == pick ? ui_attr(u, ROLE_SELECTION) : ui_attr(u, ROLE_TABLE_HEADER);
		const char *more = (k == first && first > 0) ? "^" :
				   (k - first == room - 1 && k + 1 < SORT_KEY_COUNT) ? "v" : " ";

		snprintf(line, sizeof line, " %-*s%s", w - 2, sort_key_name((enum sort_key)k), more);
		view_put(u, y + 1 + k - first, x, w, line, attr);
	}
}

enum sortpick_result sortpick_key(int *pick, int ch)
{
	if (ch == KEY_UP || ch == 'k')
		*pick = *pick > 0 ? *pick - 1 : 0;
	else if (ch == KEY_DOWN || ch == 'j')
		*pick = *pick + 1 < SORT_KEY_COUNT ? *pick + 1 : *pick;
	else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER)
		return SORTPICK_CHOSEN;
	else if (ch == KEY_ESC || ch == 'q' || ch == KEY_F(6))
		return SORTPICK_CANCEL;
	return SORTPICK_OPEN;
}
