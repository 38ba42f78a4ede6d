/*
 * day — the day engine: from one employee's logon/logoff events to each work
 * day's punches. Pure: no I/O, no clock, no time zone database; the caller
 * supplies each event's local time. Thread-safe (no shared state).
 *
 * Rules (issue "Foundation", manuals §5.2):
 *  - Events of one stream (one account on one host) are paired: a logoff
 *    closes the stream's open logon when it comes within max_shift; a second
 *    logon while one is open leaves the first without a logoff.
 *  - A session belongs to the work day in which it starts. Work days begin at
 *    day_change (minutes after local midnight): with 05:00, 04:59 belongs to
 *    the previous day.
 *  - Per work day: clock-in = first session start; clock-out = last session
 *    end. A logon with no logoff gives a clock-in only (flag NO_LOGOFF).
 *    A logoff with no logon (flag NO_LOGON) gives a clock-out only when it
 *    falls after the day's clock-in or the day has none; otherwise it is
 *    ignored (flag ORPHAN_IGNORED).
 *  - With breaks on, each gap of at least min_break between the union of the
 *    day's closed sessions (all hosts, all accounts) becomes break_start /
 *    break_end. Sessions without a logoff take no part in breaks.
 *  - Two sessions of one account on different hosts that overlap are flagged
 *    SHARED_ACCOUNT (manual FAQ 5.2.1: a PC user name used on two PCs);
 *    punches are still derived.
 *  - The output depends only on the set of events, never on their order.
 */
#ifndef LR_CORE_DAY_H
#define LR_CORE_DAY_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef enum day_op { DAY_LOGON = 1, DAY_LOGOFF = 2 } day_op;

typedef enum punch_kind {
    PUNCH_CLOCK_IN = 1, /* KoT code "1" */
    PUNCH_CLOCK_OUT = 2,
    PUNCH_BREAK_START = 3,
    PUNCH_BREAK_END = 4,
} punch_kind;

enum day_flag {
    DAY_FLAG_NO_LOGOFF = 1u << 0,
    DAY_FLAG_NO_LOGON = 1u << 1,
    DAY_FLAG_ORPHAN_IGNORED = 1u << 2,
    DAY_FLAG_SHARED_ACCOUNT = 1u << 3,
    /* Set by the caller on a day_event, kept on the event (a PC's own log:
     * core/win_session, core/unix_session): */
    DAY_FLAG_ENDED_BY_BOOT = 1u << 4, /* a session's end read from the boot after it */
    DAY_FLAG_AUTO_RESTART = 1u << 5,  /* a start after Windows' own restart sign-on */
    DAY_FLAG_REMOTE = 1u << 6,        /* a remote session (LogonType 10, ssh) */
};

typedef struct day_event {
    int64_t id;    /* caller's id, echoed in flags; ties broken by it */
    int64_t utc;   /* seconds since the epoch */
    int64_t local; /* utc + the company zone's offset at utc */
    int64_t stream;  /* same account on the same host: same stream */
    int64_t account; /* same PC user name: same account */
    day_op op;
    unsigned flags; /* the caller's day_flag bits for this event, kept on it */
} day_event;

typedef struct day_rules {
    int day_change_min;    /* 0..1439, 日付変更時間 */
    int64_t max_shift_sec; /* default 20 h */
    int breaks;            /* 休憩打刻する */
    int64_t min_break_sec; /* default 60 */
} day_rules;

#define DAY_RULES_DEFAULT {0, 20 * 3600, 0, 60}

typedef struct day_punch {
    punch_kind kind;
    int64_t utc;
    int64_t event_id; /* the event that made it (its day_event.id): a clock-in's logon, a
                         clock-out's logoff (or the lone logoff, or the event that ended the
                         session), a break's end of one session and start of the next */
} day_punch;

typedef struct day_result {
    int64_t day;        /* work day, days since 1970-01-01 (local calendar) */
    size_t first_punch; /* index into day_output.punches */
    size_t npunches;    /* sorted by time, then kind */
    size_t first_flag;  /* index into day_output.flags */
    size_t nflags;      /* sorted by event id */
    unsigned flags;     /* union of the day's event flags */
} day_result;

typedef struct day_event_flag {
    int64_t event_id;
    int64_t day;
    unsigned flags;
} day_event_flag;

typedef struct day_output {
    day_result *days; /* sorted by day; days with no punches and no flags omitted */
    size_t ndays;
    day_punch *punches;
    size_t npunches;
    day_event_flag *flags; /* one per flagged event, in day slices (day_result) */
    size_t nflags;
} day_output;

/* Work day of a local time under a day-change time. */
int64_t day_of_local(int64_t local, int day_change_min);

/* Derives every work day touched by events[0..n). Fills *out; the caller
 * frees it with day_output_free(). Fails only for LR_ENOMEM / LR_EINVAL
 * (rules out of range). events is not modified. */
lr_status day_derive(const day_event *events, size_t n, const day_rules *rules, day_output *out);

void day_output_free(day_output *out);

/* Finds a day in out (NULL when absent). */
const day_result *day_output_find(const day_output *out, int64_t day);

const char *punch_kind_name(punch_kind k); /* "clock_in", ... */
int punch_kind_parse(const char *s);       /* 0 when unknown */
/* Comma-separated names of flags ("no_logoff,shared_account") into out. */
void day_flags_format(unsigned flags, char *out, size_t outsz);

#endif
