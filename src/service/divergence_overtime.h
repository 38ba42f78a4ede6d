/*
 * divergence_overtime — 36協定's early warning (issue 23): for each PC user
 * of a company and a month, the working time and overtime estimated from
 * PC use (the ledger's punches, breaks included) and from KING OF TIME's
 * record side by side, this month's overtime projected to its end, and
 * the averages with the months before it, judged by core/overtime against
 * the company's limits (45 h a month, 80 h averaged, by default).
 *
 * The nightly job keeps the current month's warnings (div_overtime_keep):
 * the 乖離 page and the summary mail show them before the month closes.
 */
#ifndef LR_SERVICE_DIVERGENCE_OVERTIME_H
#define LR_SERVICE_DIVERGENCE_OVERTIME_H

#include "core/overtime.h"
#include "store/store.h"

/* "YYYY-MM" of the company's today. */
void div_month_of(const lr_company *c, int64_t now, char month[8]);

/* Every PC user's month (YYYY-MM) as it stands at now, warning or not,
 * by employee code (names left empty). Reads the six months ending with
 * it. LR_EINVAL for a month that is not YYYY-MM. */
lr_status div_overtime(lr_store *s, const lr_company *c, const char *month, int64_t now,
                       int (*cb)(void *ctx, const lr_ot_warning *w), void *ctx, lr_error *err);

/* Recomputes the current month and keeps those that warn (replacing the
 * month's kept warnings) in one transaction; *nwarn gets how many. */
lr_status div_overtime_keep(lr_store *s, const lr_company *c, int64_t now, size_t *nwarn,
                            lr_error *err);

/* The company's limits in hours (1-720 each; -1: unchanged). Audited. */
lr_status div_overtime_limits_set(lr_store *s, const char *code, int month_h, int avg_h,
                                  const char *actor, lr_error *err);

#endif
