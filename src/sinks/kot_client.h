/*
 * kot_client — how calls reach the KING OF TIME WebAPI (libcurl): a
 * company's connection (base URL, Bearer token, timeout per call); one
 * call at a time (kot_call, for the employee sync); or many at once, from
 * one thread, through a transport (kot_transport) the punch delivery
 * drives, so that one company's slow answers never hold another's calls.
 * What to send is built by kot_api; what an answer means is kot_reply's.
 *
 * The token never appears in what is returned or logged: `request` holds
 * "METHOD PATH BODY" only. A punch POST always goes on a fresh connection
 * (see kot_client.c). Pacing is the caller's (kot_settings' send slots).
 */
#ifndef LR_SINKS_KOT_CLIENT_H
#define LR_SINKS_KOT_CLIENT_H

#include <stdint.h>

#include "sinks/kot_api.h"
#include "sinks/kot_reply.h"
#include "util/buf.h"

#define KOT_DEFAULT_BASE_URL "https://api.kingtime.jp/v1.0"

/* A company's KING OF TIME: immutable once made, so calls in flight may
 * share it. */
typedef struct kot_conn kot_conn;

lr_status kot_conn_new(const char *base_url, const char *token, long timeout_ms, kot_conn **out,
                       lr_error *err);
void kot_conn_free(kot_conn *c);
/* Its base URL (no trailing '/'). */
const char *kot_conn_base_url(const kot_conn *c);

/* Checks a base URL: https://, or http:// to a loopback address only. */
lr_status kot_check_base_url(const char *url, lr_error *err);

/* One call, waited for. Fills r (free r->body with buf_free) and returns
 * r->outcome. */
kot_outcome kot_call(const kot_conn *c, const kot_request *req, kot_reply *r);

/* Gets each answer of a transport: r (and its body) is valid during the
 * call only. */
typedef void (*kot_answer_fn)(void *ctx, void *tag, const kot_reply *r);

/* Many calls at once. start and poll are one thread's; wake is any
 * thread's. */
typedef struct kot_transport kot_transport;
typedef struct kot_transport_ops {
    /* Starts q to c (both copied: they may go before the answer comes);
     * its answer is handed, with tag, to the fn of a later poll. */
    lr_status (*start)(kot_transport *t, const kot_conn *c, const kot_request *q, void *tag,
                       lr_error *err);
    /* Hands every answer that has come to fn; waits up to wait_ms for one
     * when none has, or until wake. */
    void (*poll)(kot_transport *t, long wait_ms, kot_answer_fn fn, void *ctx);
    /* Ends a poll that waits now or will. */
    void (*wake)(kot_transport *t);
    /* Calls still in flight. */
    size_t (*in_flight)(const kot_transport *t);
    /* Drops calls in flight (their answers never come) and frees. */
    void (*free)(kot_transport *t);
} kot_transport_ops;

struct kot_transport {
    const kot_transport_ops *ops;
};

/* The libcurl transport (a multi handle). */
lr_status kot_transport_curl(kot_transport **out, lr_error *err);

#endif
