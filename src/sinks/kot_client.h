/*
 * kot_client — HTTP calls to the KING OF TIME WebAPI (libcurl): Bearer
 * token, JSON bodies, a timeout per call, and every call of a company
 * (delivery, read-back, sync) spaced by that company's request rate, so the
 * API's per-token budget is respected however many threads call.
 *
 * The token never appears in what is returned or logged: `request` holds
 * "METHOD PATH BODY" only. A client is used by one thread at a time.
 */
#ifndef LR_SINKS_KOT_CLIENT_H
#define LR_SINKS_KOT_CLIENT_H

#include <stdint.h>

#include "sinks/kot_api.h"
#include "sinks/kot_reply.h"
#include "util/buf.h"

#define KOT_DEFAULT_BASE_URL "https://api.kingtime.jp/v1.0"
#define KOT_ANSWER_MAX (64u * 1024 * 1024)

typedef struct kot_client kot_client;

typedef struct kot_reply {
    kot_outcome outcome;
    long status; /* 0 when no answer */
    long duration_ms;
    char reason[300];
    char request[600];
    lr_buf body; /* the answer (bounded by KOT_ANSWER_MAX) */
} kot_reply;

/* company_id picks the shared rate limiter; rate is requests per second. */
lr_status kot_client_new(int64_t company_id, const char *base_url, const char *token,
                         double rate, long timeout_ms, kot_client **out, lr_error *err);
void kot_client_free(kot_client *c);

/* Checks a base URL: https://, or http:// to a loopback address only. */
lr_status kot_check_base_url(const char *url, lr_error *err);

/* One call (built by kot_api). Fills r (free r->body with buf_free) and
 * returns r->outcome. */
kot_outcome kot_call(kot_client *c, const kot_request *req, kot_reply *r);

#endif
