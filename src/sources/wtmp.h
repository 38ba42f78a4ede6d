/*
 * wtmp — a Linux PC's login records (/var/log/wtmp, glibc's struct utmpx
 * as last(1) reads it: 384 bytes a record on x86-64 and arm64), read into
 * unix_records (core/unix_session.h). No I/O: bytes in, records out
 * through a callback. A wtmp file carries no host name: the caller names
 * the PC (`--host`, `X-Loginrec-Host`).
 *
 *   USER_PROCESS (7)   a login: ut_user on ut_line, from ut_host
 *   DEAD_PROCESS (8)   the logout of ut_line
 *   BOOT_TIME (2)      a boot
 *   RUN_LVL (1) of ut_user "shutdown"   a shutdown
 * Other records (run-level changes, getty's LOGIN_PROCESS, ...) are
 * signs of life (UNIX_SIGN): a boot after them ends a session there. A file that is not whole records, a record of an
 * unknown type or a time before 1990 or after 2100 stops the parse with
 * the record's number and byte offset: the file goes in whole or not at all.
 */
#ifndef LR_SOURCES_WTMP_H
#define LR_SOURCES_WTMP_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/unix_session.h"
#include "util/status.h"

#define WTMP_RECORD 384
#define WTMP_LINE_MAX 32
#define WTMP_USER_MAX 32
#define WTMP_HOST_MAX 256

/* A record with its own copies of the strings (r.host, r.line, r.user
 * and r.from point here: a copy must point them at its own). */
typedef struct wtmp_record {
    unix_record r;
    char host[LR_HOST_MAX + 1];
    char line[WTMP_LINE_MAX + 1];
    char user[WTMP_USER_MAX + 1];
    char from[WTMP_HOST_MAX + 1];
} wtmp_record;

/* Copies src into dst, dst's record pointing at dst's own strings. */
void wtmp_record_copy(wtmp_record *dst, const wtmp_record *src);

typedef struct wtmp_stats {
    size_t records; /* read */
    size_t sessions; /* logins, logouts, boots and shutdowns */
    size_t signs;    /* other types: signs of life */
} wtmp_stats;

/* Gets each record in file order; valid during the call only. */
typedef lr_status (*wtmp_fn)(void *ctx, const wtmp_record *w, lr_error *err);

/* Parses bytes[0..n) of the PC named host; what names the file in errors.
 * Each record's id is its number in the file, from 1. */
lr_status wtmp_parse(const char *what, const char *host, const unsigned char *bytes, size_t n,
                     wtmp_fn fn, void *ctx, wtmp_stats *stats, lr_error *err);

#endif
