/*
 * test_resp_cache — the response cache alone: an answer is found only at
 * the generation it was kept at and for its own company, an older
 * generation never replaces a newer one, the least recently used answers
 * go when the bytes run out, and only a 200 without cookies is kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "http/resp_cache.h"

static http_response answer(const char *body)
{
    http_response rs;
    memset(&rs, 0, sizeof rs);
    buf_init(&rs.body, 1u << 20);
    rs.status = 200;
    rs.content_type = "application/json; charset=utf-8";
    buf_puts(&rs.body, body);
    return rs;
}

/* The body found for (company, gen, key), or "" when none. */
static const char *found(resp_cache *c, int64_t company, int64_t gen, const char *key)
{
    static char out[256];
    http_response rs = answer("");
    out[0] = '\0';
    if (resp_cache_get(c, company, gen, key, &rs))
        snprintf(out, sizeof out, "%.*s", (int)rs.body.len, rs.body.data);
    buf_free(&rs.body);
    return out;
}

static void put(resp_cache *c, int64_t company, int64_t gen, const char *key, const char *body)
{
    http_response rs = answer(body);
    resp_cache_put(c, company, gen, key, &rs);
    assert_int_equal(strlen(rs.etag), 34); /* "32 hex digits" */
    buf_free(&rs.body);
}

static void found_at_its_generation_and_company_only(void **state)
{
    resp_cache *c = resp_cache_new(1u << 20);
    (void)state;
    put(c, 1, 5, "GET /api/v1/punches\nfrom=2026-11-01", "A5");
    assert_string_equal(found(c, 1, 5, "GET /api/v1/punches\nfrom=2026-11-01"), "A5");
    assert_string_equal(found(c, 1, 6, "GET /api/v1/punches\nfrom=2026-11-01"), "");
    assert_string_equal(found(c, 2, 5, "GET /api/v1/punches\nfrom=2026-11-01"), "");
    assert_string_equal(found(c, 1, 5, "GET /api/v1/punches\nfrom=2026-11-02"), "");
    /* a newer generation replaces it; an older one then does not */
    put(c, 1, 6, "GET /api/v1/punches\nfrom=2026-11-01", "A6");
    put(c, 1, 5, "GET /api/v1/punches\nfrom=2026-11-01", "A5 late");
    assert_string_equal(found(c, 1, 6, "GET /api/v1/punches\nfrom=2026-11-01"), "A6");
    assert_string_equal(found(c, 1, 5, "GET /api/v1/punches\nfrom=2026-11-01"), "");
    resp_cache_stats st;
    resp_cache_stats_get(c, &st);
    assert_int_equal(st.entries, 1);
    resp_cache_free(c);
}

static void the_same_body_has_the_same_etag(void **state)
{
    http_response a = answer("{\"punches\":[]}"), b = answer("{\"punches\":[]}"),
                  d = answer("{\"punches\":[1]}");
    (void)state;
    resp_cache_put(NULL, 1, 1, "k", &a); /* no cache: the ETag still comes */
    resp_cache_put(NULL, 1, 2, "k", &b);
    resp_cache_put(NULL, 1, 2, "k", &d);
    assert_string_equal(a.etag, b.etag);
    assert_string_not_equal(a.etag, d.etag);
    assert_int_equal(resp_cache_get(NULL, 1, 1, "k", &a), 0);
    buf_free(&a.body);
    buf_free(&b.body);
    buf_free(&d.body);
}

static void only_a_plain_200_is_kept(void **state)
{
    resp_cache *c = resp_cache_new(1u << 20);
    http_response rs = answer("x");
    (void)state;
    rs.status = 400;
    resp_cache_put(c, 1, 1, "bad", &rs);
    rs.status = 200;
    snprintf(rs.cookies[0], sizeof rs.cookies[0], "lr_pre=abc");
    resp_cache_put(c, 1, 1, "cookie", &rs);
    assert_string_equal(found(c, 1, 1, "bad"), "");
    assert_string_equal(found(c, 1, 1, "cookie"), "");
    buf_free(&rs.body);
    resp_cache_free(c);
}

static void the_least_recently_used_go_first(void **state)
{
    char body[1000], key[16];
    resp_cache *c = resp_cache_new(16 * 1024);
    resp_cache_stats st;
    (void)state;
    memset(body, 'b', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    for (int i = 0; i < 10; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(c, 1, 1, key, body);
    }
    resp_cache_stats_get(c, &st);
    assert_int_equal(st.entries, 10);
    assert_int_equal(st.evicted, 0);
    /* k0 read (most recent now), then 10 more: k1.. go before k0 */
    {
        http_response rs = answer("");
        assert_int_equal(resp_cache_get(c, 1, 1, "k0", &rs), 1);
        buf_free(&rs.body);
    }
    for (int i = 10; i < 20; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(c, 1, 1, key, body);
    }
    resp_cache_stats_get(c, &st);
    assert_true(st.bytes <= 16 * 1024);
    assert_true(st.evicted > 0);
    {
        http_response rs = answer("");
        assert_int_equal(resp_cache_get(c, 1, 1, "k0", &rs), 1);
        assert_int_equal(resp_cache_get(c, 1, 1, "k1", &rs), 0);
        assert_int_equal(resp_cache_get(c, 1, 1, "k19", &rs), 1);
        buf_free(&rs.body);
    }
    resp_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(found_at_its_generation_and_company_only),
        cmocka_unit_test(the_same_body_has_the_same_etag),
        cmocka_unit_test(only_a_plain_200_is_kept),
        cmocka_unit_test(the_least_recently_used_go_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
