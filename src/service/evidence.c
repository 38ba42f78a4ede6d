/*
 * evidence — verify a company's chain; sign and check its digest (see
 * evidence.h).
 */
#include "service/evidence.h"

#include <jansson.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/timefmt.h"
#include "util/tz.h"

typedef struct gap {
    int64_t seq;
    char prev[CHAIN_HEX];
} gap;

typedef struct walk {
    const lr_company *c;
    verify_report *r;
    const progress_hook *progress;
    unsigned char gap_key[32];
    gap *gaps;
    size_t ngaps, capgaps, at;
    int forged;            /* a purge's record not sealed by loginrec */
    int64_t forged_seq;
    char prev[CHAIN_HEX];  /* what the next place must follow */
    int64_t last_seq, last_id;
    char last_link[CHAIN_HEX];
} walk;

static int keep_gap(void *ctx, int64_t seq, const char *prev, const char *mac)
{
    walk *w = ctx;
    char want[CHAIN_HEX];
    chain_gap_mac(w->gap_key, w->c->id, seq, prev, want);
    if (strcmp(want, mac) != 0) {
        w->forged = 1;
        w->forged_seq = seq;
        return 1;
    }
    if (w->ngaps == w->capgaps) {
        size_t cap = w->capgaps ? 2 * w->capgaps : 16;
        gap *g = realloc(w->gaps, cap * sizeof *g);
        if (!g)
            return 1;
        w->gaps = g;
        w->capgaps = cap;
    }
    w->gaps[w->ngaps].seq = seq;
    snprintf(w->gaps[w->ngaps].prev, CHAIN_HEX, "%s", prev);
    w->ngaps++;
    return 0;
}

static void describe(const chain_event *e, char *out, size_t outsz)
{
    char t[32];
    tf_format_iso(e->utc, e->offset_sec, t);
    snprintf(out, outsz, "#%lld (%s %s %s %s)", (long long)e->id, t, e->account, e->op,
             e->host[0] ? e->host : "-");
}

static int fail(walk *w, int64_t id, const char *fmt, ...) LR_PRINTF(3, 4);
static int fail(walk *w, int64_t id, const char *fmt, ...)
{
    va_list ap;
    w->r->ok = 0;
    w->r->bad_id = id;
    va_start(ap, fmt);
    vsnprintf(w->r->why, sizeof w->r->why, fmt, ap);
    va_end(ap);
    return 1;
}

static int check_row(void *ctx, const lr_chain_row *row)
{
    walk *w = ctx;
    char want[CHAIN_HEX], what[300];
    int resumes = 0;
    while (w->at < w->ngaps && w->gaps[w->at].seq < row->seq)
        w->at++;
    describe(&row->e, what, sizeof what);
    if (w->at < w->ngaps && w->gaps[w->at].seq == row->seq) {
        /* the places before it were purged: it follows what they ended with */
        memcpy(w->prev, w->gaps[w->at].prev, CHAIN_HEX);
        resumes = 1;
        w->r->gaps++;
    }
    if (row->seq == w->last_seq)
        return fail(w, row->e.id,
                    "event %s claims place %lld of the chain, which event #%lld holds: it was "
                    "put in behind loginrec's back",
                    what, (long long)row->seq, (long long)w->last_id);
    if (!resumes && row->seq != w->last_seq + 1) {
        if (w->last_id)
            return fail(w, row->e.id,
                        "%lld event(s) stored between #%lld and %s were removed (places %lld "
                        "to %lld of the chain), with no purge to say so",
                        (long long)(row->seq - w->last_seq - 1), (long long)w->last_id, what,
                        (long long)w->last_seq + 1, (long long)row->seq - 1);
        return fail(w, row->e.id,
                    "%lld event(s) stored before %s were removed (the first places of the "
                    "chain), with no purge to say so",
                    (long long)(row->seq - 1), what);
    }
    w->r->events++;
    if (w->r->events % 20000 == 0)
        progress_report(w->progress, PROGRESS_CHECK, (uint64_t)w->r->events,
                        (uint64_t)w->r->head.events, 0);
    if (chain_link(w->prev, &row->e, want) != 0 || strcmp(want, row->link) != 0)
        return fail(w, row->e.id,
                    "event %s does not match its link: it was changed after it was stored", what);
    memcpy(w->prev, row->link, CHAIN_HEX);
    w->last_seq = row->seq;
    w->last_id = row->e.id;
    memcpy(w->last_link, row->link, CHAIN_HEX);
    return 0;
}

/* Whether a purge recorded that place seq follows something (the head's
 * next place, after a purge that took the head). */
static int recorded(const walk *w, int64_t seq)
{
    for (size_t i = 0; i < w->ngaps; i++)
        if (w->gaps[i].seq == seq)
            return 1;
    return 0;
}

lr_status evidence_verify(lr_store *s, const lr_company *c, const lr_secrets *sec,
                          const progress_hook *progress, verify_report *r, lr_error *err)
{
    walk w;
    lr_status st;
    memset(r, 0, sizeof *r);
    memset(&w, 0, sizeof w);
    w.c = c;
    w.r = r;
    w.progress = progress;
    chain_gap_key(sec->key, c->id, w.gap_key);
    memcpy(w.prev, chain_genesis, CHAIN_HEX);
    r->ok = 1;
    if ((st = store_chain_seal(s, c->id, &r->sealed, err)) != LR_OK)
        return st;
    /* one snapshot for the head, the purges' records and the walk: an
     * ingest or a purge committing meanwhile is not half seen */
    if ((st = store_read_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_chain_head(s, c->id, &r->head, err)) == LR_OK &&
        (st = store_chain_gaps(s, c->id, keep_gap, &w, err)) == LR_OK && !w.forged)
        st = store_chain_walk(s, c->id, check_row, &w, err);
    store_read_end(s);
    sodium_memzero(w.gap_key, sizeof w.gap_key);
    if (st == LR_OK && w.forged)
        fail(&w, 0,
             "the record that place %lld of the chain follows a purge was not made by "
             "loginrec (its seal does not match): put in behind its back",
             (long long)w.forged_seq);
    if (st == LR_OK && r->ok && r->head.unlinked > 0)
        fail(&w, r->head.first_unlinked,
             "%lld event(s) have no place in the chain, the first #%lld: they were not stored "
             "by loginrec (put in behind its back)",
             (long long)r->head.unlinked, (long long)r->head.first_unlinked);
    if (st == LR_OK && r->ok) {
        if (w.last_seq > r->head.seq)
            fail(&w, w.last_id,
                 "event #%lld holds place %lld, after the chain's head (place %lld): it was put "
                 "in behind loginrec's back",
                 (long long)w.last_id, (long long)w.last_seq, (long long)r->head.seq);
        else if (w.last_seq < r->head.seq && !recorded(&w, r->head.seq + 1))
            fail(&w, 0,
                 "the chain's head is event #%lld (place %lld), but the last event is #%lld "
                 "(place %lld): the events stored last were removed",
                 (long long)r->head.id, (long long)r->head.seq, (long long)w.last_id,
                 (long long)w.last_seq);
        else if (w.last_seq == r->head.seq && r->head.seq && strcmp(w.last_link, r->head.link) != 0)
            fail(&w, w.last_id,
                 "the chain's head does not match its last event #%lld: the head was changed",
                 (long long)w.last_id);
    }
    free(w.gaps);
    return st;
}

/* The company's signing key: an Ed25519 pair from a seed that the secrets
 * key and the company derive (BLAKE2b keyed with the secrets key). */
static void company_keys(const lr_company *c, const lr_secrets *sec,
                         unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                         unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
    unsigned char seed[crypto_sign_SEEDBYTES];
    char msg[64];
    int n = snprintf(msg, sizeof msg, "loginrec-digest-key-v1/%lld/%s", (long long)c->id, c->code);
    crypto_generichash(seed, sizeof seed, (const unsigned char *)msg, (size_t)n, sec->key,
                       sizeof sec->key);
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(seed, sizeof seed);
}

void evidence_public_key(const lr_company *c, const lr_secrets *sec, char out[65])
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    company_keys(c, sec, pk, sk);
    sodium_memzero(sk, sizeof sk);
    sodium_bin2hex(out, 65, pk, sizeof pk);
}

/* What is signed: every field of the digest but the signature, one a line. */
static void digest_message(const char *code, const char *at, json_int_t chain_id,
                           const char *head, json_int_t events, char *out, size_t outsz)
{
    snprintf(out, outsz,
             "loginrec-digest-v1\ncompany=%s\nat=%s\nchain_id=%lld\nchain_head=%s\nevents=%lld\n",
             code, at, (long long)chain_id, head, (long long)events);
}

lr_status evidence_digest(lr_store *s, const lr_company *c, const lr_secrets *sec, lr_buf *out,
                          lr_error *err)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char sig[crypto_sign_BYTES];
    char at[32], msg[512], pkhex[65], sighex[2 * crypto_sign_BYTES + 1];
    lr_chain_head h;
    int64_t sealed;
    json_t *o;
    char *text;
    lr_status st;
    if ((st = store_chain_seal(s, c->id, &sealed, err)) != LR_OK ||
        (st = store_chain_head(s, c->id, &h, err)) != LR_OK)
        return st;
    tz_format_iso(c->tz, clock_now(), at);
    digest_message(c->code, at, h.id, h.link, h.events, msg, sizeof msg);
    company_keys(c, sec, pk, sk);
    crypto_sign_detached(sig, NULL, (const unsigned char *)msg, strlen(msg), sk);
    sodium_memzero(sk, sizeof sk);
    sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
    sodium_bin2hex(sighex, sizeof sighex, sig, sizeof sig);
    o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:s}", "format", "loginrec-digest-v1",
                  "company", c->code, "at", at, "chain_id", (json_int_t)h.id, "chain_head",
                  h.link, "events", (json_int_t)h.events, "alg", "ed25519", "public_key", pkhex,
                  "signature", sighex);
    text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!text)
        return lr_fail(err, LR_ENOMEM, "out of memory");
    st = buf_puts(out, text);
    if (st == LR_OK)
        st = buf_puts(out, "\n");
    free(text);
    return st == LR_OK ? LR_OK : lr_fail(err, st, "the digest does not fit");
}

lr_status evidence_digest_check(lr_store *s, const lr_company *c, const lr_secrets *sec,
                                const char *text, lr_error *err)
{
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    const char *code = NULL, *at = NULL, *head = NULL, *pkhex = NULL, *sighex = NULL;
    json_int_t chain_id = 0, events = 0;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
    char msg[512], ours[65], link[CHAIN_HEX];
    size_t n1 = 0, n2 = 0;
    int found;
    lr_status st = LR_OK;
    if (!o || json_unpack(o, "{s:s, s:s, s:I, s:s, s:I, s:s, s:s}", "company", &code, "at", &at,
                          "chain_id", &chain_id, "chain_head", &head, "events", &events,
                          "public_key", &pkhex, "signature", &sighex) != 0) {
        json_decref(o);
        return lr_fail(err, LR_EINVAL, "not a loginrec digest (line %d: %s)", o ? 0 : je.line,
                       o ? "a field is missing" : je.text);
    }
    evidence_public_key(c, sec, ours);
    digest_message(code, at, chain_id, head, events, msg, sizeof msg);
    if (strcmp(code, c->code) != 0)
        st = lr_fail(err, LR_EINVAL, "the digest is of company %s, not %s", code, c->code);
    else if (strcmp(pkhex, ours) != 0)
        st = lr_fail(err, LR_EINVAL, "the digest was not signed with %s's key", c->code);
    else if (sodium_hex2bin(pk, sizeof pk, pkhex, strlen(pkhex), NULL, &n1, NULL) != 0 ||
             sodium_hex2bin(sig, sizeof sig, sighex, strlen(sighex), NULL, &n2, NULL) != 0 ||
             n1 != sizeof pk || n2 != sizeof sig ||
             crypto_sign_verify_detached(sig, (const unsigned char *)msg, strlen(msg), pk) != 0)
        st = lr_fail(err, LR_EINVAL, "the digest's signature does not match what it says: it "
                                     "was changed after it was signed");
    if (st == LR_OK && chain_id > 0 &&
        (st = store_chain_link_of(s, c->id, chain_id, link, &found, err)) == LR_OK) {
        if (!found)
            st = lr_fail(err, LR_EINVAL, "event #%lld, the chain's head at %s, is no longer there",
                         (long long)chain_id, at);
        else if (strcmp(link, head) != 0)
            st = lr_fail(err, LR_EINVAL,
                         "event #%lld's link is not the one signed at %s: the chain was "
                         "rewritten since",
                         (long long)chain_id, at);
    }
    json_decref(o);
    return st;
}
