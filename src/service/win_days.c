/*
 * win_days — Windows sessions into day events (see win_days.h).
 */
#include "service/win_days.h"

#include <stdlib.h>
#include <string.h>

#include "core/win_session.h"

/* What a session's start and end show in the log view (day_flag bits). */
static unsigned start_flags(unsigned wf)
{
    return (wf & WIN_FLAG_AUTO_RESTART ? DAY_FLAG_AUTO_RESTART : 0) |
           (wf & WIN_FLAG_SHARED_ACCOUNT ? DAY_FLAG_SHARED_ACCOUNT : 0) |
           (wf & WIN_FLAG_REMOTE ? DAY_FLAG_REMOTE : 0);
}

static unsigned end_flags(unsigned wf)
{
    return (wf & WIN_FLAG_ENDED_BY_BOOT ? DAY_FLAG_ENDED_BY_BOOT : 0) |
           (wf & WIN_FLAG_SHARED_ACCOUNT ? DAY_FLAG_SHARED_ACCOUNT : 0);
}

/* One session: its start, its cuts at long idle spans, its end. */
static lr_status add_session(const pc_days_out *o, const lr_company *c, const win_output *w,
                             size_t si, int64_t min_idle, lr_error *err)
{
    const win_session *ss = &w->sessions[si];
    int64_t stream = (*o->next_stream)--;
    lr_status st = pc_days_push(o, c, ss->start_event, ss->start, DAY_LOGON, stream,
                                start_flags(ss->flags), err);
    for (size_t i = 0; st == LR_OK && min_idle > 0 && i < w->nidles; i++) {
        const win_idle *d = &w->idles[i];
        if (d->session != si || d->to == 0 || d->to - d->from < min_idle)
            continue;
        st = pc_days_push(o, c, d->from_event, d->from, DAY_LOGOFF, stream, 0, err);
        if (st == LR_OK)
            st = pc_days_push(o, c, d->to_event, d->to, DAY_LOGON, stream, 0, err);
    }
    if (st == LR_OK && ss->end)
        st = pc_days_push(o, c, ss->end_event, ss->end, DAY_LOGOFF, stream, end_flags(ss->flags),
                          err);
    return st;
}

lr_status win_days_add(lr_store *s, const lr_company *c, const char *account, int64_t from,
                       int64_t to, const pc_days_out *o, lr_error *err)
{
    lr_win_row *v = NULL;
    win_event *ev = NULL;
    win_output w;
    size_t n = 0;
    lr_status st;

    memset(&w, 0, sizeof w);
    st = pc_days_rows(s, PC_WINDOWS, c, account, from, to, (void **)&v, &n, err);
    if (st != LR_OK || n == 0)
        goto done;
    if (!(ev = calloc(n, sizeof *ev))) {
        st = lr_fail(err, LR_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const lr_win_row *r = &v[i];
        ev[i] = (win_event){.id = r->event_row,
                            .utc = r->utc,
                            .event_id = r->event_id,
                            .provider = r->provider,
                            .host = r->host,
                            .user = r->account,
                            .sid = r->sid,
                            .logon_type = r->logon_type,
                            .logon_process = r->logon_process,
                            .logon_id = r->logon_id,
                            .linked_logon_id = r->linked_logon_id,
                            .process = r->process};
    }
    if ((st = win_sessions_derive(ev, n, &w)) != LR_OK) {
        st = lr_fail(err, st, "out of memory");
        goto done;
    }
    for (size_t i = 0; st == LR_OK && i < w.nsessions; i++)
        st = add_session(o, c, &w, i, c->break_punches ? (int64_t)c->idle_break_min * 60 : 0,
                         err);
done:
    win_output_free(&w);
    free(ev);
    free(v);
    return st;
}
