/*
 * retention — how long a company's records are kept, and their purge.
 * 労働基準法 第109条 asks an employer to keep attendance records for five
 * years (three during the transition, 経過措置); a purge that would remove
 * records younger than that is refused unless forced. What a purge removes
 * is written to an archive CSV first, and the purge is audited. A company
 * with a retention (5 years or more) is purged past it by loginrecd every
 * night (retention_worker).
 */
#ifndef LR_SERVICE_RETENTION_H
#define LR_SERVICE_RETENTION_H

#include "store/secrets.h"
#include "store/store.h"
#include "util/progress.h"

#define RETENTION_LEGAL_YEARS 5

/* The latest before-day a purge may take unforced at now: today in the
 * company's zone, RETENTION_LEGAL_YEARS back (29 February: the 28th). */
void retention_limit(const lr_company *c, int64_t now, char out[11]);

typedef struct retention_result {
    lr_purge_counts n;
    int64_t archived; /* rows written to the archive */
} retention_result;

/* Removes c's records before the day before (YYYY-MM-DD), in one
 * transaction under the company's lock: first written to the CSV archive
 * (UTF-8 with a BOM; NULL: none, only when the caller says so), which is
 * never written over and is in place before the removal commits (on a
 * failure it is removed with the rest: nothing changes). Refused past
 * retention_limit unless force (saying why). Audited as actor. sec seals
 * the record of where the events' chain resumes (store_purge.h). */
lr_status retention_purge(lr_store *s, const lr_company *c, const lr_secrets *sec,
                          const char *before, int force, const char *archive, const char *actor,
                          const progress_hook *progress, retention_result *res, lr_error *err);

/* Sets company code's retention: years "0" (for ever) or 5-100; audited. */
lr_status retention_set(lr_store *s, const char *code, const char *years, const char *actor,
                        lr_error *err);

/* The background purge of loginrecd: every hour, each company with a
 * retention whose records reach past it is purged to (today - retention),
 * archived to archive_dir/CODE-before-DAY.csv; one instance per company at
 * a time (the "purge" lease). */
typedef struct retention_worker retention_worker;
lr_status retention_worker_start(const char *db, const lr_secrets *sec, const char *archive_dir,
                                 retention_worker **out, lr_error *err);
void retention_worker_stop(retention_worker *w);

#endif
