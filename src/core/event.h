/*
 * event — a logon/logoff record as loginrec keeps it (log_event), and the
 * names of its sources. Value types only.
 */
#ifndef LR_CORE_EVENT_H
#define LR_CORE_EVENT_H

#include <stdint.h>

#define LR_ACCOUNT_MAX 256
#define LR_HOST_MAX 255
#define LR_OP_MAX 32
#define LR_VERSION_MAX 64

/* 連携種別 / 種別コード: the manuals' CSV (1 SmartOn ID, 2 LanScope, 3 MaLion),
 * and loginrec's own sources, the PCs' logs (4 Windows, 5 Linux). */
typedef enum link_kind {
    LINK_NONE = 0,
    LINK_SMARTON = 1,
    LINK_LANSCOPE = 2,
    LINK_MALION = 3,
    LINK_WINDOWS = 4,
    LINK_LINUX = 5,
} link_kind;

#define LINK_KIND_LAST LINK_LINUX

typedef struct lr_event {
    int64_t id;       /* store row id; 0 before insertion */
    char source[16];  /* lanscope | malion | smarton | windows | linux | generic */
    char account[LR_ACCOUNT_MAX + 1];
    char host[LR_HOST_MAX + 1]; /* "" when not given */
    char op[LR_OP_MAX + 1];     /* logon | logoff | anything else (stored, ignored) */
    int64_t utc;
    int offset_sec; /* as written by the source */
    char version[LR_VERSION_MAX + 1];
    char *raw; /* the record as received; owned by the batch it is in */
    int64_t received_at;
} lr_event;

/* "lanscope" -> LINK_LANSCOPE; "generic" -> LINK_NONE (matches any kind);
 * -1 for an unknown name. */
int event_source_kind(const char *source);

/* link kind <-> "lanscope" / "malion" / "smarton" / "windows" / "linux";
 * NULL / 0 when unknown. */
const char *link_kind_name(link_kind k);
link_kind link_kind_parse(const char *s);

#endif
