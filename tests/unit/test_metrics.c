/*
 * test_metrics — the counters' exposition: a label outside its list counts
 * as "other" (no series is made from a caller's word), the latency
 * histogram is cumulative with +Inf equal to its count, an unknown HTTP
 * status counts as code 0, gauges appear only when the store answered,
 * and counting from many threads loses nothing.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/metrics.h"

/* The value of the line starting with key in out, or -1. */
static double value_of(const char *out, const char *key)
{
    const char *p = out;
    size_t n = strlen(key);
    while ((p = strstr(p, key)) != NULL) {
        if ((p == out || p[-1] == '\n') && p[n] == ' ')
            return strtod(p + n + 1, NULL);
        p += n;
    }
    return -1;
}

static char *render(const metrics_gauges *g)
{
    lr_buf b;
    char *s;
    buf_init(&b, 1 << 20);
    assert_int_equal(metrics_render(&b, g), LR_OK);
    s = strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static void labels_stay_in_their_lists(void **state)
{
    char *out;
    (void)state;
    metrics_ingest("lanscope", 3, 1, 0, 2);
    metrics_ingest("ACME's own source", 5, 0, 0, 0);
    metrics_delivery("ok");
    metrics_delivery("a new outcome");
    metrics_malion_poll("error");
    metrics_http("/api/v1/ingest", 200);
    metrics_http("/settings/kot", 418);
    metrics_http("/metrics", 200);
    out = render(NULL);
    assert_true(value_of(out, "loginrec_events_total{source=\"lanscope\",result=\"accepted\"}") == 3);
    assert_true(value_of(out, "loginrec_events_total{source=\"lanscope\",result=\"duplicate\"}") == 1);
    assert_true(value_of(out, "loginrec_events_total{source=\"other\",result=\"accepted\"}") == 5);
    assert_null(strstr(out, "ACME"));
    assert_true(value_of(out, "loginrec_punches_derived_total") == 2);
    assert_true(value_of(out, "loginrec_delivery_attempts_total{outcome=\"ok\"}") == 1);
    assert_true(value_of(out, "loginrec_delivery_attempts_total{outcome=\"other\"}") == 1);
    assert_true(value_of(out, "loginrec_malion_polls_total{outcome=\"error\"}") == 1);
    assert_true(value_of(out, "loginrec_http_requests_total{class=\"api\",code=\"200\"}") == 1);
    assert_true(value_of(out, "loginrec_http_requests_total{class=\"ui\",code=\"0\"}") == 1);
    assert_true(value_of(out, "loginrec_http_requests_total{class=\"metrics\",code=\"200\"}") == 1);
    /* the store did not answer: no gauge, and store_up says so */
    assert_null(strstr(out, "loginrec_outbox_rows"));
    assert_true(value_of(out, "loginrec_store_up") == 0);
    free(out);
}

static void the_histogram_is_cumulative(void **state)
{
    static const double seconds[] = {0.5, 1, 3, 70, 4000, 200000};
    char *out;
    (void)state;
    for (size_t i = 0; i < sizeof seconds / sizeof *seconds; i++)
        metrics_delivered(seconds[i]);
    out = render(NULL);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"1\"}") == 2);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"5\"}") == 3);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"60\"}") == 3);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"300\"}") == 4);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"21600\"}") == 5);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"86400\"}") == 5);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_bucket{le=\"+Inf\"}") == 6);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_count") == 6);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_sum") == 204074.5);
    free(out);
}

static void gauges_show_when_the_store_answered(void **state)
{
    metrics_gauges g = {7, 1, 2, 10, 1, 3, 1};
    char *out;
    (void)state;
    out = render(&g);
    assert_true(value_of(out, "loginrec_outbox_rows{state=\"pending\"}") == 7);
    assert_true(value_of(out, "loginrec_outbox_rows{state=\"sending\"}") == 1);
    assert_true(value_of(out, "loginrec_outbox_rows{state=\"failed\"}") == 2);
    assert_true(value_of(out, "loginrec_companies") == 10);
    assert_true(value_of(out, "loginrec_companies_in_error{what=\"delivery\"}") == 1);
    assert_true(value_of(out, "loginrec_companies_in_error{what=\"malion\"}") == 3);
    assert_true(value_of(out, "loginrec_store_up") == 1);
    free(out);
}

enum { THREADS = 8, EACH = 20000 };

static void *count_many(void *arg)
{
    (void)arg;
    for (int i = 0; i < EACH; i++) {
        metrics_ingest("wtmp", 1, 0, 0, 0);
        metrics_delivered(2);
    }
    return NULL;
}

static void threads_lose_nothing(void **state)
{
    pthread_t t[THREADS];
    double before_sum, before_n;
    char *out = render(NULL);
    (void)state;
    before_sum = value_of(out, "loginrec_delivery_latency_seconds_sum");
    before_n = value_of(out, "loginrec_delivery_latency_seconds_count");
    free(out);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, count_many, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    out = render(NULL);
    assert_true(value_of(out, "loginrec_events_total{source=\"wtmp\",result=\"accepted\"}") ==
                THREADS * EACH);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_count") == before_n + THREADS * EACH);
    assert_true(value_of(out, "loginrec_delivery_latency_seconds_sum") ==
                before_sum + 2.0 * THREADS * EACH);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(labels_stay_in_their_lists),
        cmocka_unit_test(the_histogram_is_cumulative),
        cmocka_unit_test(gauges_show_when_the_store_answered),
        cmocka_unit_test(threads_lose_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
