/*
 * evtx — Windows XML Event Log files (Security.evtx, System.evtx, a
 * collector's ForwardedEvents.evtx) read with libevtx; no binary XML is
 * parsed here. Bytes in, records out through the Windows sources' callback
 * (sources/winlogbeat.h), so the same checks and the same sessions apply.
 * No file, no store: the bytes are handed to libevtx as a memory range.
 *
 * What a file may be:
 *  - whole: every record is read;
 *  - dirty (copied while Windows was writing it): normal. Its header lags
 *    behind its chunks, and libevtx calls it corrupted for that alone; as
 *    long as no record lies in a chunk that failed its checks it is read;
 *  - damaged: libevtx marks it corrupted and records lie in chunks that
 *    failed their checks (a bad chunk, a missing CRC), or a record cannot be
 *    read. It is refused whole, saying how many records could be read,
 *    unless partial is set: then the readable records are taken and the
 *    rest counted.
 * Records of a channel loginrec does not read (Application, Setup, ...)
 * refuse the file: it is the wrong file. Thread-safe (one libevtx file per
 * call).
 */
#ifndef LR_SOURCES_EVTX_H
#define LR_SOURCES_EVTX_H

#include <stddef.h>

#include "sources/winlogbeat.h"

typedef struct evtx_stats {
    win_stats w;
    int dirty, damaged;
    size_t unreadable; /* records libevtx could not read */
    size_t fragments;  /* records found only in chunks that failed their checks */
} evtx_stats;

/* Parses the .evtx file bytes[0..n); what names it in errors. The record's
 * raw text handed to fn is its XML as libevtx renders it. */
lr_status evtx_parse(const char *what, const unsigned char *bytes, size_t n, int partial,
                     win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err);

/* evtx_parse in one pass instead of two (a third less time): records reach
 * fn as they are read, before the file is known to be whole. On an error
 * the caller drops the records it was given, as an ingest run's
 * transaction does. The error and the counts are evtx_parse's (a damaged
 * file is refused as damaged, whichever record stopped the pass), except
 * the records counted before a refusal, which evtx_parse never reaches. */
lr_status evtx_parse_stream(const char *what, const unsigned char *bytes, size_t n, int partial,
                            win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err);

#endif
