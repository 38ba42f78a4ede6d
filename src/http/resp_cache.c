/*
 * resp_cache — answers kept for repeated GETs (see resp_cache.h): a hash
 * table of entries on a least-recently-used list, under one mutex.
 */
#include "http/resp_cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 4096u /* a power of two; chains stay short at the sizes kept */

typedef struct entry {
    struct entry *next;        /* in its bucket */
    struct entry *newer, *older; /* on the LRU list */
    uint64_t hash;
    int64_t company, gen;
    int html;
    const char *content_type; /* a handler's static string */
    const char *cache_control;
    char etag[sizeof ((http_response *)0)->etag];
    char *key, *body;
    size_t len, cost;
} entry;

struct resp_cache {
    pthread_mutex_t mu;
    entry *bucket[BUCKETS];
    entry *newest, *oldest;
    size_t max, bytes, entries;
    uint64_t hits, misses, kept, evicted;
};

resp_cache *resp_cache_new(size_t max_bytes)
{
    resp_cache *c;
    if (max_bytes == 0 || !(c = calloc(1, sizeof *c)))
        return NULL;
    pthread_mutex_init(&c->mu, NULL);
    c->max = max_bytes;
    return c;
}

static void entry_free(entry *e)
{
    free(e->key);
    free(e->body);
    free(e);
}

void resp_cache_free(resp_cache *c)
{
    if (!c)
        return;
    for (entry *e = c->newest, *next; e; e = next) {
        next = e->older;
        entry_free(e);
    }
    pthread_mutex_destroy(&c->mu);
    free(c);
}

int resp_cache_key(const http_request *rq, const char *const *params, const char *variant,
                   char *out, size_t outsz)
{
    size_t n = (size_t)snprintf(out, outsz, "%s %s", rq->method, rq->path);
    for (size_t i = 0; params[i] && n < outsz; i++) {
        const char *v = http_query(rq, params[i]);
        /* a parameter absent and one present but empty are told apart */
        n += (size_t)snprintf(out + n, outsz - n, "\n%s%s%s", params[i], v ? "=" : "", v ? v : "");
    }
    if (variant && n < outsz)
        n += (size_t)snprintf(out + n, outsz - n, "\n|%s", variant);
    return n < outsz;
}

/* FNV-1a of the company and the key. */
static uint64_t hash_of(int64_t company, const char *key)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)company;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

static entry **slot_of(resp_cache *c, uint64_t h, int64_t company, const char *key)
{
    entry **pp = &c->bucket[h & (BUCKETS - 1)];
    while (*pp && ((*pp)->hash != h || (*pp)->company != company || strcmp((*pp)->key, key)))
        pp = &(*pp)->next;
    return pp;
}

static void lru_unlink(resp_cache *c, entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void lru_front(resp_cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

/* Takes e out of the table and the list and frees it. */
static void drop(resp_cache *c, entry *e)
{
    entry **pp = slot_of(c, e->hash, e->company, e->key);
    *pp = e->next;
    lru_unlink(c, e);
    c->bytes -= e->cost;
    c->entries--;
    entry_free(e);
}

int resp_cache_get(resp_cache *c, int64_t company, int64_t gen, const char *key,
                   http_response *rs)
{
    uint64_t h;
    entry *e;
    int hit = 0;
    if (!c)
        return 0;
    h = hash_of(company, key);
    pthread_mutex_lock(&c->mu);
    e = *slot_of(c, h, company, key);
    if (e && e->gen == gen) {
        buf_reset(&rs->body);
        if (buf_append(&rs->body, e->body, e->len) == LR_OK) {
            rs->status = 200;
            rs->content_type = e->content_type;
            rs->cache_control = e->cache_control;
            rs->html = e->html;
            memcpy(rs->etag, e->etag, sizeof rs->etag);
            rs->cache_hit = 1;
            lru_unlink(c, e);
            lru_front(c, e);
            hit = 1;
        }
    }
    if (hit)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->mu);
    return hit;
}

/* rs's ETag: a strong validator, the first 16 bytes of BLAKE2b of the body. */
static void etag_of(http_response *rs)
{
    unsigned char d[16];
    static const char hex[] = "0123456789abcdef";
    char *o = rs->etag;
    crypto_generichash(d, sizeof d, (const unsigned char *)(rs->body.data ? rs->body.data : ""),
                       rs->body.len, NULL, 0);
    *o++ = '"';
    for (size_t i = 0; i < sizeof d; i++) {
        *o++ = hex[d[i] >> 4];
        *o++ = hex[d[i] & 15];
    }
    *o++ = '"';
    *o = '\0';
}

void resp_cache_put(resp_cache *c, int64_t company, int64_t gen, const char *key,
                    http_response *rs)
{
    uint64_t h;
    entry **pp, *e;
    size_t klen, cost;
    if (rs->status != 200 || rs->cookies[0][0] || rs->location[0])
        return;
    etag_of(rs);
    klen = strlen(key);
    cost = sizeof(entry) + klen + 1 + rs->body.len;
    if (!c || cost > c->max / 4) /* one answer never takes most of the cache */
        return;
    h = hash_of(company, key);
    pthread_mutex_lock(&c->mu);
    pp = slot_of(c, h, company, key);
    if (*pp && (*pp)->gen > gen) { /* a newer answer is kept: this one is old already */
        pthread_mutex_unlock(&c->mu);
        return;
    }
    if (*pp)
        drop(c, *pp);
    e = calloc(1, sizeof *e);
    if (e && (e->key = malloc(klen + 1)) && (e->body = malloc(rs->body.len ? rs->body.len : 1))) {
        memcpy(e->key, key, klen + 1);
        if (rs->body.len)
            memcpy(e->body, rs->body.data, rs->body.len);
        e->len = rs->body.len;
        e->hash = h;
        e->company = company;
        e->gen = gen;
        e->html = rs->html;
        e->content_type = rs->content_type;
        e->cache_control = rs->cache_control;
        memcpy(e->etag, rs->etag, sizeof e->etag);
        e->cost = cost;
        pp = slot_of(c, h, company, key);
        e->next = *pp;
        *pp = e;
        lru_front(c, e);
        c->bytes += cost;
        c->entries++;
        c->kept++;
        while (c->bytes > c->max && c->oldest != e) {
            drop(c, c->oldest);
            c->evicted++;
        }
    } else if (e) {
        entry_free(e);
    }
    pthread_mutex_unlock(&c->mu);
}

void resp_cache_stats_get(resp_cache *c, resp_cache_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!c)
        return;
    pthread_mutex_lock(&c->mu);
    *out = (resp_cache_stats){c->hits, c->misses, c->kept, c->evicted, c->bytes, c->entries};
    pthread_mutex_unlock(&c->mu);
}
