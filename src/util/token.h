/*
 * token — random bearer tokens and their one-way hashes.
 * Tokens are shown once (at creation) and stored only as a hash, so a copy of
 * the database does not let anyone ingest. Thread-safe; needs sodium_init().
 */
#ifndef LR_UTIL_TOKEN_H
#define LR_UTIL_TOKEN_H

#include <stddef.h>

#define LR_TOKEN_LEN 40          /* ingest tokens: characters, [A-Za-z0-9] */
#define LR_LANSCOPE_TOKEN_LEN 32 /* LanScope access tokens (アクセストークン) */
#define LR_TOKEN_HASH_LEN 64     /* hex characters */

/* Writes a new random token of len characters [A-Za-z0-9] + NUL into out. */
void token_generate(char *out, size_t len);

/* `bytes` random bytes as base64url without padding (what cookies, form
 * tokens and ids carry: 32 bytes give 43 characters) into out, which
 * holds outsz bytes. */
void token_random(char *out, size_t outsz, size_t bytes);

/* Non-zero when t is exactly len characters [A-Za-z0-9]. */
int token_well_formed(const char *t, size_t len);

/* The 62 letters and digits tokens are made of (token_form.c). */
extern const char lr_token_alphabet[];

/* Writes the keyed-free BLAKE2b-256 hash of token as lower-case hex + NUL. */
void token_hash(const char *token, char out[LR_TOKEN_HASH_LEN + 1]);

#endif
