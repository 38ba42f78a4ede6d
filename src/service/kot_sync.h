/*
 * kot_sync — 勤革時連携 → 連携実行: pulls divisions and employees from KING
 * OF TIME into the company. New employees are added (with division and
 * KoT key), changed codes, names and divisions are updated, employees gone
 * from KoT are marked deleted (links and history kept, no new punches),
 * and an employee who comes back is restored with their links. Local
 * employees not yet synced are matched by employee code and adopt their
 * key. A division's day-change time stays as set locally (the API does not
 * give it). All in one audited transaction; the result is recorded on the
 * company for the status screen.
 */
#ifndef LR_SERVICE_KOT_SYNC_H
#define LR_SERVICE_KOT_SYNC_H

#include "store/secrets.h"
#include "store/store.h"
#include "util/progress.h"

typedef struct kot_sync_stats {
    size_t added, updated, deleted, restored, unchanged, divisions;
} kot_sync_stats;

/* LR_EBUSY, with words saying when to try again, in KoT's restricted
 * hours (nothing is called then, nothing recorded), or when KoT answers
 * "not now" or is unreachable. */
lr_status kot_sync_company(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                           const char *actor, int dry_run, const progress_hook *progress,
                           kot_sync_stats *stats, lr_error *err);

/* "N added, N updated, N deleted, N restored": what a sync stores as its
 * result (the counts, for the pages to word in the reader's language). */
void kot_sync_summary(const kot_sync_stats *st, char *out, size_t outsz);

/* Reads the counts back from a summary; 0 when s is not one (a failure's
 * detail). */
int kot_sync_summary_parse(const char *s, kot_sync_stats *st);

#endif
