/*
 * kot_worker — loginrecd's KING OF TIME threads, each with its own store
 * handle:
 *   - delivery: the punch delivery runner (kot_deliver) over libcurl's
 *     multi interface, every company at once; woken at once when punches
 *     are queued, otherwise it looks every poll_ms. Rows left 'sending' by
 *     the previous process (alone on its database) or by an instance whose
 *     lease ran out (shared) are recovered first, as uncertain;
 *   - sync: each company's employee sync every sync_interval_s, never in
 *     KoT's restricted hours; instances sharing the database take turns
 *     through the company's "kot_sync" lease. A sync waits for its send
 *     slots like any delivery, and never holds a delivery up. On the same
 *     thread, each company's nightly read of its record (乖離), then its
 *     daily summary mail.
 */
#ifndef LR_SERVICE_KOT_WORKER_H
#define LR_SERVICE_KOT_WORKER_H

#include "service/divergence_mail.h"
#include "service/kot_dispatch.h"
#include "store/secrets.h"

typedef struct kot_worker kot_worker;

/* mail: how 乖離's daily summary goes out after a company's nightly read
 * (copied; NULL: no mail). */
lr_status kot_worker_start(const char *db, const lr_secrets *sec, const dispatch_cfg *cfg,
                           const div_mail_env *mail, kot_worker **out, lr_error *err);
/* New punches were queued: deliver now. Any thread. */
void kot_worker_kick(kot_worker *w);
/* Stops both threads: calls in flight finish (up to the call timeout),
 * what was not started goes back to pending. NULL is fine. */
void kot_worker_stop(kot_worker *w);

#endif
