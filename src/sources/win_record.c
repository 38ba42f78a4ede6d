/*
 * win_record — a Windows record's fields, declared once for both Windows
 * parsers (see win_record.h).
 */
#include "sources/win_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum field_kind { F_TEXT, F_INT, F_HEX } field_kind;

/* The EventData values loginrec keeps: Name → where, and what it holds. */
typedef struct field {
    const char *name;
    unsigned bit;
    field_kind kind;
    size_t offset, size; /* F_TEXT: the buffer in win_record */
} field;

#define TEXT(name, bit, member)                                                                    \
    {name, bit, F_TEXT, offsetof(win_record, member), sizeof(((win_record *)0)->member)}

static const field fields[] = {
    TEXT("TargetUserName", WR_USER, user),
    TEXT("TargetUserSid", WR_SID, sid),
    {"LogonType", WR_LOGON_TYPE, F_INT, 0, 0},
    TEXT("LogonProcessName", WR_LOGON_PROCESS, logon_process),
    {"TargetLogonId", WR_LOGON_ID, F_HEX, 0, 0},
    {"TargetLinkedLogonId", WR_LINKED_ID, F_HEX, 0, 0},
    TEXT("param1", WR_PROCESS, process), /* 1074: the process that asked */
};

/* Points r's event at r's own buffers. */
static void point(win_record *r)
{
    r->e.provider = r->provider;
    r->e.host = r->host;
    r->e.user = r->user;
    r->e.sid = r->sid;
    r->e.logon_process = r->logon_process;
    r->e.process = r->process;
}

void win_record_copy(win_record *dst, const win_record *src)
{
    *dst = *src;
    point(dst);
}

void win_record_init(win_record *r)
{
    memset(r, 0, sizeof *r);
    point(r);
}

static void copy(char *dst, size_t dstsz, const char *src, size_t len)
{
    if (len >= dstsz)
        len = dstsz - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

void win_record_set_system(win_record *r, const char *channel, const char *provider,
                           const char *host)
{
    copy(r->channel, sizeof r->channel, channel, strlen(channel));
    copy(r->provider, sizeof r->provider, provider, strlen(provider));
    copy(r->host, sizeof r->host, host, strlen(host));
}

lr_status win_record_set(win_record *r, const char *name, const char *value, size_t len,
                         lr_error *err)
{
    char tmp[32], *end;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const field *f = &fields[i];
        unsigned long long v;
        if (strcmp(f->name, name) != 0)
            continue;
        r->seen |= f->bit;
        if (f->kind == F_TEXT) {
            copy((char *)r + f->offset, f->size, value, len);
            return LR_OK;
        }
        if (len == 0 || len >= sizeof tmp)
            return lr_fail(err, LR_EINVAL, "expected a %s, got %zu characters",
                           f->kind == F_HEX ? "hexadecimal logon id (0x3e7)" : "number", len);
        memcpy(tmp, value, len);
        tmp[len] = '\0';
        errno = 0;
        v = strtoull(tmp, &end, f->kind == F_HEX ? 16 : 10);
        if (errno || *end || tmp[0] == '-' || (f->kind == F_INT && v > 1000))
            return lr_fail(err, LR_EINVAL, "expected a %s, got '%s'",
                           f->kind == F_HEX ? "hexadecimal logon id (0x3e7)" : "logon type (2, 10, ...)",
                           tmp);
        if (f->bit == WR_LOGON_TYPE)
            r->e.logon_type = (int)v;
        else if (f->bit == WR_LOGON_ID)
            r->e.logon_id = v;
        else
            r->e.linked_logon_id = v;
        return LR_OK;
    }
    return LR_OK;
}

int win_channel_known(const char *channel)
{
    return strcasecmp(channel, "Security") == 0 || strcasecmp(channel, "System") == 0 ||
           strcasecmp(channel, "ForwardedEvents") == 0;
}

int win_record_wanted(const win_record *r)
{
    const char *p = r->provider;
    switch (r->e.event_id) {
    case 4624:
    case 4634:
    case 4647:
    case 4800:
    case 4801:
    case 4802:
    case 4803: return strcmp(p, WIN_PROVIDER_SECURITY) == 0;
    case 1074: return strcmp(p, WIN_PROVIDER_USER32) == 0;
    case 6005:
    case 6006: return strcmp(p, WIN_PROVIDER_EVENTLOG) == 0;
    case 42:
    case 107: return strcmp(p, WIN_PROVIDER_KERNEL_POWER) == 0;
    case 1: return strcmp(p, WIN_PROVIDER_POWER_TROUBLESHOOTER) == 0;
    default: return 0;
    }
}

const char *win_record_missing(const win_record *r)
{
    switch (r->e.event_id) {
    case 4624:
        if (!(r->seen & WR_USER))
            return "TargetUserName";
        if (!(r->seen & WR_LOGON_TYPE))
            return "LogonType";
        if (!(r->seen & WR_LOGON_ID))
            return "TargetLogonId";
        return NULL;
    case 4634:
    case 4647:
        if (!(r->seen & WR_USER))
            return "TargetUserName";
        if (!(r->seen & WR_LOGON_ID))
            return "TargetLogonId";
        return NULL;
    case 4800:
    case 4801:
    case 4802:
    case 4803: return r->seen & WR_USER ? NULL : "TargetUserName";
    default: return NULL;
    }
}

const char *win_record_op(const win_record *r)
{
    switch (r->e.event_id) {
    case 4624:
        if (r->e.logon_type == 7)
            return "unlock";
        return win_event_is_sit_down(&r->e) ? "logon" : "other";
    case 4634:
    case 4647: return "logoff";
    case 4800: return "lock";
    case 4801: return "unlock";
    case 4802: return "screensaver_on";
    case 4803: return "screensaver_off";
    case 42: return "sleep";
    case 107:
    case 1: return "wake";
    case 1074:
    case 6006: return "shutdown";
    case 6005: return "boot";
    default: return "other";
    }
}
