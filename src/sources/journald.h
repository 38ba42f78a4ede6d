/*
 * journald — a Linux PC's sessions from its journal as `journalctl -o json`
 * writes it (one JSON object a line), read into unix_records
 * (core/unix_session.h). No I/O: bytes in, records out through the wtmp
 * callback (sources/wtmp.h).
 *
 *   MESSAGE_ID 8d45620c1a4348dbb17410da57c60c66  systemd-logind: a new
 *              session: USER_ID (else the user named in MESSAGE) logs in on
 *              "session-" SESSION_ID
 *   MESSAGE_ID 3354939424b4456d9802ca8333ed424a  the session removed
 *   MESSAGE_ID 98268866d1d54a499c4e98921d93bc40  the system shutting down
 *   a new _BOOT_ID of a host                     a boot; the host's line
 *                                                before it is its last sign
 *                                                of life
 * The host is _HOSTNAME, the time __REALTIME_TIMESTAMP (microseconds).
 * Every line needs both; a line that is not JSON, a missing or mistyped
 * field, or a session message without its session stops the parse with
 * the line and field: the file goes in whole or not at all. logind's
 * messages do not say where a session comes from, so journal sessions are
 * never marked remote (wtmp's are).
 */
#ifndef LR_SOURCES_JOURNALD_H
#define LR_SOURCES_JOURNALD_H

#include <stddef.h>

#include "sources/wtmp.h"

typedef struct journald_stats {
    size_t lines;    /* JSON lines read */
    size_t sessions; /* logins, logouts, shutdowns and boots handed over */
    size_t signs;    /* last signs of life before a boot */
} journald_stats;

lr_status journald_parse(const char *what, const char *bytes, size_t n, wtmp_fn fn, void *ctx,
                         journald_stats *stats, lr_error *err);

#endif
