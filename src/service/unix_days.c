/*
 * unix_days — Linux sessions into day events (see unix_days.h).
 */
#include "service/unix_days.h"

#include <stdlib.h>
#include <string.h>

#include "core/unix_session.h"

lr_status unix_days_add(lr_store *s, const lr_company *c, const char *account, int64_t from,
                        int64_t to, const pc_days_out *o, lr_error *err)
{
    lr_unix_row *v = NULL;
    unix_record *r = NULL;
    unix_session *ss = NULL;
    size_t n = 0, nss = 0;
    lr_status st = pc_days_rows(s, PC_LINUX, c, account, from, to, (void **)&v, &n, err);

    if (st != LR_OK || n == 0)
        goto done;
    if (!(r = calloc(n, sizeof *r))) {
        st = lr_fail(err, LR_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        r[i] = (unix_record){v[i].event_row, v[i].utc, (unix_kind)v[i].kind, v[i].host,
                             v[i].line, v[i].account, v[i].from};
    if ((st = unix_sessions_derive(r, n, &ss, &nss)) != LR_OK) {
        st = lr_fail(err, st, "out of memory");
        goto done;
    }
    for (size_t i = 0; st == LR_OK && i < nss; i++) {
        int64_t stream = (*o->next_stream)--;
        unsigned f = ss[i].flags;
        st = pc_days_push(o, c, ss[i].start_id, ss[i].start, DAY_LOGON, stream,
                          f & UNIX_FLAG_REMOTE ? DAY_FLAG_REMOTE : 0, err);
        if (st == LR_OK && ss[i].end)
            st = pc_days_push(o, c, ss[i].end_id, ss[i].end, DAY_LOGOFF, stream,
                              f & UNIX_FLAG_ENDED_BY_BOOT ? DAY_FLAG_ENDED_BY_BOOT : 0, err);
    }
done:
    free(ss);
    free(r);
    free(v);
    return st;
}
