/*
 * resp_cache — answers kept for repeated GETs. An answer is kept under its
 * company and a key that names everything else it depends on (the route,
 * its query parameters, for a page the session and language), together
 * with the company's data generation it was computed at (lr_company,
 * lr_session): the store bumps the generation in the same transaction as
 * every write of what a cached answer shows, so an answer found at the
 * generation read with the request is the answer computing it again would
 * give. A request that reads a newer generation misses and replaces it.
 *
 * What is cached (and what each reads, none of it delivery's or pollers'
 * bookkeeping, which does not bump the generation):
 * - GET /api/v1/punches (api.c): punches, employees;
 * - GET /logs, ログ表示 (ui_logs.c): events, links, employees, the company.
 *
 * Every kept answer carries an ETag (BLAKE2b of its body), and a request
 * whose If-None-Match names it is answered 304 (server.c).
 *
 * Bounded by bytes: the least recently used answers go first. Thread-safe.
 */
#ifndef LR_HTTP_RESP_CACHE_H
#define LR_HTTP_RESP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "http/server.h"

typedef struct resp_cache resp_cache;

/* A cache of at most max_bytes of answers; NULL when max_bytes is 0 (every
 * function takes NULL as a cache that keeps nothing) or out of memory. */
resp_cache *resp_cache_new(size_t max_bytes);
void resp_cache_free(resp_cache *c);

/* The key of rq: its method, path and the values of its declared query
 * parameters in their declared order, then variant (NULL: none). Returns 0
 * when it does not fit (the answer is then not cached). */
int resp_cache_key(const http_request *rq, const char *const *params, const char *variant,
                   char *out, size_t outsz);

/* Fills rs with the answer kept for (company, key) at generation gen;
 * 1 when there was one. */
int resp_cache_get(resp_cache *c, int64_t company, int64_t gen, const char *key,
                   http_response *rs);

/* Gives rs (a 200 that sets no cookie) its ETag and keeps a copy of it for
 * (company, key) at generation gen, unless a newer generation's answer is
 * kept already. Anything else is left as it is. */
void resp_cache_put(resp_cache *c, int64_t company, int64_t gen, const char *key,
                    http_response *rs);

typedef struct resp_cache_stats {
    uint64_t hits, misses, kept, evicted;
    size_t bytes, entries;
} resp_cache_stats;
void resp_cache_stats_get(resp_cache *c, resp_cache_stats *out);

#endif
