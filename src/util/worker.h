/*
 * worker — a background thread that runs one caller's "round" again and
 * again: at once while the round says there is more work, otherwise after
 * an idle time or as soon as it is kicked. Stopping waits for the round in
 * progress. The KoT employee sync and the MaLion poller are workers.
 */
#ifndef LR_UTIL_WORKER_H
#define LR_UTIL_WORKER_H

#include "util/status.h"

/* One pass of the work; returns non-zero when more is waiting (the next
 * round starts at once). */
typedef int (*worker_round)(void *ctx);

typedef struct worker worker;

lr_status worker_start(const char *name, worker_round round, void *ctx, long idle_ms,
                       worker **out, lr_error *err);
/* Starts the next round now (or right after the one running). */
void worker_kick(worker *w);
/* Waits for the round in progress, then ends the thread. NULL is fine. */
void worker_stop(worker *w);

#endif
