/*
 * vec — room for one more element in a growable array (doubling), the
 * pattern every list-collecting callback needs; or for many at once.
 */
#ifndef LR_UTIL_VEC_H
#define LR_UTIL_VEC_H

#include <stdlib.h>

/* Makes *v (an array of *cap elements of `size` bytes, n in use) hold at
 * least n + 1. Returns 0 when out of memory (the array is unchanged). */
static inline int vec_room(void **v, size_t *cap, size_t n, size_t size)
{
    size_t c;
    void *p;
    if (n < *cap)
        return 1;
    c = *cap ? *cap * 2 : 16;
    p = realloc(*v, c * size);
    if (!p)
        return 0;
    *v = p;
    *cap = c;
    return 1;
}

/* Makes *v hold at least want elements (doubling until it does). Returns
 * 0 when out of memory (the array is unchanged). */
static inline int vec_reserve(void **v, size_t *cap, size_t want, size_t size)
{
    size_t c = *cap ? *cap : 16;
    void *p;
    if (want <= *cap)
        return 1;
    while (c < want)
        c *= 2;
    p = realloc(*v, c * size);
    if (!p)
        return 0;
    *v = p;
    *cap = c;
    return 1;
}

#endif
