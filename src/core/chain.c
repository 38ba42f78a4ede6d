/*
 * chain — an event's link (see chain.h).
 */
#include "core/chain.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

const char chain_genesis[CHAIN_HEX] =
    "0000000000000000000000000000000000000000000000000000000000000000";

static void put_int(crypto_generichash_state *h, int64_t v)
{
    unsigned char b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (8 * i));
    crypto_generichash_update(h, b, sizeof b);
}

static void put_text(crypto_generichash_state *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_int(h, (int64_t)n);
    if (n)
        crypto_generichash_update(h, (const unsigned char *)s, n);
}

int chain_link(const char *prev_hex, const chain_event *e, char out[CHAIN_HEX])
{
    static const char tag[] = "loginrec-event-v1";
    unsigned char prev[CHAIN_BYTES], link[CHAIN_BYTES];
    size_t got = 0;
    crypto_generichash_state h;
    out[0] = '\0';
    if (!prev_hex || strlen(prev_hex) != 2 * CHAIN_BYTES ||
        sodium_hex2bin(prev, sizeof prev, prev_hex, 2 * CHAIN_BYTES, NULL, &got, NULL) != 0 ||
        got != CHAIN_BYTES)
        return -1;
    crypto_generichash_init(&h, NULL, 0, CHAIN_BYTES);
    crypto_generichash_update(&h, prev, sizeof prev);
    crypto_generichash_update(&h, (const unsigned char *)tag, sizeof tag - 1);
    put_int(&h, e->company_id);
    put_int(&h, e->seq);
    put_text(&h, e->source);
    put_text(&h, e->account);
    put_text(&h, e->host);
    put_text(&h, e->op);
    put_int(&h, e->utc);
    put_int(&h, e->offset_sec);
    put_text(&h, e->version);
    put_int(&h, e->received_at);
    put_text(&h, e->raw);
    crypto_generichash_final(&h, link, sizeof link);
    sodium_bin2hex(out, CHAIN_HEX, link, sizeof link);
    return 0;
}

void chain_gap_key(const unsigned char secret[32], int64_t company_id, unsigned char key[32])
{
    char msg[64];
    int n = snprintf(msg, sizeof msg, "loginrec-gap-key-v1/%lld", (long long)company_id);
    crypto_generichash(key, 32, (const unsigned char *)msg, (size_t)n, secret, 32);
}

void chain_gap_mac(const unsigned char key[32], int64_t company_id, int64_t seq,
                   const char *prev_hex, char out[CHAIN_HEX])
{
    static const char tag[] = "loginrec-gap-v1";
    unsigned char mac[CHAIN_BYTES];
    crypto_generichash_state h;
    crypto_generichash_init(&h, key, 32, CHAIN_BYTES);
    crypto_generichash_update(&h, (const unsigned char *)tag, sizeof tag - 1);
    put_int(&h, company_id);
    put_int(&h, seq);
    put_text(&h, prev_hex);
    crypto_generichash_final(&h, mac, sizeof mac);
    sodium_bin2hex(out, CHAIN_HEX, mac, sizeof mac);
}
