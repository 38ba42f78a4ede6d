/*
 * test_admins — administrators on a real SQLite file: argon2id hashes
 * (never the password), sign-in, one message for every wrong part, the
 * rate limit (the right password is refused too while it holds), sessions
 * and logout, and a password change that ends the other sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "service/admins.h"

#define PW "correct horse battery"

static int setup(void **state)
{
    lr_error err;
    if (fixture_fx_setup(state, "accounts") != 0)
        return -1;
    if (account_user_add(((fx *)*state)->s, "ACM", "admin", PW, "t", &err) != LR_OK) {
        fprintf(stderr, "setup: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    return fixture_fx_teardown(state);
}

static void users_are_checked_and_hashed(void **state)
{
    fx *f = *state;
    lr_error err;
    assert_int_equal(account_user_add(f->s, "ACM", "admin", PW, "t", &err), LR_EEXIST);
    assert_int_equal(account_user_add(f->s, "ACM", "bad login", PW, "t", &err), LR_EINVAL);
    assert_int_equal(account_user_add(f->s, "ACM", "short", "123456789", "t", &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "10 to 256 characters"));
    assert_int_equal(account_user_add(f->s, "NOP", "x", PW, "t", &err), LR_ENOTFOUND);
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM admin_users WHERE pw_hash "
                                              "LIKE '$argon2id$%' AND pw_hash NOT LIKE '%horse%'"),
                     1);
}

static void sign_in_and_out(void **state)
{
    fx *f = *state;
    char tok[ACCOUNT_TOKEN_LEN + 1];
    lr_session se;
    lr_error err;
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "127.0.0.1", tok, &err), LR_OK);
    assert_int_equal(strlen(tok), ACCOUNT_TOKEN_LEN);
    assert_int_equal(account_session(f->s, tok, &se), LR_OK);
    assert_string_equal(se.company_code, "ACM");
    assert_string_equal(se.login, "admin");
    assert_int_equal(strlen(se.csrf), ACCOUNT_TOKEN_LEN);
    /* only the hash of the cookie value is stored */
    assert_int_equal(fixture_sql_int(f->path, "SELECT count(*) FROM sessions"), 1);
    {
        char sql[200];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sessions WHERE id_hash = '%s'", tok);
        assert_int_equal(fixture_sql_int(f->path, sql), 0);
    }
    assert_int_equal(account_session(f->s, "not-a-token", &se), LR_ENOTFOUND);
    assert_int_equal(account_logout(f->s, tok, &err), LR_OK);
    assert_int_equal(account_session(f->s, tok, &se), LR_ENOTFOUND);
}

static void wrong_parts_get_one_message(void **state)
{
    fx *f = *state;
    char tok[ACCOUNT_TOKEN_LEN + 1], first[512];
    lr_error err;
    assert_int_equal(account_login(f->s, "ACM", "admin", "wrong password", "ip1", tok, &err),
                     LR_EAUTH);
    snprintf(first, sizeof first, "%s", err.message);
    assert_int_equal(account_login(f->s, "ACM", "nobody", PW, "ip1", tok, &err), LR_EAUTH);
    assert_string_equal(err.message, first);
    assert_int_equal(account_login(f->s, "XYZ", "admin", PW, "ip1", tok, &err), LR_EAUTH);
    assert_string_equal(err.message, first);
}

static void failures_are_rate_limited(void **state)
{
    fx *f = *state;
    char tok[ACCOUNT_TOKEN_LEN + 1];
    lr_error err;
    for (int i = 0; i < ACCOUNT_FAILS_MAX; i++)
        assert_int_equal(account_login(f->s, "ACM", "admin", "guess guess", "10.0.0.1", tok, &err),
                         LR_EAUTH);
    /* now even the right password waits */
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "10.0.0.2", tok, &err), LR_ELIMIT);
    assert_non_null(strstr(err.message, "wait 15 minutes"));
    /* the window passes */
    fixture_sql(f->path, "UPDATE login_failures SET at = at - 3600");
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "10.0.0.2", tok, &err), LR_OK);
    /* one address trying many logins is limited too */
    for (int i = 0; i < ACCOUNT_FAILS_MAX_IP; i++) {
        char login[32];
        snprintf(login, sizeof login, "user%d", i);
        assert_int_equal(account_login(f->s, "ACM", login, "guess guess", "10.9.9.9", tok, &err),
                         LR_EAUTH);
    }
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "10.9.9.9", tok, &err), LR_ELIMIT);
}

static void password_change_ends_other_sessions(void **state)
{
    fx *f = *state;
    char a[ACCOUNT_TOKEN_LEN + 1], b[ACCOUNT_TOKEN_LEN + 1];
    lr_session se;
    lr_error err;
    account_field field;
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "ip", a, &err), LR_OK);
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "ip", b, &err), LR_OK);
    assert_int_equal(account_session(f->s, a, &se), LR_OK);
    assert_int_equal(account_change_password(f->s, &se, a, "nope nope nope", "new password 1",
                                             "new password 1", &field, &err),
                     LR_EAUTH);
    assert_int_equal(field, ACCOUNT_FIELD_CURRENT);
    assert_int_equal(account_change_password(f->s, &se, a, PW, "short", "short", &field, &err),
                     LR_EINVAL);
    assert_int_equal(field, ACCOUNT_FIELD_NEW);
    assert_int_equal(account_change_password(f->s, &se, a, PW, "new password 1",
                                             "new password 2", &field, &err),
                     LR_EINVAL);
    assert_int_equal(field, ACCOUNT_FIELD_CONFIRM);
    assert_int_equal(account_change_password(f->s, &se, a, PW, "new password 1",
                                             "new password 1", &field, &err),
                     LR_OK);
    assert_int_equal(account_session(f->s, a, &se), LR_OK);          /* this one goes on */
    assert_int_equal(account_session(f->s, b, &se), LR_ENOTFOUND);   /* the other ended */
    assert_int_equal(account_login(f->s, "ACM", "admin", PW, "ip", b, &err), LR_EAUTH);
    assert_int_equal(account_login(f->s, "ACM", "admin", "new password 1", "ip", b, &err), LR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(users_are_checked_and_hashed, setup, teardown),
        cmocka_unit_test_setup_teardown(sign_in_and_out, setup, teardown),
        cmocka_unit_test_setup_teardown(wrong_parts_get_one_message, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_are_rate_limited, setup, teardown),
        cmocka_unit_test_setup_teardown(password_change_ends_other_sessions, setup, teardown),
    };
    return cmocka_run_group_tests_name("accounts", tests, NULL, NULL);
}
