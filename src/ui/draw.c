/* draw.c — the drawing primitives every screen uses: clipped, sanitised
 * text and sparklines. */
#include "ui/draw.h"

#include <string.h>

#include "util/graph.h"
#include "util/text.h"

int view_put(const struct ui *u, int y, int x, int width, const char *s, attr_t attr)
{
	char buf[1024];
	int used;

	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	used = text_fit(s, width, u->utf8, buf, sizeof buf);
	attrset(attr);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
	return used;
}

void view_put_spark(const struct ui *u, int y, int x, int width, const char *s)
{
	char cell[8];

	if (y < 0 || y >= LINES)
		return;
	for (int col = 0; *s && col < width && x + col < COLS; col++) {
		size_t len;
		int level = graph_cell_level(s, &len);

		if (len >= sizeof cell)
			len = sizeof cell - 1;
		memcpy(cell, s, len);
		cell[len] = '\0';
		view_put(u, y, x + col, 1, cell, ui_attr(u, level >= 4 ? ROLE_SPARK_HIGH : ROLE_SPARK_LOW));
		s += len;
	}
}
