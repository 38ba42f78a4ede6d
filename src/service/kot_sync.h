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

typedef struct kot_sync_stats {
    size_t added, updated, deleted, restored, unchanged, divisions;
} kot_sync_stats;

lr_status kot_sync_company(lr_store *s, const char *code, const lr_secrets *sec, long timeout_ms,
                           const char *actor, kot_sync_stats *stats, lr_error *err);

/* "N added, N updated, N deleted, N restored". */
void kot_sync_summary(const kot_sync_stats *st, char *out, size_t outsz);

/* Non-zero inside KING OF TIME's busy hours (08:30-10:00, 17:30-18:30
 * JST), when it refuses non-punch calls. */
int kot_busy_hours(int64_t utc);

#endif
