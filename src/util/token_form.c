/*
 * token_form — what a token looks like (see token.h), apart from the
 * libsodium that makes them, so loginrec-agent.exe checks a token
 * without it.
 */
#include "util/token.h"

#include <string.h>

const char lr_token_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

int token_well_formed(const char *t, size_t len)
{
    return strlen(t) == len && strspn(t, lr_token_alphabet) == len;
}
