/*
 * win_session — Windows sessions from Security and System records (see
 * win_session.h). One pass per host in time order keeps each host's open
 * sessions; shared names are found afterwards over every record.
 */
#include "core/win_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/vec.h"

#define IDS_MAX 4               /* logon ids one session holds (rule 3: two in practice) */
#define LINK_WINDOW_SEC 1       /* rule 3 */
#define ARSO_AFTER_BOOT_SEC 300 /* rule 6: logon within 5 minutes of the boot */
#define ARSO_LOCK_SEC 120       /* rule 6: locked within 2 minutes */
#define NO_SESSION ((size_t)-1)

/* A session while its host's records are read. */
typedef struct work_session {
    win_session s;
    uint64_t ids[IDS_MAX];
    size_t nids;
    int open;          /* not ended */
    int pending;       /* rule 6: waits for an unlock to start */
    size_t open_idle;  /* index into the idles, or NO_SESSION */
    int64_t logon_utc; /* its first logon's time, for rule 3 */
} work_session;

typedef struct deriver {
    const win_event *ev;
    size_t n;
    size_t *order; /* by host, time, id */
    win_verdict *verdicts;
    work_session *ss;
    size_t nss, capss;
    win_idle *idles;
    size_t nidles, capidles;
    size_t skipped;
} deriver;

int win_account_is_system(const char *user)
{
    static const char *const names[] = {"SYSTEM", "LOCAL SERVICE", "NETWORK SERVICE",
                                        "ANONYMOUS LOGON", "-", ""};
    size_t len = strlen(user);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(user, names[i]) == 0)
            return 1;
    return strncasecmp(user, "DWM-", 4) == 0 || strncasecmp(user, "UMFD-", 5) == 0 ||
           (len > 0 && user[len - 1] == '$');
}

static int provider_is(const win_event *e, const char *p)
{
    return strcmp(e->provider, p) == 0;
}

/* Security records may come without their provider (a shipper that drops
 * it); System event ids are only meaningful with theirs. */
static int is_security(const win_event *e)
{
    return e->provider[0] == '\0' || provider_is(e, WIN_PROVIDER_SECURITY);
}

static const char *trim_start(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* LogonProcessName "User32 " (Windows pads it): trimmed, exactly User32. */
static int process_is_user32(const char *p)
{
    const char *s = trim_start(p);
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return n == 6 && strncmp(s, "User32", 6) == 0;
}

int win_event_is_sit_down(const win_event *e)
{
    return e->event_id == 4624 && (e->logon_type == 2 || e->logon_type == 10 || e->logon_type == 11) &&
           process_is_user32(e->logon_process);
}

/* Rule 6: the 1074 of an update restart names one of these, as a path with
 * the host in parentheses: "C:\Windows\servicing\TrustedInstaller.exe (PC-01)". */
static int process_is_updater(const char *p)
{
    static const char *const updaters[] = {"TrustedInstaller.exe", "MoUsoCoreWorker.exe",
                                           "usoclient.exe"};
    const char *base = p, *s;
    size_t n;
    for (s = p; *s && *s != '('; s++)
        if (*s == '\\' || *s == '/')
            base = s + 1;
    n = (size_t)(s - base);
    while (n > 0 && base[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof updaters / sizeof updaters[0]; i++)
        if (strlen(updaters[i]) == n && strncasecmp(base, updaters[i], n) == 0)
            return 1;
    return 0;
}

static int same_user(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

static int has_id(const work_session *w, uint64_t id)
{
    for (size_t i = 0; id && i < w->nids; i++)
        if (w->ids[i] == id)
            return 1;
    return 0;
}

static int by_host_time(const void *pa, const void *pb, void *ctx)
{
    const win_event *ev = ctx, *a = &ev[*(const size_t *)pa], *b = &ev[*(const size_t *)pb];
    int c = strcmp(a->host, b->host);
    if (c)
        return c;
    if (a->utc != b->utc)
        return a->utc < b->utc ? -1 : 1;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return a->event_id - b->event_id;
}

static int by_user_sid_host(const void *pa, const void *pb, void *ctx)
{
    const win_event *ev = ctx, *a = &ev[*(const size_t *)pa], *b = &ev[*(const size_t *)pb];
    int c = strcasecmp(a->user, b->user);
    if (c)
        return c;
    c = strcmp(a->sid, b->sid);
    return c ? c : strcmp(a->host, b->host);
}

static size_t session_new(deriver *d, const win_event *e)
{
    work_session *w;
    if (!vec_room((void **)&d->ss, &d->capss, d->nss, sizeof *d->ss))
        return NO_SESSION;
    w = &d->ss[d->nss];
    memset(w, 0, sizeof *w);
    w->s.host = e->host;
    w->s.user = e->user;
    w->s.sid = e->sid;
    w->s.start = e->utc;
    w->s.start_event = e->id;
    w->ids[w->nids++] = e->logon_id;
    w->open = 1;
    w->open_idle = NO_SESSION;
    w->logon_utc = e->utc;
    if (e->logon_type == 10)
        w->s.flags |= WIN_FLAG_REMOTE;
    return d->nss++;
}

static lr_status idle_open(deriver *d, size_t session, win_idle_kind kind, const win_event *e)
{
    if (!vec_room((void **)&d->idles, &d->capidles, d->nidles, sizeof *d->idles))
        return LR_ENOMEM;
    d->idles[d->nidles] = (win_idle){session, kind, e->utc, 0, e->id, 0};
    d->ss[session].open_idle = d->nidles++;
    return LR_OK;
}

static void idle_close(deriver *d, work_session *w, int64_t utc, int64_t event)
{
    if (w->open_idle != NO_SESSION) {
        d->idles[w->open_idle].to = utc;
        d->idles[w->open_idle].to_event = event;
        w->open_idle = NO_SESSION;
    }
}

static void session_end(deriver *d, work_session *w, int64_t utc, int64_t event, unsigned flags)
{
    idle_close(d, w, utc, event);
    w->open = 0;
    w->s.end = utc;
    w->s.end_event = event;
    w->s.flags |= flags;
}

/* The open session of the host (sessions [from, nss)) holding logon_id,
 * else the latest open one of user; NO_SESSION when none. */
static size_t find_open(const deriver *d, size_t from, uint64_t logon_id, const char *user)
{
    size_t by_user = NO_SESSION;
    for (size_t i = from; i < d->nss; i++) {
        const work_session *w = &d->ss[i];
        if (!w->open)
            continue;
        if (has_id(w, logon_id))
            return i;
        if (user && same_user(w->s.user, user))
            by_user = i;
    }
    return by_user;
}

/* Rule 6: is a 4800 of this user on this host within ARSO_LOCK_SEC after
 * position k of the order? */
static int locked_soon(const deriver *d, size_t k, size_t end)
{
    const win_event *e = &d->ev[d->order[k]];
    for (size_t j = k + 1; j < end; j++) {
        const win_event *x = &d->ev[d->order[j]];
        if (x->utc > e->utc + ARSO_LOCK_SEC)
            break;
        if (x->event_id == 4800 && is_security(x) && same_user(x->user, e->user))
            return 1;
    }
    return 0;
}

typedef struct host_state {
    size_t first_session; /* the host's sessions are [first_session, nss) */
    int64_t last_utc;     /* the host's latest record before the current one */
    int have_last;
    int64_t shutdown_utc; /* the latest 1074 */
    int shutdown_update;  /* ... asked by an updater */
    int64_t boot_utc;     /* the latest 6005 */
    int boot_update;      /* ... after an updater's 1074 (rule 6) */
} host_state;

/* Ends every open session of the host; pending ones never started. */
static void end_all(deriver *d, const host_state *h, int64_t utc, int64_t event, unsigned flags)
{
    for (size_t i = h->first_session; i < d->nss; i++) {
        work_session *w = &d->ss[i];
        if (!w->open)
            continue;
        if (w->pending)
            w->open = 0;
        else
            session_end(d, w, utc, event, flags);
    }
}

static lr_status sit_down(deriver *d, host_state *h, size_t k, size_t end, win_verdict *v)
{
    const win_event *e = &d->ev[d->order[k]];
    size_t i;
    /* rule 3: the other token of the same logon */
    for (i = h->first_session; i < d->nss; i++) {
        work_session *w = &d->ss[i];
        if (!w->open || !same_user(w->s.user, e->user))
            continue;
        if ((e->linked_logon_id && has_id(w, e->linked_logon_id)) ||
            (e->utc - w->logon_utc <= LINK_WINDOW_SEC && e->utc >= w->logon_utc)) {
            if (w->nids < IDS_MAX && !has_id(w, e->logon_id))
                w->ids[w->nids++] = e->logon_id;
            v->role = w->pending ? WIN_OTHER : WIN_LINKED;
            v->flags = w->s.flags & WIN_FLAG_AUTO_RESTART;
            v->session = i;
            return LR_OK;
        }
    }
    if ((i = session_new(d, e)) == NO_SESSION)
        return LR_ENOMEM;
    v->session = i;
    v->role = WIN_START;
    if (h->boot_update && e->utc >= h->boot_utc && e->utc - h->boot_utc <= ARSO_AFTER_BOOT_SEC &&
        locked_soon(d, k, end)) {
        d->ss[i].pending = 1;
        d->ss[i].s.flags |= WIN_FLAG_AUTO_RESTART;
        v->role = WIN_OTHER;
    }
    v->flags = d->ss[i].s.flags & (WIN_FLAG_AUTO_RESTART | WIN_FLAG_REMOTE);
    return LR_OK;
}

/* An unlock (4801, or a type-7 4624): ends a lock, or starts a session
 * that waited for it (rule 6). */
static void unlock(deriver *d, const host_state *h, const win_event *e, win_verdict *v)
{
    size_t i = find_open(d, h->first_session, e->logon_id, e->user);
    work_session *w;
    if (i == NO_SESSION)
        return;
    w = &d->ss[i];
    if (w->pending) {
        w->pending = 0;
        w->s.start = e->utc;
        w->s.start_event = e->id;
        v->role = WIN_START;
        v->flags = WIN_FLAG_AUTO_RESTART;
        v->session = i;
    } else if (w->open_idle != NO_SESSION && d->idles[w->open_idle].kind == WIN_IDLE_LOCK) {
        idle_close(d, w, e->utc, e->id);
        v->role = WIN_IDLE_END;
        v->session = i;
    }
}

static lr_status one_record(deriver *d, host_state *h, size_t k, size_t end)
{
    const win_event *e = &d->ev[d->order[k]];
    win_verdict *v = &d->verdicts[d->order[k]];
    size_t i;
    int security = is_security(e);

    v->role = WIN_OTHER;
    v->session = NO_SESSION;
    if (security && e->event_id >= 4624 && e->event_id <= 4803 && win_account_is_system(e->user)) {
        v->role = WIN_SKIPPED;
        d->skipped++;
        return LR_OK;
    }
    if (security && e->event_id == 4624) {
        if (win_event_is_sit_down(e))
            return sit_down(d, h, k, end, v);
        if (e->logon_type == 7)
            unlock(d, h, e, v);
    } else if (security && (e->event_id == 4634 || e->event_id == 4647)) {
        /* rule 4: by logon id only; one never started is other */
        for (i = h->first_session; i < d->nss; i++) {
            work_session *w = &d->ss[i];
            if (!w->open || !has_id(w, e->logon_id))
                continue;
            v->session = i;
            if (w->pending) {
                w->open = 0;
                v->flags = WIN_FLAG_AUTO_RESTART;
            } else {
                session_end(d, w, e->utc, e->id, 0);
                v->role = WIN_END;
            }
            break;
        }
    } else if (security && (e->event_id == 4800 || e->event_id == 4802)) {
        i = find_open(d, h->first_session, e->logon_id, e->user);
        if (i != NO_SESSION && d->ss[i].pending) {
            v->flags = WIN_FLAG_AUTO_RESTART;
        } else if (i != NO_SESSION && d->ss[i].open_idle == NO_SESSION) {
            if (idle_open(d, i, e->event_id == 4800 ? WIN_IDLE_LOCK : WIN_IDLE_SCREENSAVER, e))
                return LR_ENOMEM;
            v->role = WIN_IDLE_START;
            v->session = i;
        }
    } else if (security && e->event_id == 4801) {
        unlock(d, h, e, v);
    } else if (security && e->event_id == 4803) {
        i = find_open(d, h->first_session, e->logon_id, e->user);
        if (i != NO_SESSION && d->ss[i].open_idle != NO_SESSION &&
            d->idles[d->ss[i].open_idle].kind == WIN_IDLE_SCREENSAVER) {
            idle_close(d, &d->ss[i], e->utc, e->id);
            v->role = WIN_IDLE_END;
            v->session = i;
        }
    } else if (e->event_id == 1074 && provider_is(e, WIN_PROVIDER_USER32)) {
        h->shutdown_utc = e->utc;
        h->shutdown_update = process_is_updater(e->process);
        end_all(d, h, e->utc, e->id, 0);
        v->role = WIN_HOST_END;
    } else if (e->event_id == 6006 && provider_is(e, WIN_PROVIDER_EVENTLOG)) {
        end_all(d, h, e->utc, e->id, 0);
        v->role = WIN_HOST_END;
    } else if (e->event_id == 6005 && provider_is(e, WIN_PROVIDER_EVENTLOG)) {
        /* what was still open ended when the host last showed life */
        end_all(d, h, h->have_last ? h->last_utc : e->utc, e->id, WIN_FLAG_ENDED_BY_BOOT);
        h->boot_update = h->shutdown_update && h->shutdown_utc >= h->boot_utc && h->shutdown_utc > 0;
        h->boot_utc = e->utc;
        h->shutdown_update = 0;
        v->role = WIN_HOST_END;
    } else if (e->event_id == 42 && provider_is(e, WIN_PROVIDER_KERNEL_POWER)) {
        for (i = h->first_session; i < d->nss; i++)
            if (d->ss[i].open && !d->ss[i].pending && d->ss[i].open_idle == NO_SESSION) {
                if (idle_open(d, i, WIN_IDLE_SLEEP, e))
                    return LR_ENOMEM;
                v->role = WIN_IDLE_START;
            }
    } else if ((e->event_id == 107 && provider_is(e, WIN_PROVIDER_KERNEL_POWER)) ||
               (e->event_id == 1 && provider_is(e, WIN_PROVIDER_POWER_TROUBLESHOOTER))) {
        for (i = h->first_session; i < d->nss; i++) {
            work_session *w = &d->ss[i];
            if (w->open && w->open_idle != NO_SESSION && d->idles[w->open_idle].kind == WIN_IDLE_SLEEP) {
                idle_close(d, w, e->utc, e->id);
                v->role = WIN_IDLE_END;
            }
        }
    }
    return LR_OK;
}

/* Rule 7: a name with two SIDs on two hosts is two people. Flags every
 * verdict and session of such a name. */
static lr_status shared_names(deriver *d)
{
    size_t *ix = malloc((d->n ? d->n : 1) * sizeof *ix), m = 0;
    if (!ix)
        return LR_ENOMEM;
    for (size_t i = 0; i < d->n; i++)
        if (d->ev[i].sid[0] && d->ev[i].user[0] && d->verdicts[i].role != WIN_SKIPPED)
            ix[m++] = i;
    qsort_r(ix, m, sizeof *ix, by_user_sid_host, (void *)d->ev);
    for (size_t a = 0, b; a < m; a = b) {
        const win_event *first = &d->ev[ix[a]];
        int sids = 1, hosts = 1;
        for (b = a + 1; b < m && same_user(d->ev[ix[b]].user, first->user); b++) {
            const win_event *x = &d->ev[ix[b]], *prev = &d->ev[ix[b - 1]];
            sids += strcmp(x->sid, prev->sid) != 0;
            hosts += strcmp(x->host, first->host) != 0 && hosts == 1;
        }
        if (sids < 2 || hosts < 2)
            continue;
        for (size_t j = a; j < b; j++) {
            win_verdict *v = &d->verdicts[ix[j]];
            v->flags |= WIN_FLAG_SHARED_ACCOUNT;
            if (v->session != NO_SESSION)
                d->ss[v->session].s.flags |= WIN_FLAG_SHARED_ACCOUNT;
        }
    }
    free(ix);
    return LR_OK;
}

static int by_session_from(const void *pa, const void *pb)
{
    const win_idle *a = pa, *b = pb;
    if (a->session != b->session)
        return a->session < b->session ? -1 : 1;
    return (a->from > b->from) - (a->from < b->from);
}

/* Drops the sessions that never started (rule 6 without an unlock), keeps
 * the rest in the order they were made (by host, then start), and points
 * verdicts and idles at their new places. */
static lr_status finish(deriver *d, win_output *out)
{
    size_t *to = malloc((d->nss ? d->nss : 1) * sizeof *to), kept = 0, nidles = 0;
    if (!to)
        return LR_ENOMEM;
    out->sessions = calloc(d->nss ? d->nss : 1, sizeof *out->sessions);
    if (!out->sessions) {
        free(to);
        return LR_ENOMEM;
    }
    for (size_t i = 0; i < d->nss; i++) {
        to[i] = d->ss[i].pending ? NO_SESSION : kept;
        if (!d->ss[i].pending)
            out->sessions[kept++] = d->ss[i].s;
    }
    for (size_t i = 0; i < d->n; i++) {
        win_verdict *v = &d->verdicts[i];
        if (v->session != NO_SESSION)
            v->session = to[v->session];
        if (v->session == NO_SESSION && v->role != WIN_HOST_END && v->role != WIN_IDLE_START &&
            v->role != WIN_IDLE_END)
            v->role = v->role == WIN_SKIPPED ? WIN_SKIPPED : WIN_OTHER;
    }
    for (size_t i = 0; i < d->nidles; i++)
        if (to[d->idles[i].session] != NO_SESSION) {
            d->idles[nidles] = d->idles[i];
            d->idles[nidles++].session = to[d->idles[i].session];
        }
    if (nidles > 1)
        qsort(d->idles, nidles, sizeof *d->idles, by_session_from);
    out->nsessions = kept;
    out->idles = d->idles;
    out->nidles = nidles;
    d->idles = NULL;
    free(to);
    return LR_OK;
}

lr_status win_sessions_derive(const win_event *events, size_t n, win_output *out)
{
    deriver d = {.ev = events, .n = n};
    lr_status st = LR_ENOMEM;
    memset(out, 0, sizeof *out);
    d.order = malloc((n ? n : 1) * sizeof *d.order);
    d.verdicts = calloc(n ? n : 1, sizeof *d.verdicts);
    if (!d.order || !d.verdicts)
        goto done;
    for (size_t i = 0; i < n; i++)
        d.order[i] = i;
    qsort_r(d.order, n, sizeof *d.order, by_host_time, (void *)events);
    for (size_t a = 0, b; a < n; a = b) {
        host_state h = {.first_session = d.nss};
        const char *host = events[d.order[a]].host;
        for (b = a; b < n && strcmp(events[d.order[b]].host, host) == 0; b++)
            ;
        for (size_t k = a; k < b; k++) {
            if (one_record(&d, &h, k, b) != LR_OK)
                goto done;
            h.last_utc = events[d.order[k]].utc;
            h.have_last = 1;
        }
    }
    if (shared_names(&d) != LR_OK || finish(&d, out) != LR_OK)
        goto done;
    out->verdicts = d.verdicts;
    out->skipped = d.skipped;
    d.verdicts = NULL;
    st = LR_OK;
done:
    free(d.order);
    free(d.verdicts);
    free(d.ss);
    free(d.idles);
    if (st != LR_OK)
        win_output_free(out);
    return st;
}

void win_output_free(win_output *out)
{
    free(out->verdicts);
    free(out->sessions);
    free(out->idles);
    memset(out, 0, sizeof *out);
}

const char *win_role_name(win_role r)
{
    static const char *const names[] = {
        [WIN_OTHER] = "other",         [WIN_SKIPPED] = "skipped",
        [WIN_START] = "start",         [WIN_LINKED] = "linked",
        [WIN_END] = "end",             [WIN_HOST_END] = "host_end",
        [WIN_IDLE_START] = "idle_start", [WIN_IDLE_END] = "idle_end",
    };
    return (size_t)r < sizeof names / sizeof names[0] ? names[r] : "?";
}

const char *win_idle_kind_name(win_idle_kind k)
{
    switch (k) {
    case WIN_IDLE_LOCK: return "lock";
    case WIN_IDLE_SCREENSAVER: return "screensaver";
    case WIN_IDLE_SLEEP: return "sleep";
    }
    return "?";
}

void win_flags_format(unsigned flags, char *out, size_t outsz)
{
    static const char *const names[] = {"ended_by_boot", "auto_restart", "shared_account", "remote"};
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & (1u << i) && len < outsz)
            len += (size_t)snprintf(out + len, outsz - len, "%s%s", len ? "," : "", names[i]);
}
