/* libFuzzer target: wtmp files (sources/wtmp.c) and the Linux session
 * rules on what they hold (core/unix_session.c). */
#include <stddef.h>
#include <stdint.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kept k;
    wtmp_stats st;
    lr_error err;
    unix_session *s = NULL;
    size_t n = 0;
    k.n = 0;
    (void)wtmp_parse("fuzz.wtmp", "pc", data, size, keep, &k, &st, &err);
    if (unix_sessions_derive(k.r, k.n, &s, &n) == LR_OK)
        free(s);
    return 0;
}
