/*
 * unix_session — sessions of a Linux PC from its login records (wtmp, and
 * systemd-logind's messages in the journal), issue 21 rule 8. Pure: no
 * I/O; the parsers (sources/wtmp.c) give each record as a unix_record.
 * Thread-safe (no shared state).
 *
 * Rules:
 *  - a login (wtmp USER_PROCESS) starts a session of its user on its line
 *    (tty2, pts/0, a logind session id); the logout (DEAD_PROCESS) on the
 *    same line ends it, and so does a new login on that line (as last(1)
 *    reads it);
 *  - a shutdown (the run-level record of user "shutdown") ends every open
 *    session of its host at its time; a boot (BOOT_TIME) ends those still
 *    open at the host's last record before it, flagged ended_by_boot (the
 *    PC stopped without saying so);
 *  - a session from another machine (a remote host that is not a local
 *    display such as ":0") is remote, like Windows' LogonType 10; every
 *    session is a sit-down session otherwise.
 * The output depends only on the set of records, never on their order.
 */
#ifndef LR_CORE_UNIX_SESSION_H
#define LR_CORE_UNIX_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef enum unix_kind {
    UNIX_LOGIN = 1,
    UNIX_LOGOUT,
    UNIX_BOOT,
    UNIX_SHUTDOWN,
    UNIX_SIGN, /* any other record: only that the PC was running then */
} unix_kind;

/* One record (strings are the caller's; "" when absent). */
typedef struct unix_record {
    int64_t id;  /* the caller's id, echoed back */
    int64_t utc; /* seconds since the epoch */
    unix_kind kind;
    const char *host; /* the PC */
    const char *line; /* tty2, pts/0, a logind session */
    const char *user; /* "" on a logout */
    const char *from; /* the remote host of a login, or "" */
} unix_record;

enum unix_flag { UNIX_FLAG_ENDED_BY_BOOT = 1u << 0, UNIX_FLAG_REMOTE = 1u << 1 };

typedef struct unix_session {
    const char *host, *line, *user;
    int64_t start, end; /* end 0: still open */
    int64_t start_id, end_id;
    unsigned flags;
} unix_session;

/* Decides the sessions of records[0..n) into *out (by host, start, id),
 * which the caller frees. Fails only for LR_ENOMEM. */
lr_status unix_sessions_derive(const unix_record *records, size_t n, unix_session **out,
                               size_t *nout);

/* Non-zero for a remote host that is another machine (not "", not ":0"). */
int unix_from_is_remote(const char *from);

#endif
