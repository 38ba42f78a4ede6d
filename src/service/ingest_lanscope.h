/*
 * ingest_lanscope — one LanScope CSV file into the store, whole or not at
 * all: the parser (sources/lanscope) streams its events into one ingest
 * run, and any problem in the file rolls the run back. Used by the ingest
 * API (text/csv uploads of loginrec-agent) and `loginrec ingest --source
 * lanscope`.
 */
#ifndef LR_SERVICE_INGEST_LANSCOPE_H
#define LR_SERVICE_INGEST_LANSCOPE_H

#include "service/ingest.h"
#include "sources/lanscope.h"

/* Stores the file's events for company c. `what` names the file in
 * errors; `version` is put on every event (the agent's version). *stats
 * tells what the file held (as far as it was read when it failed). */
lr_status ingest_lanscope(lr_store *s, const lr_company *c, const char *what, const char *bytes,
                          size_t n, const char *version, const progress_hook *progress,
                          ingest_result *res, lanscope_stats *stats, lr_error *err);

#endif
