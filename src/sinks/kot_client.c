/*
 * kot_client — libcurl calls to KING OF TIME, one at a time or many at once
 * (see kot_client.h).
 */
#include "sinks/kot_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "net/curl_call.h"

#define MULTI_CONNECTIONS 256L

struct kot_conn {
    char base[512];
    char auth[700]; /* "Authorization: Bearer ..." */
    long timeout_ms;
};

lr_status kot_check_base_url(const char *url, lr_error *err)
{
    static const char *const loopback[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};
    size_t n = strlen(url);
    if (n == 0 || n >= 500)
        return lr_fail(err, LR_EINVAL, "the KING OF TIME base URL must be 1-499 characters");
    if (strncasecmp(url, "https://", 8) == 0 && url[8])
        return LR_OK;
    for (size_t i = 0; i < sizeof loopback / sizeof loopback[0]; i++) {
        size_t l = strlen(loopback[i]);
        if (strncasecmp(url, loopback[i], l) == 0 && (url[l] == ':' || url[l] == '/' || !url[l]))
            return LR_OK;
    }
    return lr_fail(err, LR_EINVAL,
                   "base URL '%s' must start with https:// (http:// is allowed for 127.0.0.1, "
                   "localhost and [::1] only)",
                   url);
}

lr_status kot_conn_new(const char *base_url, const char *token, long timeout_ms, kot_conn **out,
                       lr_error *err)
{
    kot_conn *c;
    lr_status st = kot_check_base_url(base_url, err);
    if (st != LR_OK)
        return st;
    if (!token || !*token || strlen(token) > 600 || strpbrk(token, "\r\n"))
        return lr_fail(err, LR_EINVAL, "the KING OF TIME token is missing or malformed");
    net_init();
    if (!(c = calloc(1, sizeof *c)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    snprintf(c->base, sizeof c->base, "%s", base_url);
    for (size_t n = strlen(c->base); n > 0 && c->base[n - 1] == '/'; n--)
        c->base[n - 1] = '\0'; /* paths start with '/' */
    snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", token);
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    *out = c;
    return LR_OK;
}

const char *kot_conn_base_url(const kot_conn *c)
{
    return c->base;
}

void kot_conn_free(kot_conn *c)
{
    if (!c)
        return;
    memset(c->auth, 0, sizeof c->auth);
    free(c);
}

/* ---- one call's set-up and reading, shared by both ways ---- */

typedef struct kcall {
    CURL *e;
    struct curl_slist *h;
    char *url, *body;
    void *tag;
    struct timespec t0;
    kot_reply r;
    struct kcall *next, *prev; /* the free list (next), or in flight */
} kcall;

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

static void call_reset(kcall *k)
{
    curl_slist_free_all(k->h);
    free(k->url);
    free(k->body);
    buf_free(&k->r.body);
    k->h = NULL;
    k->url = k->body = NULL;
    k->tag = NULL;
}

/* Sets k's handle up for q to c. LR_OK, or the reason (in k->r) it could
 * not be: then nothing was sent. */
static lr_status call_setup(kcall *k, const kot_conn *c, const kot_request *q)
{
    size_t n = strlen(c->base) + strlen(q->path) + 1;
    net_opts o = {k->e, CURLE_OK};
    int post = strcmp(q->method, "POST") == 0;

    memset(&k->r, 0, sizeof k->r);
    buf_init(&k->r.body, KOT_ANSWER_MAX);
    snprintf(k->r.request, sizeof k->r.request, "%s %s%s%s", q->method, q->path,
             q->body ? " " : "", q->body ? q->body : "");
    k->url = malloc(n);
    k->body = q->body ? strdup(q->body) : NULL;
    if (k->url)
        snprintf(k->url, n, "%s%s", c->base, q->path);
    if (!k->url || (q->body && !k->body) ||
        !(k->h = curl_slist_append(NULL, c->auth)) ||
        !curl_slist_append(k->h, "Accept: application/json") ||
        (q->body && !curl_slist_append(k->h, "Content-Type: application/json; charset=utf-8"))) {
        snprintf(k->r.reason, sizeof k->r.reason, "out of memory");
        return LR_ENOMEM;
    }
    curl_easy_reset(k->e);
    /* each in turn, stopping at the first refused */
    net_common(&o, k->url, k->h, c->timeout_ms, c->timeout_ms, &k->r.body);
    net_opt(&o, CURLOPT_PRIVATE, k);
    net_opt(&o, CURLOPT_USERAGENT, "loginrec/" LR_VERSION);
    if (post) {
        net_opt(&o, CURLOPT_POST, 1L);
        net_opt(&o, CURLOPT_POSTFIELDS, k->body ? k->body : "");
        /* A punch POST is not idempotent. On a reused keep-alive connection
         * that closes without an answer, libcurl silently sends the request
         * again on a new one; if the server had recorded the first, KoT
         * holds the punch twice (the e2e fault test caught exactly this).
         * A fresh connection per punch disables that retry. */
        net_opt(&o, CURLOPT_FRESH_CONNECT, 1L);
        net_opt(&o, CURLOPT_FORBID_REUSE, 1L);
    }
    if (o.first != CURLE_OK) {
        snprintf(k->r.reason, sizeof k->r.reason, "cannot set the call up: %s",
                 curl_easy_strerror(o.first));
        return LR_EIO;
    }
    clock_gettime(CLOCK_MONOTONIC, &k->t0);
    return LR_OK;
}

/* What the call's end (rc) means, in k->r. */
static void call_read(kcall *k, CURLcode rc)
{
    kot_reply *r = &k->r;
    kot_arrival t = KOT_T_ANSWERED;
    r->duration_ms = elapsed_ms(&k->t0);
    net_outcome o = net_outcome_of(rc);
    if (o == NET_ANSWERED) {
        if (curl_easy_getinfo(k->e, CURLINFO_RESPONSE_CODE, &r->status) != CURLE_OK)
            r->status = 0;
    } else if (net_not_sent(o)) {
        t = KOT_T_NOT_SENT;
    } else {
        /* timeout, dropped, reset, empty reply, too large: the request may
         * have arrived. (Not even a timeout can be called "not sent" from
         * the connect time: a reused connection reports 0.) */
        t = KOT_T_NO_ANSWER;
    }
    r->outcome = kot_classify(t, r->status, r->body.data, r->body.len, r->reason, sizeof r->reason);
    if (t != KOT_T_ANSWERED) {
        size_t n = strlen(r->reason);
        snprintf(r->reason + n, sizeof r->reason - n, " (%s)", curl_easy_strerror(rc));
    }
}

/* The reply of a call that could not be set up: not sent. */
static void call_not_sent(kcall *k)
{
    char why[300];
    snprintf(why, sizeof why, "%s", k->r.reason);
    k->r.outcome = KOT_RETRY;
    snprintf(k->r.reason, sizeof k->r.reason, "the call was not made: %s", why);
}

kot_outcome kot_call(const kot_conn *c, const kot_request *req, kot_reply *r)
{
    kcall k = {0};
    net_init();
    if (!(k.e = curl_easy_init())) {
        memset(r, 0, sizeof *r);
        r->outcome = KOT_RETRY;
        snprintf(r->reason, sizeof r->reason, "cannot start an HTTP client");
        return r->outcome;
    }
    if (call_setup(&k, c, req) == LR_OK)
        call_read(&k, curl_easy_perform(k.e));
    else
        call_not_sent(&k);
    *r = k.r;
    k.r.body = (lr_buf){0}; /* now the caller's */
    call_reset(&k);
    curl_easy_cleanup(k.e);
    return r->outcome;
}

/* ---- many at once: a curl multi handle ---- */

typedef struct multi {
    kot_transport base;
    CURLM *m;
    kcall *free_calls;
    kcall *busy; /* in flight */
    size_t in_flight;
} multi;

static void busy_add(multi *mt, kcall *k)
{
    k->prev = NULL;
    k->next = mt->busy;
    if (mt->busy)
        mt->busy->prev = k;
    mt->busy = k;
    mt->in_flight++;
}

static void busy_remove(multi *mt, kcall *k)
{
    if (k->prev)
        k->prev->next = k->next;
    else
        mt->busy = k->next;
    if (k->next)
        k->next->prev = k->prev;
    mt->in_flight--;
}

static void to_free_list(multi *mt, kcall *k)
{
    call_reset(k);
    k->prev = NULL;
    k->next = mt->free_calls;
    mt->free_calls = k;
}

static lr_status m_start(kot_transport *t, const kot_conn *c, const kot_request *q, void *tag,
                         lr_error *err)
{
    multi *mt = (multi *)t;
    kcall *k = mt->free_calls;
    lr_status st;
    CURLMcode mc;
    if (k) {
        mt->free_calls = k->next;
    } else {
        if (!(k = calloc(1, sizeof *k)) || !(k->e = curl_easy_init())) {
            free(k);
            return lr_fail(err, LR_ENOMEM, "cannot start an HTTP client");
        }
    }
    k->next = NULL;
    if ((st = call_setup(k, c, q)) != LR_OK) {
        st = lr_fail(err, st, "%s", k->r.reason);
        to_free_list(mt, k);
        return st;
    }
    k->tag = tag;
    if ((mc = curl_multi_add_handle(mt->m, k->e)) != CURLM_OK) {
        to_free_list(mt, k);
        return lr_fail(err, LR_EIO, "cannot start a call: %s", curl_multi_strerror(mc));
    }
    busy_add(mt, k);
    return LR_OK;
}

static void m_drain(multi *mt, kot_answer_fn fn, void *ctx)
{
    CURLMsg *msg;
    int left, running;
    curl_multi_perform(mt->m, &running);
    while ((msg = curl_multi_info_read(mt->m, &left))) {
        kcall *k = NULL;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&k);
        call_read(k, msg->data.result);
        curl_multi_remove_handle(mt->m, k->e);
        busy_remove(mt, k);
        fn(ctx, k->tag, &k->r);
        to_free_list(mt, k);
    }
}

/* One curl_multi_perform a poll: with hundreds of calls in flight it
 * walks them all. Calls just started make curl_multi_poll return at once
 * (their timers are due), so they are under way without a perform of
 * their own. */
static void m_poll(kot_transport *t, long wait_ms, kot_answer_fn fn, void *ctx)
{
    multi *mt = (multi *)t;
    if (wait_ms > 0)
        curl_multi_poll(mt->m, NULL, 0, (int)wait_ms, NULL);
    m_drain(mt, fn, ctx);
}

static void m_wake(kot_transport *t)
{
    curl_multi_wakeup(((multi *)t)->m);
}

static size_t m_in_flight(const kot_transport *t)
{
    return ((const multi *)t)->in_flight;
}

static void m_free(kot_transport *t)
{
    multi *mt = (multi *)t;
    kcall *k;
    if (!mt)
        return;
    /* calls in flight: their handles are the multi's until removed */
    while ((k = mt->busy)) {
        curl_multi_remove_handle(mt->m, k->e);
        busy_remove(mt, k);
        to_free_list(mt, k);
    }
    while ((k = mt->free_calls)) {
        mt->free_calls = k->next;
        curl_easy_cleanup(k->e);
        free(k);
    }
    curl_multi_cleanup(mt->m);
    free(mt);
}

static const kot_transport_ops multi_ops = {m_start, m_poll, m_wake, m_in_flight, m_free};

lr_status kot_transport_curl(kot_transport **out, lr_error *err)
{
    multi *mt;
    net_init();
    if (!(mt = calloc(1, sizeof *mt)) || !(mt->m = curl_multi_init())) {
        free(mt);
        return lr_fail(err, LR_ENOMEM, "cannot start an HTTP client");
    }
    mt->base.ops = &multi_ops;
    if (curl_multi_setopt(mt->m, CURLMOPT_MAX_TOTAL_CONNECTIONS, MULTI_CONNECTIONS) != CURLM_OK) {
        curl_multi_cleanup(mt->m);
        free(mt);
        return lr_fail(err, LR_EIO, "cannot set the HTTP client up");
    }
    *out = &mt->base;
    return LR_OK;
}
