/*
 * store — everything loginrec persists goes through these functions; no SQL
 * lives outside src/store/. They are plain functions of the SQL store
 * (store_sql*.c), which runs over SQLite or PostgreSQL through a
 * sql_driver; lr_store is opaque.
 *
 * Threads: one lr_store handle is used by one thread at a time (take one
 * from an lr_store_pool in servers). Writes that belong together run between
 * store_begin() and store_commit(); on any error the caller calls
 * store_rollback() and nothing is left half-written.
 *
 * Lists are returned through callbacks (row valid only during the call), so
 * no caller has to free result sets; a callback returning non-zero stops
 * the listing early (the call then still returns LR_OK).
 */
#ifndef LR_STORE_STORE_H
#define LR_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/day.h"
#include "core/event.h"
#include "core/punch.h"
#include "util/buf.h"
#include "util/status.h"

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

/* An administrator of the admin UI. */
typedef struct lr_user {
    int64_t id;
    int64_t company_id;
    char login[65];
    char pw_hash[256];
    char lang[8];
} lr_user;

/* A signed-in browser, with whom it belongs to. */
typedef struct lr_session {
    int64_t user_id;
    int64_t company_id;
    char company_code[8];
    char login[65];
    char csrf[65];
    char lang[8];
    int64_t expires_at;
} lr_session;

/* How many events of one version a source brought, and when the last was. */
typedef struct lr_version_seen {
    const char *version;
    int64_t events;
    int64_t last_utc;
} lr_version_seen;

typedef struct lr_division {
    int64_t id;
    int64_t company_id;
    char code[64];
    char name[256];
    int day_change_min; /* 日付変更時間 */
} lr_division;

typedef struct lr_employee {
    int64_t id;
    int64_t company_id;
    char code[64]; /* 打刻先アカウント */
    char last_name[128];
    char first_name[128];
    int64_t division_id; /* 0: none */
    int day_change_min;  /* of the division; 0 without one */
    int deleted;
    char kot_key[64]; /* KING OF TIME's stable id; "" until synced */
} lr_employee;

typedef struct lr_link {
    int64_t employee_id;
    link_kind kind;
    char account[LR_ACCOUNT_MAX + 1];
} lr_link;

/* A ledger row with what a reader needs beside it. */
typedef struct lr_ledger_row {
    int64_t id;
    char employee_code[64];
    char work_day[11];
    punch_kind kind;
    int64_t utc;
    const char *method;
} lr_ledger_row;

/* An event as the log view shows it. */
typedef struct lr_event_row {
    const lr_event *event;
    int64_t employee_id;       /* 0: unlinked */
    const char *employee_code; /* NULL: unlinked */
    const char *employee_name; /* "姓 名"; NULL: unlinked (events_page, day_events only) */
    const char *work_day;      /* NULL unless flagged */
    unsigned flags;            /* day_flag bits */
} lr_event_row;

/* What the log view asks for: newest first, one page at a time. */
typedef struct lr_event_query {
    int64_t from_utc, to_utc;    /* [from, to); to 0: no end */
    const char *const *accounts; /* naccounts > 0: only these PC user names */
    size_t naccounts;
    int64_t employee_id;           /* non-zero: only events linked to this employee */
    const char *source;            /* NULL: any */
    const char *op;                /* NULL: any; "other": neither logon nor logoff */
    int64_t before_utc, before_id; /* before_id non-zero: only rows older than (utc, id) */
    size_t limit;
} lr_event_query;

/* An active punch of a work day with where its delivery stands. */
typedef struct lr_day_punch_row {
    int64_t employee_id;
    punch_kind kind;
    int64_t utc;
    const char *method;
    const char *state;  /* its last outbox row's state; NULL: none */
    const char *reason; /* that row's reason code ("" when none) */
} lr_day_punch_row;

typedef struct lr_outbox_row {
    int64_t id;
    int64_t punch_id;
    const char *action; /* add | correct | retract */
    int64_t replaces;   /* 0 when none */
    const char *state;  /* pending | sending | done | failed */
    punch_kind kind;
    int64_t utc;
    const char *result; /* why done (sent, already_there, ...) or why failed */
    const char *reason; /* its code (see migration 0008) */
    int attempts;
    int uncertain;
    int64_t next_attempt_at;
    const char *employee_code;
    const char *work_day;
} lr_outbox_row;

/* One outbox row with everything delivering it needs. */
typedef struct lr_delivery {
    int64_t id;
    int64_t company_id;
    int64_t punch_id;
    char action[8];
    int punch_active; /* the punch is still current (not replaced / retracted) */
    int punch_sent;   /* retract rows: the punch was delivered by an earlier row */
    punch_kind kind;
    int64_t utc;
    char work_day[11];
    char employee_code[64];
    char kot_key[64];
    char division_code[64];
    int attempts;
    int uncertain; /* an earlier attempt may have reached KoT */
} lr_delivery;

typedef struct lr_outbox_counts {
    size_t pending, sending, failed, done;
    size_t restricted;        /* of pending: waiting for KoT's restricted hours to end */
    int64_t restricted_until; /* the earliest of their next attempts; 0: none */
} lr_outbox_counts;

/* What one delivery attempt saw (never the token). */
typedef struct lr_attempt {
    int64_t outbox_id;
    int64_t at;
    int http_status; /* 0: no answer */
    const char *outcome;
    const char *request;
    const char *answer;
    long duration_ms;
} lr_attempt;

typedef int (*store_event_cb)(void *ctx, const lr_event *e);
typedef int (*store_event_row_cb)(void *ctx, const lr_event_row *r);
typedef int (*store_ledger_cb)(void *ctx, const lr_ledger_row *r);
typedef int (*store_outbox_cb)(void *ctx, const lr_outbox_row *r);
/* A company with punches due, and how they are to be delivered now. */
typedef struct lr_due_company {
    int64_t id;
    int break_punches;
    double kot_rate;
} lr_due_company;
typedef int (*store_due_company_cb)(void *ctx, const lr_due_company *c);
typedef int (*store_day_punch_cb)(void *ctx, const lr_day_punch_row *r);

/* Which outbox rows a listing wants. */
typedef enum store_outbox_filter {
    OUTBOX_ALL = 0,
    OUTBOX_OPEN,   /* not done: pending, sending, failed */
    OUTBOX_FAILED,
} store_outbox_filter;
typedef int (*store_employee_cb)(void *ctx, const lr_employee *e);
typedef int (*store_company_cb)(void *ctx, const lr_company *c);
typedef int (*store_division_cb)(void *ctx, const lr_division *d);
typedef int (*store_link_cb)(void *ctx, const lr_link *l);
typedef int (*store_version_cb)(void *ctx, const lr_version_seen *v);

typedef struct lr_store lr_store;

lr_status store_begin(lr_store *s, lr_error *err);
lr_status store_commit(lr_store *s, lr_error *err);
void store_rollback(lr_store *s);
/* A large write is ahead (on: an ingest run) or over (off): the backend
 * may use more memory meanwhile. Only a hint; never fails. */
void store_bulk(lr_store *s, int on);
int store_schema_version(lr_store *s);
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
/* Administrators and their sessions (store_sql_accounts.c). */
lr_status store_user_insert(lr_store *s, lr_user *u, lr_error *err); /* LR_EEXIST: taken */
lr_status store_user_get(lr_store *s, int64_t company_id, const char *login, lr_user *out,
                         lr_error *err);
lr_status store_user_update(lr_store *s, const lr_user *u, lr_error *err); /* hash, lang */
lr_status store_session_insert(lr_store *s, const char *id_hash, int64_t user_id, const char *csrf,
                               int64_t now, int64_t expires_at, lr_error *err);
/* The live session of id_hash at now; LR_ENOTFOUND when none. */
lr_status store_session_get(lr_store *s, const char *id_hash, int64_t now, lr_session *out,
                            lr_error *err);
lr_status store_session_delete(lr_store *s, const char *id_hash, lr_error *err);
/* Ends every session of the user but keep_hash (NULL: all). */
lr_status store_sessions_end(lr_store *s, int64_t user_id, const char *keep_hash, lr_error *err);
lr_status store_login_failure_add(lr_store *s, const char *key, int64_t at, lr_error *err);
lr_status store_login_failures_since(lr_store *s, const char *key, int64_t since, int64_t *n,
                                     lr_error *err);
lr_status store_login_failures_clear(lr_store *s, const char *key, lr_error *err);
/* A file held between a check and its application (link CSV uploads);
 * putting one drops those older than `before`. */
lr_status store_upload_put(lr_store *s, const char *id, int64_t company_id, int64_t user_id,
                           const char *name, const char *data, size_t len, int64_t now,
                           int64_t before, lr_error *err);
/* The upload id of that company and user made at or after since;
 * LR_ENOTFOUND otherwise; LR_EEXIST (name and *applied_at set) when it
 * was applied already. */
lr_status store_upload_get(lr_store *s, const char *id, int64_t company_id, int64_t user_id,
                           int64_t since, lr_buf *data, char *name, size_t namesz,
                           int64_t *applied_at, lr_error *err);
/* Marks it applied at `at` and drops its bytes. */
lr_status store_upload_applied(lr_store *s, const char *id, int64_t at, lr_error *err);
/* The versions a source's events carry (agent versions), newest last. */
lr_status store_event_versions(lr_store *s, int64_t company_id, const char *source,
                               store_version_cb cb, void *ctx, lr_error *err);
lr_status store_division_upsert(lr_store *s, lr_division *d, lr_error *err);
lr_status store_division_get(lr_store *s, int64_t company_id, const char *code, lr_division *out,
                             lr_error *err);
lr_status store_divisions_list(lr_store *s, int64_t company_id, store_division_cb cb, void *ctx,
                               lr_error *err);
lr_status store_employee_insert(lr_store *s, lr_employee *e, lr_error *err);
lr_status store_employee_get(lr_store *s, int64_t company_id, const char *code, lr_employee *out,
                             lr_error *err);
lr_status store_employee_by_id(lr_store *s, int64_t id, lr_employee *out, lr_error *err);
/* Rewrites code, names, division, kot_key and deleted of employee e->id. */
lr_status store_employee_update(lr_store *s, const lr_employee *e, lr_error *err);
/* Every employee of the company, deleted ones too, by code. */
lr_status store_employees_list(lr_store *s, int64_t company_id, store_employee_cb cb, void *ctx,
                               lr_error *err);
/* Sets employee's account for kind. *prev_account gets the account it
 * replaces ("" if none). LR_EEXIST when another employee has it. */
lr_status store_link_set(lr_store *s, int64_t company_id, const lr_link *l, char *prev_account,
                         size_t prevsz, lr_error *err);
/* Employees linked to account for a source's kind (LINK_NONE: any kind).
 * Writes up to max ids, returns the count in *n. */
lr_status store_link_resolve(lr_store *s, int64_t company_id, link_kind kind, const char *account,
                             int64_t *ids, size_t max, size_t *n, lr_error *err);
lr_status store_links_of_employee(lr_store *s, int64_t employee_id, lr_link *out, size_t max,
                                  size_t *n, lr_error *err);
/* Every link of the company (of employees deleted or not), by kind. */
lr_status store_links_list(lr_store *s, int64_t company_id, store_link_cb cb, void *ctx,
                           lr_error *err);
/* Removes the employee's link of kind, if any. */
lr_status store_link_delete(lr_store *s, int64_t company_id, link_kind kind, int64_t employee_id,
                            lr_error *err);
/* LR_OK and e->id set when new; LR_EEXIST when the natural key exists. */
lr_status store_event_insert(lr_store *s, int64_t company_id, lr_event *e, lr_error *err);
/* Events of one account (any source; the caller filters) in [from, to). */
lr_status store_events_of_account(lr_store *s, int64_t company_id, const char *account,
                                  int64_t from_utc, int64_t to_utc, store_event_cb cb, void *ctx,
                                  lr_error *err);
/* The log view: events in [from, to) (0, 0: all) with link and flags. */
lr_status store_events_list(lr_store *s, int64_t company_id, int64_t from_utc, int64_t to_utc,
                            int flagged_only, store_event_row_cb cb, void *ctx, lr_error *err);
/* The log view's page of q (store_sql_views.c). */
lr_status store_events_page(lr_store *s, int64_t company_id, const lr_event_query *q,
                            store_event_row_cb cb, void *ctx, lr_error *err);
/* The daily view: linked events in [from, to) by employee, then time. */
lr_status store_day_events(lr_store *s, int64_t company_id, int64_t from_utc, int64_t to_utc,
                           store_event_row_cb cb, void *ctx, lr_error *err);
/* The daily view: the company's active punches of work_day by employee
 * and time, with their delivery. */
lr_status store_day_punches(lr_store *s, int64_t company_id, const char *work_day,
                            store_day_punch_cb cb, void *ctx, lr_error *err);
lr_status store_punches_of_day(lr_store *s, int64_t employee_id, const char *work_day,
                               punch_stored *out, size_t max, size_t *n, lr_error *err);
lr_status store_punch_insert(lr_store *s, int64_t company_id, int64_t employee_id,
                             const char *work_day, punch_kind kind, int64_t utc, int64_t replaces,
                             int64_t *id, lr_error *err);
/* Ends an active punch: state "replaced" or "retracted". */
lr_status store_punch_end(lr_store *s, int64_t punch_id, const char *state, lr_error *err);
lr_status store_ledger_list(lr_store *s, int64_t company_id, const char *from_day,
                            const char *to_day, store_ledger_cb cb, void *ctx, lr_error *err);
lr_status store_outbox_enqueue(lr_store *s, int64_t company_id, int64_t punch_id,
                               const char *action, int64_t replaces, const char *idem_key,
                               lr_error *err);
/* Rows of the company by id, filtered. */
lr_status store_outbox_list(lr_store *s, int64_t company_id, store_outbox_filter filter,
                            store_outbox_cb cb, void *ctx, lr_error *err);
lr_status store_outbox_counts(lr_store *s, int64_t company_id, lr_outbox_counts *out,
                              lr_error *err);
/* Rows left 'sending' by an instance that died or stalled (their lease
 * ended before `before`): back to pending, marked uncertain (the punch
 * may have reached KoT). *n gets how many. Pending rows whose lease
 * ended before `before` are freed too. */
lr_status store_outbox_recover(lr_store *s, int64_t before, size_t *n, lr_error *err);
/* Leases up to max pending rows of the company due at `now` to this
 * instance (store_instance_id) for lease_s seconds, oldest first, and
 * returns them. Rows another instance holds are skipped (PostgreSQL:
 * FOR UPDATE SKIP LOCKED), so instances drain the outbox together. */
lr_status store_outbox_due(lr_store *s, int64_t company_id, int64_t now, int64_t lease_s,
                           lr_delivery *out, size_t max, size_t *n, lr_error *err);
/* The companies with 打刻連携 on and pending rows due at `now` that no
 * other instance holds, each once, with their delivery settings as
 * they are now (cb's non-zero stops). */
lr_status store_outbox_due_companies(lr_store *s, int64_t now, store_due_company_cb cb, void *ctx,
                                     lr_error *err);
/* pending -> sending (attempts + 1) for this instance, leased until
 * lease_until; LR_EBUSY when another instance holds the row. */
lr_status store_outbox_claim(lr_store *s, int64_t id, int64_t lease_until, lr_error *err);
/* Ends an attempt: state pending (retry at next_at), done or failed;
 * reason is its code (outbox.reason), result the words for people and
 * logs. */
lr_status store_outbox_finish(lr_store *s, int64_t id, const char *state, const char *reason,
                              const char *result, int uncertain, int64_t next_at, lr_error *err);
/* failed -> pending now; *n gets how many. */
lr_status store_outbox_retry(lr_store *s, int64_t company_id, int64_t now, size_t *n,
                             lr_error *err);
lr_status store_attempt_record(lr_store *s, const lr_attempt *a, lr_error *err);
/* Replaces the flags of (employee, work_day) with flags[0..n). */
lr_status store_flags_replace(lr_store *s, int64_t employee_id, const char *work_day,
                              const day_event_flag *flags, size_t n, lr_error *err);
lr_status store_audit(lr_store *s, int64_t company_id, const char *actor, const char *action,
                      const char *detail, lr_error *err);
/* Inside a transaction: waits until no other transaction derives the
 * company's punches, and holds that until commit or rollback
 * (PostgreSQL: a transaction advisory lock; SQLite's single writer
 * needs none). */
lr_status store_lock_company(lr_store *s, int64_t company_id, lr_error *err);
/* The lease `name` of a company (a poll, a sync) for `seconds` from
 * now, to owner: LR_OK when it was free, expired or owner's already,
 * LR_EBUSY while another owner holds it. A store only one instance
 * uses (not store_shared) grants every lease without a write. */
lr_status store_lease_take(lr_store *s, const char *name, int64_t company_id, const char *owner,
                           int64_t now, int64_t seconds, lr_error *err);
/* Gives the lease back (if owner holds it). */
lr_status store_lease_drop(lr_store *s, const char *name, int64_t company_id, const char *owner,
                           lr_error *err);
/* Takes the company's next n KING OF TIME send slots, interval_us
 * apart, shared by every instance: *first_us gets the first one's
 * instant (microseconds since the epoch, never before now_us; when the
 * budget was idle, now_us + idle_phase_us); slot i is at *first_us +
 * i * interval_us. One statement. */
lr_status store_kot_slots_take(lr_store *s, int64_t company_id, int n, int64_t interval_us,
                               int64_t now_us, int64_t idle_phase_us, int64_t *first_us,
                               lr_error *err);

/* Opens (and migrates) the store named by `where`: a file path for SQLite,
 * a postgres:// or postgresql:// URL (libpq's) for PostgreSQL. The caller
 * closes it with store_close(). */
lr_status store_open(const char *where, lr_store **out, lr_error *err);
void store_close(lr_store *s);
/* 1 when `where` names a PostgreSQL database. */
int store_is_pg(const char *where);

/* 1 when several instances may share the store (PostgreSQL). */
int store_shared(const lr_store *s);
/* This process's name among instances sharing a store (host, pid and a
 * random part): what its outbox and poller leases carry. */
const char *store_instance_id(void);

/* Every division of the company, by code, in one array the caller frees
 * (NULL when there is none). */
lr_status store_divisions_all(lr_store *s, int64_t company_id, lr_division **out, size_t *n,
                              lr_error *err);
/* Every company, in one array the caller frees (NULL when there is none). */
lr_status store_companies_all(lr_store *s, lr_company **out, size_t *n, lr_error *err);
/* Deletes an SQLite database file and the files beside it (-wal, -shm and
 * its secrets key): for tests and benchmarks that make throw-away stores. */
void store_sqlite_remove(const char *path);

/* A fixed set of handles for a server's threads. store_pool_take blocks
 * until one is free. */
typedef struct lr_store_pool lr_store_pool;
lr_status store_pool_open(const char *where, int size, lr_store_pool **out, lr_error *err);
lr_store *store_pool_take(lr_store_pool *p);
void store_pool_give(lr_store_pool *p, lr_store *s);
void store_pool_close(lr_store_pool *p);

#endif
