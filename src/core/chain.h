/*
 * chain — each company's events as a hash chain: an event's link is
 * BLAKE2b-256(the previous link ‖ a canonical encoding of the event), in
 * the order the events were stored (their ids). Changing a stored event,
 * removing one or slipping one in breaks every link from there on, which
 * `loginrec verify` names. Pure (libsodium's BLAKE2b); thread-safe.
 *
 * The canonical encoding: "loginrec-event-v1", then each field as its
 * length (8 bytes, little-endian) and its bytes, integers as 8 bytes
 * little-endian: company id, the event's place in the chain (1, 2, 3 ...),
 * source, account, host, op, time (UTC seconds), offset, version, received
 * at, raw record. The place, not the database's id: a link is known before
 * its row is written.
 */
#ifndef LR_CORE_CHAIN_H
#define LR_CORE_CHAIN_H

#include <stdint.h>

#define CHAIN_BYTES 32
#define CHAIN_HEX (2 * CHAIN_BYTES + 1)

typedef struct chain_event {
    int64_t company_id, seq, utc, received_at;
    int offset_sec;
    const char *source, *account, *host, *op, *version, *raw;
    int64_t id; /* the row's id: for messages, not in the link */
} chain_event;

/* The link before a company's first event: 64 zeros. */
extern const char chain_genesis[CHAIN_HEX];

/* out = the link of e after prev (both as 64 lowercase hex digits). 0, or
 * -1 when prev is not 64 hex digits (out is then ""). */
int chain_link(const char *prev_hex, const chain_event *e, char out[CHAIN_HEX]);

/* A purge's record that place seq of company's chain follows prev is
 * sealed: out = BLAKE2b-256 keyed with a key only the secrets key makes
 * (chain_gap_key) over "loginrec-gap-v1", the company, seq and prev. */
void chain_gap_key(const unsigned char secret[32], int64_t company_id, unsigned char key[32]);
void chain_gap_mac(const unsigned char key[32], int64_t company_id, int64_t seq,
                   const char *prev_hex, char out[CHAIN_HEX]);

#endif
