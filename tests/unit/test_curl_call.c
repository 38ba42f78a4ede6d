/*
 * test_curl_call — the libcurl clients' shared parts: a transfer's end
 * sorted into one outcome (what surely never reached the server, what may
 * have), an answer bounded by its buffer, and options whose first failure
 * is kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/curl_call.h"

static void outcomes(void **state)
{
    (void)state;
    assert_int_equal(net_outcome_of(CURLE_OK), NET_ANSWERED);
    assert_int_equal(net_outcome_of(CURLE_COULDNT_CONNECT), NET_CONNECT);
    assert_int_equal(net_outcome_of(CURLE_COULDNT_RESOLVE_PROXY), NET_RESOLVE_PROXY);
    assert_int_equal(net_outcome_of(CURLE_PEER_FAILED_VERIFICATION), NET_TLS);
    assert_int_equal(net_outcome_of(CURLE_OPERATION_TIMEDOUT), NET_TIMEOUT);
    assert_int_equal(net_outcome_of(CURLE_WRITE_ERROR), NET_TOO_BIG);
    assert_int_equal(net_outcome_of(CURLE_RECV_ERROR), NET_BROKEN);
    /* only what cannot have reached the server is "not sent" */
    assert_true(net_not_sent(NET_CONNECT) && net_not_sent(NET_TLS) && net_not_sent(NET_BAD_URL));
    assert_false(net_not_sent(NET_TIMEOUT) || net_not_sent(NET_BROKEN) || net_not_sent(NET_TOO_BIG));
}

static void bounded_body(void **state)
{
    lr_buf b;
    char chunk[600];
    (void)state;
    memset(chunk, 'x', sizeof chunk);
    buf_init(&b, 1000);
    assert_int_equal(net_body(chunk, 1, sizeof chunk, &b), sizeof chunk);
    assert_int_equal(net_body(chunk, 1, sizeof chunk, &b), 0); /* past 1000: stop */
    buf_free(&b);
}

static void a_real_refusal(void **state)
{
    CURL *e = curl_easy_init();
    net_opts o = {e, CURLE_OK};
    lr_buf b;
    (void)state;
    buf_init(&b, 1000);
    /* port 1 on loopback: nobody listens */
    net_common(&o, "http://127.0.0.1:1/", NULL, 2000, 2000, &b);
    assert_int_equal(o.first, CURLE_OK);
    assert_int_equal(net_outcome_of(curl_easy_perform(e)), NET_CONNECT);
    /* a refused option is kept, and the ones after it are not set */
    net_opt(&o, CURLOPT_PROTOCOLS_STR, "no-such-protocol");
    assert_int_not_equal(o.first, CURLE_OK);
    {
        CURLcode kept = o.first, rc = net_opt(&o, CURLOPT_TIMEOUT_MS, 5L);
        assert_int_equal(rc, kept);
        assert_int_equal(o.first, kept);
    }
    curl_easy_cleanup(e);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outcomes),
        cmocka_unit_test(bounded_body),
        cmocka_unit_test(a_real_refusal),
    };
    return cmocka_run_group_tests_name("curl_call", tests, NULL, NULL);
}
