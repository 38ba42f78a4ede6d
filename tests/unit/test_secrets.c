/* test_secrets — sealing at rest: round trip, wrong key, tampering, key
 * file created 0600 and never overwritten, LOGINREC_KEY wins. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "store/secrets.h"
#include "util/token.h"

static char dir[256];

static int setup(void **state)
{
    const char *base = getenv("LR_TEST_TMP");
    if (sodium_init() < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s/secretsXXXXXX", base ? base : "/tmp");
    if (base)
        mkdir(base, 0700);
    return mkdtemp(dir) ? 0 : -1;
}

static void roundtrip_and_wrong_key(void **state)
{
    char path[512], *sealed, *plain;
    int created;
    lr_secrets k1, k2;
    unsetenv("LOGINREC_KEY");
    snprintf(path, sizeof path, "%s/a.key", dir);
    assert_int_equal(secrets_key_create(path, &created, NULL), LR_OK);
    assert_true(created);
    assert_int_equal(secrets_load(&k1, path, NULL), LR_OK);
    assert_int_equal(secrets_seal(&k1, "kot-token-ABC", &sealed, NULL), LR_OK);
    assert_null(strstr(sealed, "kot-token-ABC"));
    assert_int_equal(strncmp(sealed, "v1:", 3), 0);
    assert_int_equal(secrets_open(&k1, sealed, &plain, NULL), LR_OK);
    assert_string_equal(plain, "kot-token-ABC");
    secrets_free_plain(plain);
    /* another key cannot open it */
    randombytes_buf(k2.key, sizeof k2.key);
    assert_int_equal(secrets_open(&k2, sealed, &plain, NULL), LR_ECRYPTO);
    /* tampering is detected */
    sealed[10] = sealed[10] == 'A' ? 'B' : 'A';
    assert_int_equal(secrets_open(&k1, sealed, &plain, NULL), LR_ECRYPTO);
    free(sealed);
}

static void key_file_is_private_and_kept(void **state)
{
    char path[512];
    struct stat st;
    int created;
    lr_secrets a, b;
    snprintf(path, sizeof path, "%s/b.key", dir);
    assert_int_equal(secrets_key_create(path, &created, NULL), LR_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(secrets_load(&a, path, NULL), LR_OK);
    assert_int_equal(secrets_key_create(path, &created, NULL), LR_OK);
    assert_false(created);
    assert_int_equal(secrets_load(&b, path, NULL), LR_OK);
    assert_memory_equal(a.key, b.key, sizeof a.key);
}

static void env_key_wins(void **state)
{
    lr_secrets k;
    lr_error err;
    setenv("LOGINREC_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 1);
    assert_int_equal(secrets_load(&k, "/nonexistent/key", NULL), LR_OK);
    assert_int_equal(k.key[31], 0x1f);
    setenv("LOGINREC_KEY", "short", 1);
    assert_int_equal(secrets_load(&k, "/nonexistent/key", &err), LR_ECRYPTO);
    assert_non_null(strstr(err.message, "LOGINREC_KEY"));
    unsetenv("LOGINREC_KEY");
    assert_int_equal(secrets_load(&k, "/nonexistent/key", &err), LR_ENOTFOUND);
}

static void tokens_hash_stably(void **state)
{
    char t1[LR_TOKEN_LEN + 1], t2[LR_TOKEN_LEN + 1], h1[LR_TOKEN_HASH_LEN + 1],
        h2[LR_TOKEN_HASH_LEN + 1];
    token_generate(t1, LR_TOKEN_LEN);
    token_generate(t2, LR_TOKEN_LEN);
    assert_int_equal(strlen(t1), LR_TOKEN_LEN);
    assert_string_not_equal(t1, t2);
    token_hash(t1, h1);
    token_hash(t1, h2);
    assert_string_equal(h1, h2);
    token_hash(t2, h2);
    assert_string_not_equal(h1, h2);
    assert_null(strstr(h1, t1));
}

static void lanscope_tokens_are_32_alphanumerics(void **state)
{
    char t[LR_LANSCOPE_TOKEN_LEN + 1];
    (void)state;
    token_generate(t, LR_LANSCOPE_TOKEN_LEN);
    assert_true(token_well_formed(t, LR_LANSCOPE_TOKEN_LEN));
    assert_false(token_well_formed("abc", LR_LANSCOPE_TOKEN_LEN));
    assert_false(token_well_formed("0123456789abcdef0123456789abcde-", LR_LANSCOPE_TOKEN_LEN));
    assert_false(token_well_formed("0123456789abcdef0123456789abcdef0", LR_LANSCOPE_TOKEN_LEN));
    assert_true(token_well_formed("0123456789abcdefABCDEF6789abcdef", LR_LANSCOPE_TOKEN_LEN));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_and_wrong_key),
        cmocka_unit_test(key_file_is_private_and_kept),
        cmocka_unit_test(env_key_wins),
        cmocka_unit_test(tokens_hash_stably),
        cmocka_unit_test(lanscope_tokens_are_32_alphanumerics),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
