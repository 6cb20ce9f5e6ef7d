/* view_help.h — the help screen: the keys of the screen it was opened
 * from, generated from that screen's key table; any key returns. */
#ifndef MEMTOP_VIEW_HELP_H
#define MEMTOP_VIEW_HELP_H

#include "ui/screen.h"

/* Opened with ACTION_OPEN: lists the keys of the screen it came from. */
extern const struct screen screen_help;
/* A binding that opens it (h ? F1 on the other screens). */
struct action screen_act_help(void *state, const struct screen_ctx *c);

#endif
