/*
 * store_companies — a company and its settings: the company row (企業情報, the
 * KoT and MaLion settings), its sealed secrets, the MaLion poller's state,
 * what each source last sent and the versions its events carried. Part of
 * the store (store.h).
 */
#ifndef LR_STORE_STORE_COMPANIES_H
#define LR_STORE_STORE_COMPANIES_H

#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

typedef struct lr_store lr_store;

typedef struct lr_company {
    int64_t id;
    char code[8];   /* 企業コード */
    char name[256]; /* 企業名 */
    char tz[64];
    int break_punches;  /* 休憩打刻する */
    int min_break_sec;
    int max_shift_sec;
    int punch_delivery; /* 打刻連携 */
    char kot_base_url[512];
    double kot_rate;        /* KoT requests per second */
    int64_t kot_synced_at;  /* last sync attempt; 0: never */
    char kot_sync_result[256]; /* its summary, or "failed: why" */
    char kot_sync_code[32];    /* "" after a success, else the failure's lr_status_code */
    int lanscope_collect_min;  /* LanScope's collection start, minutes after midnight */
    int has_lanscope_token;    /* a LanScope access token is issued */
    int malion_enabled;        /* MaLion連携: poll MaLionCloud */
    char malion_host[256];     /* ホスト名 */
    char malion_admin_code[129]; /* 管理者コード (the secret code is a sealed secret) */
    int idle_break_min; /* Windows: an idle span this long in a session is a break (default 15) */
    char kot_mode[8];   /* punch (deliver punches) | record (客観記録のみ: deliver nothing) */
    int div_start_min, div_end_min; /* 乖離 limits, minutes (1-240, default 30) */
    int64_t div_fetched_at;         /* last read of KoT's record; 0: never */
    char div_fetch_result[256];     /* its summary, or "failed: why" */
    char div_mail_to[512];          /* the daily summary's addresses, comma-separated */
    int div_mail_open_days;         /* open this many days: listed again (default 7) */
    char div_mail_day[11];          /* the day the last summary was claimed for; "" never */
    int ot_month_min, ot_avg_min;   /* 36協定 limits, minutes (45 h, 80 h) */
    int64_t generation; /* bumped by every write of what a page or the read API shows */
    int retention_years;   /* records kept this long, then purged nightly; 0: for ever */
    char purged_before[11]; /* the records before this day were purged; "" never */
} lr_company;

/* Where the MaLion poller of a company stands. */
typedef struct lr_malion_state {
    char cursor[128]; /* "" before the first page */
    int64_t logs_total;
    int64_t attempt_at, success_at; /* 0: never */
    char error[512];                /* "" after a success */
    char error_code[32];            /* its lr_status_code; "" after a success */
    int64_t settings_at;            /* the settings' last change; 0: never */
} lr_malion_state;

/* A source that sends to us (lanscope, generic, smarton): its last stored
 * file or batch and its last refused one. */
typedef struct lr_source_status {
    int64_t success_at, error_at; /* 0: never */
    char error_code[32];          /* lr_status_code of the last refusal */
    char error[512];
} lr_source_status;

/* How many events of one version a source brought, and when the last was. */
typedef struct lr_version_seen {
    const char *version;
    int64_t events;
    int64_t last_utc;
} lr_version_seen;

typedef int (*store_company_cb)(void *ctx, const lr_company *c);
typedef int (*store_version_cb)(void *ctx, const lr_version_seen *v);

lr_status store_company_insert(lr_store *s, lr_company *c, const char *token_hash, lr_error *err);
lr_status store_company_update(lr_store *s, const lr_company *c, lr_error *err);
lr_status store_company_get(lr_store *s, const char *code, lr_company *out, lr_error *err);
lr_status store_company_by_token(lr_store *s, const char *token_hash, lr_company *out);
/* The company of code whose LanScope token hashes to token_hash. */
lr_status store_company_by_lanscope_token(lr_store *s, const char *code, const char *token_hash,
                                          lr_company *out);
/* Replaces the company's LanScope token (its hash). */
lr_status store_company_lanscope_token(lr_store *s, int64_t company_id, const char *token_hash,
                                       lr_error *err);
lr_status store_companies_list(lr_store *s, store_company_cb cb, void *ctx, lr_error *err);
/* Records a KoT sync attempt: when, its failure's code ("" for a
 * success) and its summary or failure in words. */
lr_status store_company_sync_result(lr_store *s, int64_t company_id, int64_t at, const char *code,
                                    const char *result, lr_error *err);
lr_status store_secret_put(lr_store *s, int64_t company_id, const char *name, const char *sealed,
                           lr_error *err);
lr_status store_secret_get(lr_store *s, int64_t company_id, const char *name, char *out,
                           size_t outsz, lr_error *err);
/* Removes a secret (no error when there is none). */
lr_status store_secret_delete(lr_store *s, int64_t company_id, const char *name, lr_error *err);
/* The MaLion poller's state (zeros before its first poll). */
lr_status store_malion_state_get(lr_store *s, int64_t company_id, lr_malion_state *out,
                                 lr_error *err);
/* After a committed page: the cursor to go on from, and how many logs
 * the page held (inside the page's transaction). */
lr_status store_malion_cursor_set(lr_store *s, int64_t company_id, const char *cursor,
                                  int64_t logs, lr_error *err);
/* A poll's end: code and error "" for a success. */
lr_status store_malion_result(lr_store *s, int64_t company_id, int64_t at, const char *code,
                              const char *error, lr_error *err);
lr_status store_malion_settings_changed(lr_store *s, int64_t company_id, int64_t at, lr_error *err);
/* A file or batch of a source stored (code "") or refused. */
lr_status store_source_result(lr_store *s, int64_t company_id, const char *source, int64_t at,
                              const char *code, const char *error, lr_error *err);
/* Zeros when the source never sent anything. */
lr_status store_source_status_get(lr_store *s, int64_t company_id, const char *source,
                                  lr_source_status *out, lr_error *err);
/* n more events of a source's version, the latest at last_utc (inside
 * the storing transaction). */
lr_status store_source_versions_add(lr_store *s, int64_t company_id, const char *source,
                                    const char *version, int64_t n, int64_t last_utc,
                                    lr_error *err);
/* The versions a source's events carry (agent versions), newest last. */
lr_status store_event_versions(lr_store *s, int64_t company_id, const char *source,
                               store_version_cb cb, void *ctx, lr_error *err);
/* Every company, in one array the caller frees (NULL when there is none). */
lr_status store_companies_all(lr_store *s, lr_company **out, size_t *n, lr_error *err);

#endif
