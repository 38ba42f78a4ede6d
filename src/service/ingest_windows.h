/*
 * ingest_windows — one Windows event log into the store, whole or not at
 * all: an .evtx file (sources/evtx) or Winlogbeat's JSON
 * (sources/winlogbeat) streams its records into one ingest run; any
 * problem in the file rolls the run back. Each record is kept with its
 * fields (store_windows.h) beside the event the log view shows, and the
 * sessions are decided when the days are derived (core/win_session). Used
 * by the ingest API and `loginrec ingest --source evtx|winlogbeat`.
 */
#ifndef LR_SERVICE_INGEST_WINDOWS_H
#define LR_SERVICE_INGEST_WINDOWS_H

#include "service/ingest.h"
#include "sources/evtx.h"

typedef enum win_format { WIN_FORMAT_EVTX = 1, WIN_FORMAT_WINLOGBEAT } win_format;

/* "evtx" / "winlogbeat"; 0 for another name. */
win_format win_format_parse(const char *s);
const char *win_format_name(win_format f);

/* Stores the log's records for company c. `what` names the file in
 * errors; partial takes the readable records of a damaged .evtx. *stats
 * tells what the file held (for Winlogbeat only stats->w). */
lr_status ingest_windows(lr_store *s, const lr_company *c, const char *what, const char *bytes,
                         size_t n, win_format fmt, int partial, const progress_hook *progress,
                         ingest_result *res, evtx_stats *stats, lr_error *err);

#endif
