/*
 * ingest_pc — a PC's own log file into the store, whole or not at all, in
 * any of the four formats loginrec reads:
 * - a Windows event log: an .evtx file or Winlogbeat's JSON
 *   (ingest_windows);
 * - a Linux PC's wtmp file or journalctl -o json lines (ingest_linux).
 * One entry for the ingest API, `loginrec ingest --source …` and the
 * agent's uploads: the format picks the reader.
 */
#ifndef LR_SERVICE_INGEST_PC_H
#define LR_SERVICE_INGEST_PC_H

#include "service/ingest.h"
#include "sources/evtx.h"

typedef enum pc_format {
    PC_FORMAT_EVTX = 1,
    PC_FORMAT_WINLOGBEAT,
    PC_FORMAT_WTMP,
    PC_FORMAT_JOURNALD
} pc_format;

/* "evtx", "winlogbeat", "wtmp", "journald"; 0 for another name. */
pc_format pc_format_parse(const char *s);
const char *pc_format_name(pc_format f);

/* One file as it came. */
typedef struct pc_file {
    pc_format fmt;
    const char *what; /* names the file in errors */
    const char *bytes;
    size_t n;
    const char *host; /* the PC of a wtmp file (which names none) */
    int partial;      /* an .evtx: take the readable records of a damaged file */
} pc_file;

typedef struct unix_stats {
    size_t records;  /* wtmp records, or journal lines, read */
    size_t sessions; /* logins, logouts, boots and shutdowns */
    size_t signs;    /* signs of life kept */
} unix_stats;

/* What the file held, by its format. */
typedef struct pc_stats {
    pc_format fmt;
    evtx_stats win; /* evtx; Winlogbeat: win.w only */
    unix_stats unx; /* wtmp, journald */
} pc_stats;

/* Records read from the file, whatever its format. */
size_t pc_stats_records(const pc_stats *stats);

/* Stores f's records for company c. */
lr_status ingest_pc_file(lr_store *s, const lr_company *c, const pc_file *f,
                         const progress_hook *progress, ingest_result *res, pc_stats *stats,
                         lr_error *err);

/* The readers behind it, by format: a Windows event log (evtx,
 * winlogbeat: stats->w only) and a Linux PC's records (wtmp, which needs
 * f->host, and journald). */
lr_status ingest_windows(lr_store *s, const lr_company *c, const pc_file *f,
                         const progress_hook *progress, ingest_result *res, evtx_stats *stats,
                         lr_error *err);
lr_status ingest_linux(lr_store *s, const lr_company *c, const pc_file *f,
                       const progress_hook *progress, ingest_result *res, unix_stats *stats,
                       lr_error *err);

#endif
