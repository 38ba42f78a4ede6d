/*
 * store_admins — the admin UI's people: administrators, their sessions,
 * failed logins (for the flood limit) and the link CSV held between [送信]
 * and [実行]. Part of the store (store.h).
 */
#ifndef LR_STORE_STORE_ADMINS_H
#define LR_STORE_STORE_ADMINS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/status.h"

typedef struct lr_store lr_store;

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
    int64_t generation; /* the company's data generation (lr_company) */
} lr_session;

/* Administrators and their sessions (store_sql_admins.c). */
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

#endif
