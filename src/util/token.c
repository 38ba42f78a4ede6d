/*
 * token — bearer token generation and hashing with libsodium (see token.h).
 */
#include "util/token.h"

#include <sodium.h>
#include <string.h>

void token_generate(char out[LR_TOKEN_LEN + 1])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < LR_TOKEN_LEN; i++)
        out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[LR_TOKEN_LEN] = '\0';
}

void token_hash(const char *token, char out[LR_TOKEN_HASH_LEN + 1])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, LR_TOKEN_HASH_LEN + 1, h, sizeof h);
}
