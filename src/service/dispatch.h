/*
 * dispatch — delivers the outbox to KING OF TIME (打刻連携), exactly once.
 *
 * Per row: a punch no longer current is not sent (superseded); a break
 * punch is not sent while 休憩打刻する is off; a retracted punch that was
 * never delivered needs nothing, one that was is parked for a person (the
 * WebAPI cannot delete a punch). Otherwise the row is claimed (committed
 * as 'sending' before the call, so a crash leaves it visibly in flight),
 * and sent. An answer that may have taken effect without saying so
 * (timeout, dropped connection, 5xx, a crash) marks the row uncertain: the
 * next attempt first reads that employee-day back and, if the punch is
 * there, marks it done without sending it again. Rate limits and server
 * errors retry with exponential backoff and jitter; a refusal (400 for an
 * unknown employee key, 401/403) parks the row as failed with the reason
 * until `loginrec outbox retry`. Every call is recorded (never the token).
 */
#ifndef LR_SERVICE_DISPATCH_H
#define LR_SERVICE_DISPATCH_H

#include "store/secrets.h"
#include "store/store.h"

typedef struct dispatch_cfg {
    long timeout_ms;      /* per KoT call */
    long backoff_base_ms; /* first retry after about this long */
    long backoff_max_ms;
    long poll_ms;          /* how often an idle dispatcher looks for work */
    int batch;             /* rows taken per company per round */
    long sync_interval_s;  /* employee sync every this long; 0: never */
    long lease_s;          /* due rows taken stay this instance's this long */
    long restricted_jitter_s; /* rows waiting for KoT's restricted hours to end spread
                                 over this long after the end */
} dispatch_cfg;

/* Defaults, overridable by LOGINREC_KOT_TIMEOUT_MS, LOGINREC_RETRY_BASE_MS,
 * LOGINREC_RETRY_MAX_MS, LOGINREC_DISPATCH_POLL_MS, LOGINREC_OUTBOX_LEASE_S,
 * LOGINREC_KOT_RESTRICTED_JITTER_S (default 120);
 * sync every hour. */
void dispatch_cfg_default(dispatch_cfg *cfg);

typedef struct dispatch_stats {
    size_t rows; /* due rows taken */
    size_t sent, already_there, superseded, skipped, retried, failed, calls;
    size_t waiting; /* wait for KoT's restricted hours to end */
} dispatch_stats;

/* One round for one company: the due rows, up to cfg->batch (stats->rows
 * says how many; a full batch means more may be due). */
lr_status dispatch_company(lr_store *s, const lr_company *c, const lr_secrets *sec,
                           const dispatch_cfg *cfg, dispatch_stats *stats, lr_error *err);

/* Delay before attempt `attempts + 1`, with ±50% jitter, in ms. */
long dispatch_backoff_ms(const dispatch_cfg *cfg, int attempts);

/* The background KoT worker of loginrecd: its own store handle; delivers
 * for every company with 打刻連携 on, in rounds every poll_ms (at once
 * while there is work), and runs the employee sync of every company with a
 * token every sync_interval_s, outside KoT's busy hours. Rows left
 * 'sending' by a previous process are recovered first. */
typedef struct dispatcher dispatcher;
lr_status dispatcher_start(const char *db, const lr_secrets *sec, const dispatch_cfg *cfg,
                           dispatcher **out, lr_error *err);
/* Wakes the dispatcher now (new punches were queued). */
void dispatcher_kick(dispatcher *d);
void dispatcher_stop(dispatcher *d);

#endif
