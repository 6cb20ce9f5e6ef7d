/* termsig.h — SIGINT, SIGTERM, SIGHUP (quit), SIGWINCH (resize), SIGTSTP
 * (Ctrl-Z: give the terminal back and stop) and SIGCONT (take it again) for
 * the interactive loop, through a self-pipe.
 *
 * Contract: termsig_install before the screen starts (so ncurses keeps its
 * own SIGTSTP handler out); the loop polls termsig_fd for POLLIN and then
 * calls termsig_handle, which drains the pipe, suspends and resumes the
 * terminal as asked, sets *quit for the quitting signals, and returns true
 * when the screen's size may have changed.
 */
#ifndef MEMTOP_TERMSIG_H
#define MEMTOP_TERMSIG_H

#include <stdbool.h>

int termsig_install(void);          /* 0, or -1 with errno */
int termsig_fd(void);
bool termsig_handle(bool *quit);

#endif
