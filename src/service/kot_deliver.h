/*
 * kot_deliver — the punch delivery runner: the due outbox rows of every
 * company with 打刻連携 on, each driven through kot_dispatch's state
 * machine, many companies at once from one thread.
 *
 *   - A pass takes the due rows of every company that has no call waiting
 *     (a batch: about two seconds of its rate). Rows that need no call end
 *     at once; every other is claimed ('sending', attempts + 1) with the
 *     send slots of its calls (kot_budget: the company's one rate, shared
 *     by every instance). All of it is one transaction, committed before
 *     any call.
 *   - Each call starts at its slot through the transport (libcurl's multi
 *     interface in loginrecd; a fake one in the tests): companies are
 *     paced each at its own rate, and one company's slow or failing KING
 *     OF TIME never holds another's calls.
 *   - Rows whose attempt ended are finished, their calls recorded, in one
 *     transaction per pass.
 *
 * A crash between the claim and the finish leaves rows 'sending': they
 * are recovered as uncertain (store_outbox_recover) and read back before
 * anything is sent again.
 *
 * Threads: the store side (kot_deliver_store_step / _store_wait) and the
 * send side (kot_deliver_send_step / _wait) may run on two threads, so
 * that no call waits behind a commit; or one thread runs both
 * (kot_deliver_step). kot_deliver_kick is any thread's; the rest is one
 * caller's. Times are milliseconds since the epoch, of cfg->clock_ms (the
 * one clock, util/clock; the tests run their own).
 */
#ifndef LR_SERVICE_KOT_DELIVER_H
#define LR_SERVICE_KOT_DELIVER_H

#include "service/kot_dispatch.h"
#include "sinks/kot_client.h"
#include "store/secrets.h"
#include "store/store.h"

typedef struct kot_deliver kot_deliver;

/* A runner over store s (its own handle: the runner's thread uses it) and
 * transport tp; both stay the caller's. */
lr_status kot_deliver_new(lr_store *s, const lr_secrets *sec, const dispatch_cfg *cfg,
                          kot_transport *tp, kot_deliver **out, lr_error *err);

/* Delivers for this company only (0: every company). */
void kot_deliver_only(kot_deliver *dl, int64_t company_id);

/* The store side's pass: reads the companies again (each second),
 * recovers rows of instances that stopped (shared store), takes due rows,
 * finishes ended rows. Returns when it next has something to do. */
int64_t kot_deliver_store_step(kot_deliver *dl);
/* Sleeps until until_ms, a kick, or a first ended row. */
void kot_deliver_store_wait(kot_deliver *dl, int64_t until_ms);

/* The send side's pass: starts the calls whose slot has come. Returns the
 * next slot. */
int64_t kot_deliver_send_step(kot_deliver *dl);
/* Waits for answers (handing them to the state machine) until until_ms at
 * the latest, or new calls queued, or a kick. */
void kot_deliver_wait(kot_deliver *dl, int64_t until_ms);

/* Both passes, one thread. */
int64_t kot_deliver_step(kot_deliver *dl);

/* New punches were queued: the next pass looks now. Any thread. */
void kot_deliver_kick(kot_deliver *dl);

/* Rows taken and not yet finished in the store (waiting for their slot,
 * in flight, or ended but not written). */
size_t kot_deliver_open(kot_deliver *dl);

/* What the passes did since the last call, added to *st. */
void kot_deliver_stats(kot_deliver *dl, dispatch_stats *st);

/* Drains company_id once: passes until one finds no due row and nothing
 * is open (what `loginrec kot deliver` does). Logs nothing: what it did
 * is in kot_deliver_stats. */
lr_status kot_deliver_drain(kot_deliver *dl, int64_t company_id, lr_error *err);

/* Stops: calls not yet started go back to pending, calls in flight are
 * waited for (up to the call timeout), ended rows are finished. */
void kot_deliver_stop(kot_deliver *dl);

/* Frees without touching the store: rows in flight stay 'sending', as
 * after a crash (stop first for a clean end). */
void kot_deliver_free(kot_deliver *dl);

#endif
