/*
 * env — numbers from the environment (see env.h).
 */
#include "util/env.h"

#include <stdlib.h>

long env_long(const char *name, long dflt, long lo, long hi)
{
    const char *v = getenv(name);
    char *end;
    long x;
    if (!v || !*v)
        return dflt;
    x = strtol(v, &end, 10);
    return *end || x < lo || x > hi ? dflt : x;
}
