/*
 * win_session — sessions as Windows defines them, from the Security and
 * System logs' events (issue 21, DESIGN §5.7). Pure: no I/O, no clock; the
 * parsers (sources/evtx.c, sources/winlogbeat.c) give each record as a
 * win_event, and this decides which records start and end a person's
 * session at a PC, which are idle spans within one, and which are only
 * kept ("other"). The day engine then makes punches of the sessions as for
 * every other source. Thread-safe (no shared state).
 *
 * Rules:
 *  1. A sit-down logon is a 4624 with LogonType 2, 10 or 11 and
 *     LogonProcessName "User32" (trimmed). Every other 4624 is other.
 *  2. Accounts that are not people (SYSTEM, LOCAL SERVICE, NETWORK SERVICE,
 *     ANONYMOUS LOGON, DWM-*, UMFD-*, machine accounts ending in '$', "-")
 *     are skipped and counted.
 *  3. Linked logons are one session: two sit-down logons of one user on one
 *     host within one second, or linked by TargetLinkedLogonId, are one
 *     session holding both logon ids.
 *  4. A session ends at the first 4647 or 4634 of one of its logon ids; one
 *     of an id never started is other. 1074 (shutdown initiated) and 6006
 *     (event log stopped) end every open session of their host at their
 *     time; 6005 (event log started: a boot) ends those still open at the
 *     host's last event before it, flagged ended_by_boot.
 *  5. Idle spans, which never end a session: lock 4800 → unlock 4801 (or a
 *     type-7 4624 when 4801 is not audited); screensaver 4802 → 4803; sleep
 *     (Kernel-Power 42) → wake (Power-Troubleshooter 1, Kernel-Power 107).
 *     A span still open when its session ends stops there.
 *  6. Windows' own restart logon (Automatic Restart Sign-On): a sit-down
 *     logon within 5 minutes of a boot that followed a 1074 from
 *     TrustedInstaller.exe, MoUsoCoreWorker.exe or usoclient.exe, locked
 *     within 2 minutes, is flagged auto_restart and starts no session until
 *     the next unlock, which becomes its start.
 *  7. One name, two people: a user name seen with different TargetUserSid
 *     on different hosts is two local accounts (manual FAQ 5.2.1); every
 *     event and session of that name is flagged shared_account.
 * The output depends only on the set of events, never on their order.
 */
#ifndef LR_CORE_WIN_SESSION_H
#define LR_CORE_WIN_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

/* The channels' providers this module tells apart. */
#define WIN_PROVIDER_SECURITY "Microsoft-Windows-Security-Auditing"
#define WIN_PROVIDER_EVENTLOG "EventLog"
#define WIN_PROVIDER_USER32 "User32"
#define WIN_PROVIDER_KERNEL_POWER "Microsoft-Windows-Kernel-Power"
#define WIN_PROVIDER_POWER_TROUBLESHOOTER "Microsoft-Windows-Power-Troubleshooter"

/* One record of a Security or System log, as the parsers read it. Strings
 * are the caller's and must outlive the output; "" when absent. */
typedef struct win_event {
    int64_t id;           /* the caller's id (a row, a record number), echoed back */
    int64_t utc;          /* seconds since the epoch */
    int event_id;         /* 4624, 4634, 4647, 4800..4803, 1074, 6005, 6006, 42, 107, 1 */
    const char *provider; /* WIN_PROVIDER_*, or another */
    const char *host;     /* Computer */
    const char *user;     /* TargetUserName */
    const char *sid;      /* TargetUserSid */
    int logon_type;       /* LogonType (4624, 4634); 0 when absent */
    const char *logon_process; /* LogonProcessName (4624), untrimmed */
    uint64_t logon_id;         /* TargetLogonId; 0 when absent */
    uint64_t linked_logon_id;  /* TargetLinkedLogonId; 0 when absent */
    const char *process;       /* 1074: the process that asked (param1) */
} win_event;

/* What a record is to the sessions. */
typedef enum win_role {
    WIN_OTHER = 0,     /* kept and shown, never punched */
    WIN_SKIPPED,       /* an account that is not a person (rule 2) */
    WIN_START,         /* starts a session */
    WIN_LINKED,        /* a second logon of a started session (rule 3) */
    WIN_END,           /* ends a session (4634, 4647) */
    WIN_HOST_END,      /* ends every open session of its host (1074, 6006, 6005) */
    WIN_IDLE_START,    /* lock, screensaver, sleep */
    WIN_IDLE_END,      /* unlock, screensaver off, wake */
} win_role;

enum win_flag {
    WIN_FLAG_ENDED_BY_BOOT = 1u << 0,
    WIN_FLAG_AUTO_RESTART = 1u << 1,
    WIN_FLAG_SHARED_ACCOUNT = 1u << 2,
    WIN_FLAG_REMOTE = 1u << 3, /* LogonType 10 */
};

typedef enum win_idle_kind { WIN_IDLE_LOCK = 1, WIN_IDLE_SCREENSAVER, WIN_IDLE_SLEEP } win_idle_kind;

typedef struct win_verdict {
    win_role role;
    unsigned flags;
    size_t session; /* index into win_output.sessions; meaningful for START..IDLE_END */
} win_verdict;

typedef struct win_session {
    const char *host, *user, *sid; /* from the logon that started it */
    int64_t start, end;            /* utc; end 0: still open */
    int64_t start_event, end_event; /* the callers' ids; end_event 0 when open */
    unsigned flags;
} win_session;

typedef struct win_idle {
    size_t session;
    win_idle_kind kind;
    int64_t from, to; /* utc; to 0: not over when the records end */
    int64_t from_event, to_event; /* the callers' ids; to_event 0 when not over */
} win_idle;

typedef struct win_output {
    win_verdict *verdicts; /* one per input event, in input order */
    win_session *sessions; /* by host, then first logon (time, then id) */
    size_t nsessions;
    win_idle *idles; /* by session, then from */
    size_t nidles;
    size_t skipped; /* records of accounts that are not people */
} win_output;

/* Decides the sessions of events[0..n). Fills *out; the caller frees it
 * with win_output_free(). Fails only for LR_ENOMEM. */
lr_status win_sessions_derive(const win_event *events, size_t n, win_output *out);

void win_output_free(win_output *out);

/* Non-zero for a sit-down logon (rule 1). */
int win_event_is_sit_down(const win_event *e);

/* Non-zero for an account that is not a person (rule 2). */
int win_account_is_system(const char *user);

/* "start", "other", ...; "lock", "screensaver", "sleep"; comma-separated
 * flag names ("ended_by_boot,shared_account") into out. */
const char *win_role_name(win_role r);
const char *win_idle_kind_name(win_idle_kind k);
void win_flags_format(unsigned flags, char *out, size_t outsz);

#endif
