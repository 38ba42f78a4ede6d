/* What the Linux fuzz targets (fuzz_wtmp, fuzz_journald) share: the
 * records a parser hands over, kept (the first 256), and the session
 * rules run on them (core/unix_session.c). */
#ifndef LR_FUZZ_UNIX_KEPT_H
#define LR_FUZZ_UNIX_KEPT_H

#include <stddef.h>
#include <stdlib.h>

#include "core/unix_session.h"
#include "sources/wtmp.h"

typedef struct kept {
    unix_record r[256];
    wtmp_record w[256];
    size_t n;
} kept;

static lr_status keep(void *ctx, const wtmp_record *w, lr_error *err)
{
    kept *k = ctx;
    (void)err;
    if (k->n < 256) {
        wtmp_record_copy(&k->w[k->n], w);
        k->r[k->n] = k->w[k->n].r;
        k->n++;
    }
    return LR_OK;
}

static void derive_kept(const kept *k)
{
    unix_session *s = NULL;
    size_t n = 0;
    if (unix_sessions_derive(k->r, k->n, &s, &n) == LR_OK)
        free(s);
}

#endif
