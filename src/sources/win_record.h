/*
 * win_record — one Windows event log record as the Windows sources read it
 * (sources/evtx.c from .evtx files, sources/winlogbeat.c from Winlogbeat's
 * JSON), before it becomes a win_event (core/win_session.h) and a stored
 * event. Both parsers hand each record's named EventData values to
 * win_record_set(), which keeps the ones loginrec uses (one declared table);
 * win_record_check() then says what a record of its event id lacks. Pure:
 * no I/O. Not thread-safe per record (a record is one parser's).
 */
#ifndef LR_SOURCES_WIN_RECORD_H
#define LR_SOURCES_WIN_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/event.h"
#include "core/win_session.h"
#include "util/status.h"

#define WIN_SID_MAX 184
#define WIN_NAME_MAX 128
#define WIN_PROCESS_MAX 260

typedef struct win_record {
    win_event e; /* its strings point into the buffers below */
    int64_t record_id; /* EventRecordID: with the host and channel, the record's identity */
    char channel[WIN_NAME_MAX];
    char provider[WIN_NAME_MAX];
    char host[LR_HOST_MAX + 1];
    char user[LR_ACCOUNT_MAX + 1];
    char sid[WIN_SID_MAX];
    char logon_process[WIN_NAME_MAX];
    char process[WIN_PROCESS_MAX];
    unsigned seen; /* which fields were given (WR_* bits), for win_record_check */
} win_record;

enum {
    WR_USER = 1u << 0,
    WR_SID = 1u << 1,
    WR_LOGON_TYPE = 1u << 2,
    WR_LOGON_PROCESS = 1u << 3,
    WR_LOGON_ID = 1u << 4,
    WR_LINKED_ID = 1u << 5,
    WR_PROCESS = 1u << 6,
};

/* Empties r and points its event's strings at its buffers. */
void win_record_init(win_record *r);

/* Copies src into dst, dst's event pointing at dst's own buffers (a plain
 * copy would point into src). */
void win_record_copy(win_record *dst, const win_record *src);

/* Keeps an EventData value by its Name (TargetUserName, TargetUserSid,
 * LogonType, LogonProcessName, TargetLogonId, TargetLinkedLogonId, param1;
 * others are ignored). LR_EINVAL for a value that is not what its field
 * holds (a logon id that is not hex): err says what was expected, and the
 * caller says where. */
lr_status win_record_set(win_record *r, const char *name, const char *value, size_t len,
                         lr_error *err);

/* Sets the provider, the channel and the host (truncated to their buffers). */
void win_record_set_system(win_record *r, const char *channel, const char *provider,
                           const char *host);

/* Non-zero when loginrec reads this event id from this provider (the rest
 * is counted and dropped, as LanScope's other log kinds are). */
int win_record_wanted(const win_record *r);

/* Non-zero for the channels loginrec reads: Security, System and a
 * collector's ForwardedEvents. */
int win_channel_known(const char *channel);

/* NULL when the record has what its event id needs; else the name of the
 * first missing field ("TargetLogonId"). */
const char *win_record_missing(const win_record *r);

/* The stored event's operation for a wanted record: "logon" (4624),
 * "logoff" (4634, 4647), "lock", "unlock", "screensaver_on",
 * "screensaver_off", "sleep", "wake", "shutdown" (1074, 6006), "boot"
 * (6005). The sessions decide later what each record really is. */
const char *win_record_op(const win_record *r);

#endif
