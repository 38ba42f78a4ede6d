/*
 * admins — administrators, sign-in and sessions (see admins.h).
 */
#include "service/admins.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "service/admin.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/token.h"

/* A login: 1-64 letters, digits and . _ @ - */
static lr_status check_login(const char *login, lr_error *err)
{
    size_t n = strlen(login);
    if (n == 0 || n > 64 ||
        strspn(login, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-") != n)
        return lr_fail(err, LR_EINVAL,
                       "the login '%.64s' must be 1-64 letters, digits, '.', '_', '@' or '-'",
                       login);
    return LR_OK;
}

static lr_status check_password(const char *pw, lr_error *err)
{
    size_t n = strlen(pw);
    if (n < ACCOUNT_PASSWORD_MIN || n > ACCOUNT_PASSWORD_MAX)
        return lr_fail(err, LR_EINVAL, "the password must be %d to %d characters",
                       ACCOUNT_PASSWORD_MIN, ACCOUNT_PASSWORD_MAX);
    return LR_OK;
}

static lr_status hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], lr_error *err)
{
    if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return lr_fail(err, LR_ENOMEM, "out of memory hashing the password");
    return LR_OK;
}

lr_status account_user_add(lr_store *s, const char *code, const char *login, const char *password,
                           const char *actor, lr_error *err)
{
    lr_company c;
    lr_user u = {0};
    char hash[crypto_pwhash_STRBYTES];
    lr_status st;

    _Static_assert(sizeof u.pw_hash >= crypto_pwhash_STRBYTES, "room for an argon2id hash");
    if ((st = check_login(login, err)) != LR_OK || (st = check_password(password, err)) != LR_OK ||
        (st = hash_password(password, hash, err)) != LR_OK)
        return st;
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK) {
        u.company_id = c.id;
        snprintf(u.login, sizeof u.login, "%s", login);
        snprintf(u.pw_hash, sizeof u.pw_hash, "%s", hash);
        st = store_user_insert(s, &u, err);
    }
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "user.add", login, err);
}

/* The two rate-limit keys of a sign-in. */
static void fail_keys(const char *code, const char *login, const char *ip, char *k1, size_t n1,
                      char *k2, size_t n2)
{
    snprintf(k1, n1, "login:%.8s/%.64s", code, login);
    snprintf(k2, n2, "ip:%.64s", ip ? ip : "-");
}

/* A hash verified against when the user does not exist, so that an
 * unknown login costs the same time as a wrong password. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    char pw[33];
    token_generate(pw, 32);
    if (crypto_pwhash_str(dummy, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy[0] = '\0';
}

lr_status account_login(lr_store *s, const char *code, const char *login, const char *password,
                        const char *ip, char token[ACCOUNT_TOKEN_LEN + 1], lr_error *err)
{
    char k_login[100], k_ip[80], hash[LR_TOKEN_HASH_LEN + 1], csrf[ACCOUNT_TOKEN_LEN + 1];
    int64_t now = clock_now(), n_login = 0, n_ip = 0;
    lr_company c;
    lr_user u;
    int known, ok;
    lr_status st;

    pthread_once(&dummy_once, dummy_make);
    fail_keys(code, login, ip, k_login, sizeof k_login, k_ip, sizeof k_ip);
    if ((st = store_login_failures_since(s, k_login, now - ACCOUNT_FAIL_WINDOW, &n_login, err)) !=
            LR_OK ||
        (st = store_login_failures_since(s, k_ip, now - ACCOUNT_FAIL_WINDOW, &n_ip, err)) != LR_OK)
        return st;
    if (n_login >= ACCOUNT_FAILS_MAX || n_ip >= ACCOUNT_FAILS_MAX_IP) {
        log_warn("sign-in of %s/%s from %s refused: too many failures", code, login, ip);
        return lr_fail(err, LR_ELIMIT, "too many failed sign-ins; wait %d minutes",
                       ACCOUNT_FAIL_WINDOW / 60);
    }
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK)
        st = store_user_get(s, c.id, login, &u, err);
    if (st != LR_OK && st != LR_ENOTFOUND)
        return st; /* the database failed: not the caller's failure */
    known = st == LR_OK && strlen(password) <= ACCOUNT_PASSWORD_MAX;
    ok = crypto_pwhash_str_verify(known ? u.pw_hash : dummy, password, strlen(password)) == 0 &&
         known;
    if (!ok) {
        if ((st = store_login_failure_add(s, k_login, now, err)) != LR_OK ||
            (st = store_login_failure_add(s, k_ip, now, err)) != LR_OK)
            return st;
        log_warn("sign-in of %s/%s from %s failed", code, login, ip);
        return lr_fail(err, LR_EAUTH, "the company ID, login or password is wrong");
    }
    token_random(token, ACCOUNT_TOKEN_LEN + 1, 32);
    token_random(csrf, sizeof csrf, 32);
    token_hash(token, hash);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_login_failures_clear(s, k_login, err);
    if (st == LR_OK)
        st = store_session_insert(s, hash, u.id, csrf, now, now + ACCOUNT_SESSION_SECONDS, err);
    return admin_commit_audited(s, st, c.id, login, "login", ip ? ip : "-", err);
}

lr_status account_session(lr_store *s, const char *token, lr_session *out)
{
    char hash[LR_TOKEN_HASH_LEN + 1];
    if (!token || strlen(token) != ACCOUNT_TOKEN_LEN)
        return LR_ENOTFOUND;
    token_hash(token, hash);
    return store_session_get(s, hash, clock_now(), out, NULL);
}

lr_status account_logout(lr_store *s, const char *token, lr_error *err)
{
    char hash[LR_TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    return store_session_delete(s, hash, err);
}

lr_status account_change_password(lr_store *s, const lr_session *se, const char *token,
                                  const char *current, const char *new_pw, const char *confirm,
                                  account_field *field, lr_error *err)
{
    lr_user u;
    char hash[crypto_pwhash_STRBYTES], keep[LR_TOKEN_HASH_LEN + 1];
    lr_status st;

    *field = ACCOUNT_FIELD_NONE;
    if ((st = store_user_get(s, se->company_id, se->login, &u, err)) != LR_OK)
        return st;
    if (strlen(current) > ACCOUNT_PASSWORD_MAX ||
        crypto_pwhash_str_verify(u.pw_hash, current, strlen(current)) != 0) {
        *field = ACCOUNT_FIELD_CURRENT;
        return lr_fail(err, LR_EAUTH, "the current password is wrong");
    }
    if ((st = check_password(new_pw, err)) != LR_OK) {
        *field = ACCOUNT_FIELD_NEW;
        return st;
    }
    if (strcmp(new_pw, confirm) != 0) {
        *field = ACCOUNT_FIELD_CONFIRM;
        return lr_fail(err, LR_EINVAL, "the two new passwords differ");
    }
    if ((st = hash_password(new_pw, hash, err)) != LR_OK)
        return st;
    snprintf(u.pw_hash, sizeof u.pw_hash, "%s", hash);
    token_hash(token, keep);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_user_update(s, &u, err);
    if (st == LR_OK) /* a stolen session ends with the old password */
        st = store_sessions_end(s, u.id, keep, err);
    return admin_commit_audited(s, st, se->company_id, se->login, "user.password", se->login, err);
}

lr_status account_set_lang(lr_store *s, const lr_session *se, const char *lang, lr_error *err)
{
    lr_user u;
    lr_status st = store_user_get(s, se->company_id, se->login, &u, err);
    if (st != LR_OK)
        return st;
    snprintf(u.lang, sizeof u.lang, "%s", strcmp(lang, "ja") == 0 ? "ja" : "en");
    return store_user_update(s, &u, err);
}
