/*
 * ingest_linux — a Linux PC's login records into the store, whole or not
 * at all: a wtmp file (sources/wtmp, the PC named by the sender) or
 * journalctl -o json lines (sources/journald, which name their PC) stream
 * into one ingest run. Each record is kept (store_linux.h) beside the event
 * the log view shows; the sessions are decided when the days are derived
 * (core/unix_session). Used by the ingest API and `loginrec ingest
 * --source wtmp|journald`.
 */
#ifndef LR_SERVICE_INGEST_LINUX_H
#define LR_SERVICE_INGEST_LINUX_H

#include "service/ingest.h"

typedef enum unix_format { UNIX_FORMAT_WTMP = 1, UNIX_FORMAT_JOURNALD } unix_format;

/* "wtmp" / "journald"; 0 for another name. */
unix_format unix_format_parse(const char *s);
const char *unix_format_name(unix_format f);

typedef struct unix_stats {
    size_t records;  /* wtmp records, or journal lines, read */
    size_t sessions; /* logins, logouts, boots and shutdowns */
    size_t signs;    /* signs of life kept */
} unix_stats;

/* Stores the file's records for company c. host names the PC of a wtmp
 * file (required there, ignored for the journal). */
lr_status ingest_linux(lr_store *s, const lr_company *c, const char *what, const char *host,
                       const char *bytes, size_t n, unix_format fmt, const progress_hook *progress,
                       ingest_result *res, unix_stats *stats, lr_error *err);

#endif
