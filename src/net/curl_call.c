/*
 * curl_call — the libcurl clients' shared parts (see curl_call.h).
 */
#include "net/curl_call.h"

#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void net_init(void)
{
    pthread_once(&once, init_once);
}

net_outcome net_outcome_of(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK: return NET_ANSWERED;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return NET_BAD_URL;
    case CURLE_COULDNT_RESOLVE_HOST: return NET_RESOLVE;
    case CURLE_COULDNT_RESOLVE_PROXY: return NET_RESOLVE_PROXY;
    case CURLE_COULDNT_CONNECT: return NET_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE: return NET_TLS;
    case CURLE_OPERATION_TIMEDOUT: return NET_TIMEOUT;
    case CURLE_WRITE_ERROR: return NET_TOO_BIG; /* net_body refused more */
    default: return NET_BROKEN;
    }
}

int net_not_sent(net_outcome o)
{
    return o == NET_BAD_URL || o == NET_RESOLVE || o == NET_RESOLVE_PROXY || o == NET_CONNECT ||
           o == NET_TLS;
}

size_t net_body(char *p, size_t size, size_t n, void *buf)
{
    return buf_append(buf, p, size * n) == LR_OK ? size * n : 0;
}

void net_common(net_opts *o, const char *url, struct curl_slist *headers, long timeout_ms,
                long connect_timeout_ms, lr_buf *buf)
{
    net_opt(o, CURLOPT_URL, url);
    net_opt(o, CURLOPT_HTTPHEADER, headers);
    net_opt(o, CURLOPT_NOSIGNAL, 1L);
    net_opt(o, CURLOPT_PROTOCOLS_STR, "http,https");
    net_opt(o, CURLOPT_FOLLOWLOCATION, 0L);
    net_opt(o, CURLOPT_TIMEOUT_MS, timeout_ms);
    net_opt(o, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    net_opt(o, CURLOPT_WRITEFUNCTION, net_body);
    net_opt(o, CURLOPT_WRITEDATA, buf);
}
