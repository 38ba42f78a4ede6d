/*
 * divergence_mail — 乖離's daily summary mail (see divergence_mail.h).
 */
#include "service/divergence_mail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/smtp.h"
#include "service/admin.h"
#include "util/clock.h"
#include "util/timefmt.h"
#include "util/tz.h"
#include "util/vec.h"

#define LINES_MAX 200 /* per section: the rest is counted */

lr_status div_mail_split(const char *list, char *buf, size_t bufsz, const char **to, size_t *n,
                         lr_error *err)
{
    char *p, *save = NULL;
    *n = 0;
    if (strlen(list) >= bufsz)
        return lr_fail(err, LR_EINVAL, "the addresses are longer than %zu bytes", bufsz - 1);
    snprintf(buf, bufsz, "%s", list);
    for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
        char *e;
        while (*p == ' ')
            p++;
        e = p + strlen(p);
        while (e > p && e[-1] == ' ')
            *--e = '\0';
        if (!*p)
            continue;
        if (!smtp_address_ok(p))
            return lr_fail(err, LR_EINVAL, "'%s' is not a mail address", p);
        if (*n == DIV_MAIL_TO_MAX)
            return lr_fail(err, LR_EINVAL, "at most %d addresses", DIV_MAIL_TO_MAX);
        to[(*n)++] = p;
    }
    return LR_OK;
}

lr_status div_mail_recipients_set(lr_store *s, const char *code, const char *to, int open_days,
                                  const char *actor, lr_error *err)
{
    char buf[512], detail[600];
    const char *list[DIV_MAIL_TO_MAX];
    size_t n;
    lr_company c;
    lr_status st = div_mail_split(to, buf, sizeof buf, list, &n, err);
    if (st != LR_OK)
        return st;
    if (open_days < 1 || open_days > 365)
        return lr_fail(err, LR_EINVAL, "open days %d: expected 1-365", open_days);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_company_get(s, code, &c, err);
    if (st == LR_OK)
        st = store_company_div_mail_set(s, c.id, to, open_days, err);
    snprintf(detail, sizeof detail, "to=%s open_days=%d", n ? to : "(none)", open_days);
    return admin_commit_audited(s, st, st == LR_OK ? c.id : 0, actor, "divergence.mail.set",
                                detail, err);
}

lr_status div_mail_server_set(lr_store *s, const lr_secrets *sec, const char *url,
                              const char *from, const char *user, const char *password,
                              const char *ca_file, const char *actor, lr_error *err)
{
    lr_mail_settings m;
    char *sealed = NULL, detail[800];
    lr_status st;
    if ((st = store_mail_settings_get(s, &m, err)) != LR_OK)
        return st;
    if (url && (st = smtp_check_url(url, err)) != LR_OK)
        return st;
    if (from && !smtp_address_ok(from))
        return lr_fail(err, LR_EINVAL, "sender '%s' is not a mail address", from);
    if (url)
        snprintf(m.smtp_url, sizeof m.smtp_url, "%s", url);
    if (from)
        snprintf(m.mail_from, sizeof m.mail_from, "%s", from);
    if (user)
        snprintf(m.smtp_user, sizeof m.smtp_user, "%s", user);
    if (ca_file)
        snprintf(m.ca_file, sizeof m.ca_file, "%s", ca_file);
    if (password && *password) {
        if (!sec)
            return lr_fail(err, LR_ECRYPTO, "no secrets key: the password cannot be stored");
        if ((st = secrets_seal(sec, password, &sealed, err)) != LR_OK)
            return st;
        if (strlen(sealed) >= sizeof m.password_sealed) {
            free(sealed);
            return lr_fail(err, LR_EINVAL, "the SMTP password is too long");
        }
        snprintf(m.password_sealed, sizeof m.password_sealed, "%s", sealed);
        free(sealed);
    } else if (password)
        m.password_sealed[0] = '\0';
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    st = store_mail_settings_put(s, &m, err);
    snprintf(detail, sizeof detail, "smtp_url=%s from=%s user=%s password=%s ca_file=%s",
             m.smtp_url, m.mail_from, m.smtp_user[0] ? m.smtp_user : "(none)",
             password ? (*password ? "(replaced)" : "(removed)") : "(same)",
             m.ca_file[0] ? m.ca_file : "(system)");
    return admin_commit_audited(s, st, 0, actor, "mail.set", detail, err);
}

/* The open days, sorted into the two sections. */
typedef struct gather {
    lr_ot_warning *ot;
    size_t not, capot;
    int64_t now, old_before;
    div_mail_line *fresh, *old;
    size_t nfresh, nold, capf, capo;
    size_t more_fresh, more_old;
    lr_divergence *mark; /* the fresh days listed, to mark once sent */
    size_t nmark, capm;
    int oom;
} gather;

static int add_line(div_mail_line **v, size_t *n, size_t *cap, const lr_divergence *d)
{
    div_mail_line *l;
    if (!vec_room((void **)v, cap, *n, sizeof **v))
        return 0;
    l = &(*v)[(*n)++];
    memset(l, 0, sizeof *l);
    snprintf(l->employee, sizeof l->employee, "%s", d->employee_code);
    snprintf(l->last_name, sizeof l->last_name, "%s", d->last_name);
    snprintf(l->first_name, sizeof l->first_name, "%s", d->first_name);
    snprintf(l->date, sizeof l->date, "%s", d->work_day);
    l->kind = div_kind_of(d->kind);
    l->has_start_diff = d->has_start_diff;
    l->has_end_diff = d->has_end_diff;
    l->start_diff_min = d->start_diff_min;
    l->end_diff_min = d->end_diff_min;
    l->first_seen_at = d->first_seen_at;
    return 1;
}

static int take_open(void *ctx, const lr_divergence *d)
{
    gather *g = ctx;
    if (d->notified_at == 0) {
        if (g->nfresh == LINES_MAX) {
            g->more_fresh++;
            return 0;
        }
        if (!add_line(&g->fresh, &g->nfresh, &g->capf, d) ||
            !vec_room((void **)&g->mark, &g->capm, g->nmark, sizeof *g->mark)) {
            g->oom = 1;
            return 1;
        }
        g->mark[g->nmark++] = *d;
    } else if (d->first_seen_at <= g->old_before) {
        if (g->nold == LINES_MAX) {
            g->more_old++;
            return 0;
        }
        if (!add_line(&g->old, &g->nold, &g->capo, d)) {
            g->oom = 1;
            return 1;
        }
    }
    return 0;
}

static int take_warning(void *ctx, const lr_ot_warning *w)
{
    gather *g = ctx;
    if (g->not == LINES_MAX)
        return 1;
    if (!vec_room((void **)&g->ot, &g->capot, g->not, sizeof *g->ot)) {
        g->oom = 1;
        return 1;
    }
    g->ot[g->not++] = *w;
    return 0;
}

lr_status div_mail_run(lr_store *s, const char *code, const lr_secrets *sec,
                       const div_mail_env *env, div_mail_stats *stats, lr_error *err)
{
    lr_company c;
    lr_mail_settings m;
    gather g = {0};
    char buf[512], day[11], before[11], detail[700];
    const char *to[DIV_MAIL_TO_MAX];
    size_t nto = 0;
    char *password = NULL;
    lr_buf msg;
    lr_status st;
    int64_t now = clock_now();
    int claimed = 0;
    smtp_server srv;

    memset(stats, 0, sizeof *stats);
    if ((st = store_company_get(s, code, &c, err)) != LR_OK)
        return st;
    if ((st = div_mail_split(c.div_mail_to, buf, sizeof buf, to, &nto, err)) != LR_OK || !nto)
        return st; /* no addresses: nothing to send */
    if ((st = store_mail_settings_get(s, &m, err)) != LR_OK)
        return st;
    srv = (smtp_server){env->smtp_url && env->smtp_url[0] ? env->smtp_url : m.smtp_url,
                        m.smtp_user, "", 0, env->timeout_ms, m.ca_file};
    if (!srv.url[0])
        return lr_fail(err, LR_ENOTFOUND, "no SMTP server: set one with 'loginrec mail set "
                                          "--smtp-url smtp://HOST:PORT --from ADDRESS'");
    if (m.password_sealed[0]) {
        if (!sec)
            return lr_fail(err, LR_ECRYPTO, "no secrets key: the SMTP password cannot be opened");
        if ((st = secrets_open(sec, m.password_sealed, &password, err)) != LR_OK)
            return st;
        srv.password = password;
    }
    tf_format_date(tz_local_day(c.tz, now), day);
    snprintf(before, sizeof before, "%s", c.div_mail_day);
    /* the day is claimed before anything is sent: at most one summary */
    if ((st = store_company_div_mail_claim(s, c.id, day, err)) != LR_OK)
        goto out;
    claimed = 1;
    g.now = now;
    g.old_before = now - (int64_t)c.div_mail_open_days * 86400;
    st = store_divergences_open(s, c.id, take_open, &g, err);
    if (st == LR_OK) {
        char month[8];
        snprintf(month, sizeof month, "%.7s", day);
        st = store_ot_warnings_list(s, c.id, month, take_warning, &g, err);
    }
    if (st == LR_OK && g.oom)
        st = lr_fail(err, LR_ENOMEM, "out of memory");
    stats->fresh = g.nfresh + g.more_fresh;
    stats->old = g.nold + g.more_old;
    stats->overtime = g.not;
    if (st != LR_OK || (!stats->fresh && !stats->old && !stats->overtime))
        goto out; /* nothing to say today: no mail */
    {
        const char *from = env->from && env->from[0] ? env->from : m.mail_from;
        div_mail_facts f = {.c = &c,
                            .day = day,
                            .fresh = g.fresh,
                            .nfresh = g.nfresh,
                            .old = g.old,
                            .nold = g.nold,
                            .more_fresh = g.more_fresh,
                            .more_old = g.more_old,
                            .overtime = g.ot,
                            .novertime = g.not,
                            .open_days = c.div_mail_open_days,
                            .from = from,
                            .to = to,
                            .nto = nto,
                            .now = now};
        buf_init(&msg, 8u << 20);
        st = env->compose(env->ctx, &f, &msg, err);
        if (st == LR_OK)
            st = smtp_send(&srv, from, to, nto, msg.data ? msg.data : "", msg.len, err);
        buf_free(&msg);
    }
    if (st != LR_OK)
        goto out;
    stats->sent = 1;
    if ((st = store_begin(s, err)) == LR_OK) {
        for (size_t i = 0; st == LR_OK && i < g.nmark; i++)
            st = store_divergence_notified(s, c.id, g.mark[i].employee_id, g.mark[i].work_day, now, err);
        snprintf(detail, sizeof detail,
                 "%s: %zu new, %zu open for %d days or more, %zu overtime warnings, to %.480s", day,
                 stats->fresh, stats->old, c.div_mail_open_days, stats->overtime, c.div_mail_to);
        st = admin_commit_audited(s, st, c.id, "mail-job", "divergence.mail", detail, err);
    }
out:
    /* not sent: the day goes back, to be tried again (once sent, it stays
     * taken whatever happens after: never a second summary) */
    if (claimed && !stats->sent && st != LR_OK)
        store_company_div_mail_release(s, c.id, day, before, NULL);
    if (password)
        secrets_free_plain(password);
    free(g.fresh);
    free(g.old);
    free(g.mark);
    free(g.ot);
    return st;
}
