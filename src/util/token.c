/*
 * token — bearer token generation and hashing with libsodium (see token.h).
 */
#include "util/token.h"

#include <sodium.h>
#include <string.h>

void token_generate(char *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = lr_token_alphabet[randombytes_uniform((uint32_t)strlen(lr_token_alphabet))];
    out[len] = '\0';
}

void token_random(char *out, size_t outsz, size_t bytes)
{
    unsigned char raw[64];
    if (bytes > sizeof raw)
        bytes = sizeof raw;
    randombytes_buf(raw, bytes);
    sodium_bin2base64(out, outsz, raw, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
}

void token_hash(const char *token, char out[LR_TOKEN_HASH_LEN + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, LR_TOKEN_HASH_LEN + 1, h, sizeof h);
}
