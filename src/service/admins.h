/*
 * admins — the administrators of the admin UI (ログイン / マイアカウント):
 * adding one, signing in and out, sessions, and changing a password.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str) and at
 * least ACCOUNT_PASSWORD_MIN characters. A session is a random cookie
 * value of which only a hash is stored, with its own CSRF token, and lasts
 * ACCOUNT_SESSION_SECONDS. Sign-in is rate-limited: after ACCOUNT_FAILS_MAX
 * failures of one company/login (or ACCOUNT_FAILS_MAX_IP from one address)
 * within ACCOUNT_FAIL_WINDOW seconds, attempts are refused (LR_ELIMIT)
 * until the window has passed, even with the right password.
 */
#ifndef LR_SERVICE_ADMINS_H
#define LR_SERVICE_ADMINS_H

#include "store/store.h"

#define ACCOUNT_PASSWORD_MIN 10
#define ACCOUNT_PASSWORD_MAX 256
#define ACCOUNT_SESSION_SECONDS (12 * 3600)
#define ACCOUNT_FAILS_MAX 5
#define ACCOUNT_FAILS_MAX_IP 20
#define ACCOUNT_FAIL_WINDOW (15 * 60)
#define ACCOUNT_TOKEN_LEN 43 /* cookie value: 32 random bytes, base64url */

lr_status account_user_add(lr_store *s, const char *code, const char *login, const char *password,
                           const char *actor, lr_error *err);

/* Signs in. On LR_OK token gets the new session's cookie value. LR_EAUTH:
 * wrong company, login or password (one message for all three); LR_ELIMIT:
 * too many failures; LR_EBUSY: the database did not answer in time (no
 * failure is counted). `ip` is the client's address, for the limit. */
lr_status account_login(lr_store *s, const char *code, const char *login, const char *password,
                        const char *ip, char token[ACCOUNT_TOKEN_LEN + 1], lr_error *err);

/* The live session of a cookie value; LR_ENOTFOUND when none. */
lr_status account_session(lr_store *s, const char *token, lr_session *out);

lr_status account_logout(lr_store *s, const char *token, lr_error *err);

typedef enum account_field {
    ACCOUNT_FIELD_NONE = 0,
    ACCOUNT_FIELD_CURRENT, /* the current password is wrong */
    ACCOUNT_FIELD_NEW,     /* too short or too long */
    ACCOUNT_FIELD_CONFIRM, /* the two new ones differ */
} account_field;

/* Changes the session's user's password; the user's other sessions end.
 * On LR_EINVAL / LR_EAUTH *field says which field is wrong. */
lr_status account_change_password(lr_store *s, const lr_session *se, const char *token,
                                  const char *current, const char *new_pw, const char *confirm,
                                  account_field *field, lr_error *err);

/* Remembers the user's 表示言語 ("ja" / "en"). */
lr_status account_set_lang(lr_store *s, const lr_session *se, const char *lang, lr_error *err);

#endif
