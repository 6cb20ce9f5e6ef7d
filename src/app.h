/* app.h — the interactive program: one struct app passed to every view.
 *
 * Contract: app_run owns the terminal from start to end and always restores
 * it; it returns the exit status. Views read the model from struct app and
 * change it only through the functions below or their own fields.
 */
#ifndef MEMTOP_APP_H
#define MEMTOP_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "listmodel.h"
#include "proctable.h"
#include "sampler.h"
#include "snapshot.h"
#include "ui.h"

#define VIEW_MAX_COLUMNS 16

enum app_screen { SCREEN_LIST, SCREEN_HELP, SCREEN_SORT_PICK };
enum prompt_kind { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY };

struct prompt {
	enum prompt_kind kind;
	char text[LISTMODEL_FILTER_MAX];
	size_t len;
};

struct app {
	struct ui ui;
	struct sampler *sampler;
	struct proctable table;
	struct snapshot snap;
	bool have_snap;
	struct listmodel list;
	double interval_s;
	bool paused, quit;
	enum app_screen screen;
	struct prompt prompt;
	char message[160];           // one-line notice in the status line
	int sort_pick;               // highlighted entry of the sort pick list
	int timer_fd;
	int *visible;                // pids on screen, handed to the sampler
	size_t nvisible, visible_cap;
	int header_y, rows_y;        // screen lines of the table header and first row
	int col_x[VIEW_MAX_COLUMNS];     // header x of each column (screen order), -1 if hidden
};

int app_run(const struct options *opts);

/* Samples now (unless paused) and updates the model. */
void app_tick(struct app *a);
/* Re-applies filter and sort to the current model, e.g. after a key. */
void app_relist(struct app *a);
/* Changes the refresh interval (already validated) and re-arms the timer. */
void app_set_interval(struct app *a, double seconds);

#endif
