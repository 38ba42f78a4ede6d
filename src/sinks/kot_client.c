/*
 * kot_client — libcurl calls to KING OF TIME with a per-company rate
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

#include "util/ratelimit.h"

struct kot_client {
    CURL *curl;
    char base[512];
    char auth[700]; /* "Authorization: Bearer ..." */
    long timeout_ms;
    ratelimit *limit;
};

/* One limiter per company for the whole process, created on first use. */
#define LIMITERS 256
static struct {
    int64_t company_id;
    ratelimit r;
} limiters[LIMITERS];
static size_t nlimiters;
static pthread_mutex_t limiters_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static ratelimit *limiter_for(int64_t company_id, double rate)
{
    ratelimit *r = NULL;
    pthread_mutex_lock(&limiters_mu);
    for (size_t i = 0; i < nlimiters && !r; i++)
        if (limiters[i].company_id == company_id)
            r = &limiters[i].r;
    if (!r && nlimiters < LIMITERS) {
        limiters[nlimiters].company_id = company_id;
        r = &limiters[nlimiters].r;
        ratelimit_init(r, rate);
        nlimiters++;
    }
    pthread_mutex_unlock(&limiters_mu);
    if (r)
        ratelimit_set(r, rate);
    return r;
}

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

lr_status kot_client_new(int64_t company_id, const char *base_url, const char *token,
                         double rate, long timeout_ms, kot_client **out, lr_error *err)
{
    kot_client *c;
    lr_status st = kot_check_base_url(base_url, err);
    if (st != LR_OK)
        return st;
    if (!token || !*token || strlen(token) > 600 || strpbrk(token, "\r\n"))
        return lr_fail(err, LR_EINVAL, "the KING OF TIME token is missing or malformed");
    pthread_once(&curl_once, curl_init_once);
    c = calloc(1, sizeof *c);
    if (!c || !(c->curl = curl_easy_init())) {
        free(c);
        return lr_fail(err, LR_ENOMEM, "cannot start an HTTP client");
    }
    snprintf(c->base, sizeof c->base, "%s", base_url);
    for (size_t n = strlen(c->base); n > 0 && c->base[n - 1] == '/'; n--)
        c->base[n - 1] = '\0'; /* paths start with '/' */
    snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", token);
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
    c->limit = limiter_for(company_id, rate);
    *out = c;
    return LR_OK;
}

void kot_client_free(kot_client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    memset(c->auth, 0, sizeof c->auth);
    free(c);
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    lr_buf *b = ud;
    return buf_append(b, p, size * n) == LR_OK ? size * n : 0;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

kot_outcome kot_call(kot_client *c, const kot_request *req, kot_reply *r)
{
    const char *method = req->method, *path = req->path, *json = req->body;
    char url[4096];
    struct curl_slist *h = NULL;
    struct timespec t0;
    kot_transport t = KOT_T_ANSWERED;
    CURLcode rc;

    memset(r, 0, sizeof *r);
    buf_init(&r->body, KOT_ANSWER_MAX);
    snprintf(r->request, sizeof r->request, "%s %s%s%s", method, path, json ? " " : "",
             json ? json : "");
    if ((size_t)snprintf(url, sizeof url, "%s%s", c->base, path) >= sizeof url) {
        r->outcome = KOT_REJECTED;
        snprintf(r->reason, sizeof r->reason, "the request's URL is longer than %zu bytes",
                 sizeof url - 1);
        return r->outcome;
    }
    if (c->limit)
        ratelimit_acquire(c->limit);

    curl_easy_reset(c->curl);
    h = curl_slist_append(h, c->auth);
    h = curl_slist_append(h, "Accept: application/json");
    if (json)
        h = curl_slist_append(h, "Content-Type: application/json; charset=utf-8");
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "loginrec/" LR_VERSION);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, json ? json : "");
        /* A punch POST is not idempotent. On a reused keep-alive connection
         * that closes without an answer, libcurl silently sends the request
         * again on a new one; if the server had recorded the first, KoT
         * holds the punch twice (the e2e fault test caught exactly this).
         * A fresh connection per punch disables that retry. */
        curl_easy_setopt(c->curl, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(c->curl, CURLOPT_FORBID_REUSE, 1L);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = curl_easy_perform(c->curl);
    r->duration_ms = elapsed_ms(&t0);
    curl_slist_free_all(h);

    if (rc == CURLE_OK) {
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->status);
    } else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
               rc == CURLE_COULDNT_RESOLVE_PROXY || rc == CURLE_SSL_CONNECT_ERROR ||
               rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT) {
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
    return r->outcome;
}
