/*
 * malion — the MaLionCloud WebAPI (DESIGN §5.2): the one place that knows
 * its paths, parameter names and authentication step, as the simulator in
 * tests/sim/malion defines them (the real reference is not public):
 *
 *   POST https://HOST/api/v1/auth {"admin_code","secret_code"}
 *        -> {"access_token","expires_in"}
 *   GET  https://HOST/api/v1/operation-logs?cursor=C&limit=N (Bearer)
 *        -> {"logs":[{"id","time","operation","user","terminal_agent":
 *            {"id","name","version","attendance_code"}}],"next_cursor","has_more"}
 *
 * HOST is the company's ホスト名 ("malioncloud1234.intercom.co.jp"), a host
 * name with an optional port; https, except plain http for the loopback
 * addresses the simulator listens on. Every failure is sorted into a kind
 * with a message an administrator can act on, and never holds the secret
 * code or the access token. A client is one caller's.
 */
#ifndef LR_SOURCES_MALION_H
#define LR_SOURCES_MALION_H

#include <stddef.h>

#include "core/event.h"
#include "util/status.h"

#define MALION_CODE_MAX 128
#define MALION_PAGE_MAX 1000

typedef enum malion_failure {
    MALION_FINE = 0,
    MALION_CREDENTIALS, /* admin code or secret code refused */
    MALION_EXPIRED,     /* the access token expired: authenticate again */
    MALION_UNREACHABLE, /* DNS, connect, timeout */
    MALION_TLS,
    MALION_SERVER,     /* 5xx, 429 */
    MALION_BAD_ANSWER, /* not the JSON the contract promises */
} malion_failure;

/* One operation log, as loginrec keeps it. */
typedef struct malion_log {
    char id[64];
    char time[64];
    char operation[64];             /* ログオン, ログオフ, ... */
    char user[LR_ACCOUNT_MAX + 1];  /* as MaLion wrote it (DOMAIN\ kept) */
    char agent_id[64];
    char agent_name[LR_HOST_MAX + 1];
    char agent_version[LR_VERSION_MAX + 1];
    char attendance_code[64]; /* 出退勤システム連携コード; "" when the agent has none */
    char *raw;                /* the log as received (JSON), owned by the page */
} malion_log;

typedef struct malion_page {
    malion_log *logs;
    size_t n;
    char next_cursor[128];
    int has_more;
} malion_page;

/* "malioncloud1234.intercom.co.jp" or "127.0.0.1:8443": letters, digits,
 * '-' and '.', an optional :port; no scheme, no path. */
lr_status malion_check_host(const char *host, lr_error *err);

typedef struct malion_client malion_client;

lr_status malion_client_new(const char *host, long timeout_ms, malion_client **out,
                            lr_error *err);
void malion_client_free(malion_client *m);

/* Gets an access token for the admin and secret code. *why gets the kind
 * of failure. */
lr_status malion_authenticate(malion_client *m, const char *admin_code, const char *secret_code,
                              malion_failure *why, lr_error *err);

/* The page of logs after cursor ("" from the start), at most limit. The
 * caller frees it with malion_page_free. */
lr_status malion_fetch(malion_client *m, const char *cursor, int limit, malion_page *out,
                       malion_failure *why, lr_error *err);

/* Parses an answer of the operation-logs call (no I/O; the fuzz target). */
lr_status malion_parse_page(const char *body, size_t len, malion_page *out, lr_error *err);
void malion_page_free(malion_page *p);

/* ログオン -> "logon", ログオフ -> "logoff", anything else -> "other". */
const char *malion_op(const char *operation);

#endif
