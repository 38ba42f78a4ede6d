/*
 * pc_days — a PC's stored rows and the day events of its sessions (see
 * pc_days.h).
 */
#include "service/pc_days.h"

#include <stdlib.h>
#include <string.h>

#include "service/rederive.h"
#include "util/vec.h"

/* The rows read so far, copied (the store's row lasts one call). */
typedef struct kept {
    void *v;
    size_t n, cap, size; /* size: one row's bytes */
    int oom;
} kept;

static int keep(void *ctx, const void *row)
{
    kept *k = ctx;
    if (!vec_room(&k->v, &k->cap, k->n, k->size)) {
        k->oom = 1;
        return 1;
    }
    memcpy((char *)k->v + k->n++ * k->size, row, k->size);
    return 0;
}

lr_status pc_days_rows(lr_store *s, pc_log log, const lr_company *c, const char *account,
                       int64_t from, int64_t to, void **rows, size_t *n, lr_error *err)
{
    kept k = {NULL, 0, 0, log == PC_WINDOWS ? sizeof(lr_win_row) : sizeof(lr_unix_row), 0};
    lr_status st = store_pc_records_for(s, log, c->id, account, from, to, keep, &k, err);
    if (st == LR_OK && k.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory");
    if (st != LR_OK) {
        free(k.v);
        k.v = NULL;
        k.n = 0;
    }
    *rows = k.v;
    *n = k.n;
    return st;
}

lr_status pc_days_push(const pc_days_out *o, const lr_company *c, int64_t id, int64_t utc,
                       day_op op, int64_t stream, unsigned flags, lr_error *err)
{
    day_event *e;
    if (!vec_room((void **)o->ev, o->cap, *o->n, sizeof **o->ev))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    e = &(*o->ev)[(*o->n)++];
    *e = (day_event){id, utc, rederive_local(c, utc), stream, o->account_key, op, flags};
    return LR_OK;
}
