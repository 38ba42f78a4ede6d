/*
 * curl_call — what the three libcurl clients (KING OF TIME, MaLion, the
 * agent) share: an answer's body read into a bounded buffer, every
 * curl_easy_setopt checked, and a transfer's CURLcode sorted into one
 * outcome each client words its own way. A layer of its own (lr_net) above
 * util, so the agent can use it without the server.
 */
#ifndef LR_NET_CURL_CALL_H
#define LR_NET_CURL_CALL_H

#include <curl/curl.h>

#include "util/buf.h"

/* libcurl's global set-up, once per process, from any thread. */
void net_init(void);

/* What a transfer came to. */
typedef enum net_outcome {
    NET_ANSWERED = 0,   /* an HTTP status came back */
    NET_BAD_URL,        /* not sent: the URL or its scheme is wrong */
    NET_RESOLVE,        /* not sent: the host name was not found (DNS) */
    NET_RESOLVE_PROXY,  /* not sent: the proxy's host name was not found */
    NET_CONNECT,        /* not sent: nobody accepted the connection */
    NET_TLS,            /* not sent: TLS failed (certificate, handshake) */
    NET_TIMEOUT,        /* no answer in time: the request may have arrived */
    NET_TOO_BIG,        /* the answer outgrew its buffer */
    NET_BROKEN,         /* the connection broke: the request may have arrived */
} net_outcome;

/* The outcome of a transfer's CURLcode. */
net_outcome net_outcome_of(CURLcode rc);

/* 1 when the request surely never reached the server. */
int net_not_sent(net_outcome o);

/* CURLOPT_WRITEFUNCTION for a bounded lr_buf (CURLOPT_WRITEDATA): an
 * answer larger than its maximum stops the transfer (NET_TOO_BIG). */
size_t net_body(char *p, size_t size, size_t n, void *buf);

/* Options set on one handle, every result checked: the first failure is
 * kept, and the rest are skipped. */
typedef struct net_opts {
    CURL *e;
    CURLcode first;
} net_opts;

#define net_opt(o, option, value)                                                                  \
    ((o)->first == CURLE_OK ? ((o)->first = curl_easy_setopt((o)->e, (option), (value))) : (o)->first)

/* The options every client sets: the URL, its headers, no signals, only
 * http(s), no redirects, the timeouts (ms), and the body into buf. */
void net_common(net_opts *o, const char *url, struct curl_slist *headers, long timeout_ms,
                long connect_timeout_ms, lr_buf *buf);

#endif
