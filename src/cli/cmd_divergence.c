/*
 * cmd_divergence — loginrec divergence (乖離, issue 23): the report as CSV
 * or JSON, reading KING OF TIME's record back, confirming a day with a
 * reason and a result, the company's reasons and its limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "reply/div_mail_words.h"
#include "service/divergence_fetch.h"
#include "service/divergence_mail.h"
#include "service/divergence_overtime.h"
#include "service/divergence_report.h"
#include "service/divergence_review.h"
#include "service/kot_dispatch.h"
#include "util/clock.h"

/* A whole number of minutes from an option (NULL: -1, unchanged). */
static int minutes(const char *what, const char *v, int *out)
{
    char *end;
    long n;
    *out = -1;
    if (!v)
        return 0;
    n = strtol(v, &end, 10);
    if (*end || end == v || n < 0 || n > 100000) {
        cli_usage("divergence: %s is '%s'; expected minutes", what, v);
        return 2;
    }
    *out = (int)n;
    return 0;
}

static int report(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *from = cli_take(a, "--from", &bad), *to = cli_take(a, "--to", &bad);
    const char *fmt = cli_take(a, "--format", &bad), *status = cli_take(a, "--status", &bad);
    const char *division = cli_take(a, "--division", &bad), *min = cli_take(a, "--min", &bad);
    int crlf = cli_take_flag(a, "--crlf");
    div_query q = {from, to, DIV_STATUS_OPEN, division, NULL, 0};
    div_format f = DIV_CSV;
    lr_company c;
    lr_error err;
    lr_buf out;

    if (bad)
        return cli_usage("divergence: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "divergence")))
        return rc;
    lr_error_clear(&err);
    if (div_parse_min(min, &q.min_size, &err) != LR_OK)
        return cli_usage("divergence: --%s", err.message);
    if (fmt && strcmp(fmt, "json") == 0)
        f = DIV_JSON;
    else if (fmt && strcmp(fmt, "csv") != 0)
        return cli_usage("divergence: --format is '%s'; expected csv or json", fmt);
    lr_error_clear(&err);
    if (div_parse_status(status, &q.status, &err) != LR_OK)
        return cli_usage("divergence: --%s", err.message);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    buf_init(&out, 1u << 30);
    if (div_export(s, &c, &q, f, crlf, &out, &err) != LR_OK) {
        buf_free(&out);
        return cli_fail(&err);
    }
    fwrite(buf_str(&out), 1, out.len, stdout);
    buf_free(&out);
    return 0;
}

static int fetch(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *from = cli_take(a, "--from", &bad), *to = cli_take(a, "--to", &bad);
    char f[11], t[11], summary[200];
    lr_secrets sec;
    lr_company c;
    lr_error err;
    div_fetch_stats st;
    dispatch_cfg cfg;
    cli_progress line;
    lr_status ok;

    if (bad)
        return cli_usage("divergence fetch: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "divergence fetch")))
        return rc;
    if (!from != !to)
        return cli_usage("divergence fetch: give both --from and --to, or neither (the last "
                         "%d days)", DIV_FETCH_DAYS);
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if (!from) {
        div_fetch_default_range(&c, clock_now(), f, t);
        from = f;
        to = t;
    }
    if ((rc = cli_load_secrets(&sec)))
        return rc;
    dispatch_cfg_default(&cfg);
    ok = div_fetch(s, c.code, &sec, cfg.timeout_ms, from, to, "cli", cli_progress_start(&line),
                   &st, &err);
    cli_progress_end(&line);
    if (ok != LR_OK)
        return cli_fail(&err);
    div_fetch_summary(&st, summary, sizeof summary);
    printf("%s..%s: %s%s\n", from, to, summary,
           st.unknown ? "; some records are of employees not known here: run 'loginrec kot "
                        "sync'"
                      : "");
    return 0;
}

static int confirm(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    div_finding f = {0};
    lr_error err;
    f.reason = cli_take(a, "--reason", &bad);
    f.result = cli_take(a, "--result", &bad);
    f.note = cli_take(a, "--note", &bad);
    if (bad)
        return cli_usage("divergence confirm: an option is missing its value");
    if ((rc = cli_check_rest(a, 3, "divergence confirm")))
        return rc;
    if (!f.reason || !f.result)
        return cli_usage("divergence confirm: --reason and --result are needed");
    f.employee = a->v[1];
    f.date = a->v[2];
    lr_error_clear(&err);
    if (div_confirm(s, a->v[0], &f, "cli", &err) != LR_OK)
        return cli_fail(&err);
    printf("%s of employee %s confirmed: %s, %s\n", f.date, f.employee, f.reason, f.result);
    return 0;
}

static int reasons(lr_store *s, cli_args *a)
{
    int rc;
    lr_company c;
    lr_div_reason r[DIV_REASONS_MAX];
    size_t n;
    lr_error err;
    if ((rc = cli_check_rest(a, 1, "divergence reasons")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK ||
        div_reasons(s, &c, r, DIV_REASONS_MAX, &n, &err) != LR_OK)
        return cli_fail(&err);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", r[i].code, r[i].label_ja, r[i].label_en);
    return 0;
}

static int reason(lr_store *s, cli_args *a)
{
    int bad = 0, rc, pos;
    const char *ja = cli_take(a, "--ja", &bad), *en = cli_take(a, "--en", &bad);
    const char *at = cli_take(a, "--position", &bad);
    int rm = cli_take_flag(a, "--remove");
    lr_div_reason r = {0};
    lr_error err;
    if (bad)
        return cli_usage("divergence reason: an option is missing its value");
    if ((rc = cli_check_rest(a, 2, "divergence reason")) || (rc = minutes("--position", at, &pos)))
        return rc;
    lr_error_clear(&err);
    if (rm) {
        if (div_reason_remove(s, a->v[0], a->v[1], "cli", &err) != LR_OK)
            return cli_fail(&err);
        printf("reason %s removed\n", a->v[1]);
        return 0;
    }
    if (!ja || !en)
        return cli_usage("divergence reason: --ja and --en labels are needed (or --remove)");
    snprintf(r.code, sizeof r.code, "%s", a->v[1]);
    snprintf(r.label_ja, sizeof r.label_ja, "%s", ja);
    snprintf(r.label_en, sizeof r.label_en, "%s", en);
    r.position = pos < 0 ? 100 : pos;
    if (strlen(a->v[1]) >= sizeof r.code || strlen(ja) >= sizeof r.label_ja ||
        strlen(en) >= sizeof r.label_en)
        return cli_usage("divergence reason: the code or a label is too long");
    if (div_reason_set(s, a->v[0], &r, "cli", &err) != LR_OK)
        return cli_fail(&err);
    printf("reason %s saved\n", r.code);
    return 0;
}

static int set(lr_store *s, cli_args *a)
{
    int bad = 0, rc, om, oa;
    const char *start = cli_take(a, "--start-limit", &bad), *end = cli_take(a, "--end-limit", &bad);
    const char *otm = cli_take(a, "--overtime-month", &bad), *ota = cli_take(a, "--overtime-avg", &bad);
    div_settings ch = {NULL, -1, -1, cli_take(a, "--division", &bad)};
    lr_error err;
    if (bad)
        return cli_usage("divergence set: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "divergence set")) ||
        (rc = minutes("--start-limit", start, &ch.start_min)) ||
        (rc = minutes("--end-limit", end, &ch.end_min)) ||
        (rc = minutes("--overtime-month", otm, &om)) || (rc = minutes("--overtime-avg", ota, &oa)))
        return rc;
    lr_error_clear(&err);
    if ((otm || ota) && div_overtime_limits_set(s, a->v[0], om, oa, "cli", &err) != LR_OK)
        return cli_fail(&err);
    if ((start || end || !(otm || ota)) && div_settings_set(s, a->v[0], &ch, "cli", &err) != LR_OK)
        return cli_fail(&err);
    printf("divergence limits of %s%s%s updated\n", a->v[0], ch.division ? " division " : "",
           ch.division ? ch.division : "");
    return 0;
}

/* 36協定: every PC user's month, as CSV. */
static int print_month(void *ctx, const lr_ot_warning *w)
{
    (void)ctx;
    printf("%s,%s,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%s%s%s\n", w->employee_code, w->month,
           w->pc_work_min / 60.0, w->pc_over_min / 60.0, w->projected_min / 60.0,
           w->avg_min / 60.0, w->rec_work_min / 60.0, w->rec_over_min / 60.0,
           w->warning & OT_MONTH ? "month " : "", w->warning & OT_PROJECTED ? "projected " : "",
           w->warning & OT_AVERAGE ? "average" : "");
    return 0;
}

static int overtime(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *month = cli_take(a, "--month", &bad);
    char m[8];
    lr_company c;
    lr_error err;
    if (bad)
        return cli_usage("divergence overtime: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "divergence overtime")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if (!month) {
        div_month_of(&c, clock_now(), m);
        month = m;
    }
    printf("employee,month,pc_work_h,pc_over_h,projected_over_h,avg_over_h,recorded_work_h,"
           "recorded_over_h,warning\n");
    if (div_overtime(s, &c, month, clock_now(), print_month, NULL, &err) != LR_OK)
        return cli_fail(&err);
    return 0;
}

/* The daily summary's addresses. */
static int mail(lr_store *s, cli_args *a)
{
    int bad = 0, rc, days;
    const char *to = cli_take(a, "--to", &bad), *open = cli_take(a, "--open-days", &bad);
    lr_company c;
    lr_error err;
    if (bad)
        return cli_usage("divergence mail: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "divergence mail")) || (rc = minutes("--open-days", open, &days)))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if (!to)
        to = c.div_mail_to;
    if (div_mail_recipients_set(s, a->v[0], to, days >= 0 ? days : c.div_mail_open_days, "cli",
                                &err) != LR_OK)
        return cli_fail(&err);
    printf("divergence mail of %s: %s\n", a->v[0], to[0] ? to : "(none)");
    return 0;
}

/* Sends today's summary now (at most one a day, as loginrecd's). */
static int notify(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    div_mail_env env = {div_mail_compose, NULL, cli_take(a, "--smtp-url", &bad), NULL, 30000};
    div_mail_stats st;
    lr_secrets sec;
    lr_error err;
    lr_status ok;
    if (bad)
        return cli_usage("divergence notify: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "divergence notify")) || (rc = cli_load_secrets(&sec)))
        return rc;
    lr_error_clear(&err);
    ok = div_mail_run(s, a->v[0], &sec, &env, &st, &err);
    if (ok == LR_EBUSY) {
        printf("today's divergence summary of %s was sent already\n", a->v[0]);
        return 0;
    }
    if (ok != LR_OK)
        return cli_fail(&err);
    printf("%s: %zu new, %zu open for longer%s\n", a->v[0], st.fresh, st.old,
           st.sent ? ", mailed" : "; nothing to mail");
    return 0;
}

int cmd_mail(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *url, *from, *user, *pw, *ca;
    char password[600] = "";
    lr_secrets sec;
    lr_error err;
    if (a->n < 1 || strcmp(a->v[0], "set") != 0)
        return cli_usage("mail: expected set");
    a->v++;
    a->n--;
    url = cli_take(a, "--smtp-url", &bad);
    from = cli_take(a, "--from", &bad);
    user = cli_take(a, "--user", &bad);
    pw = cli_take(a, "--password", &bad);
    ca = cli_take(a, "--ca-file", &bad);
    if (bad)
        return cli_usage("mail set: an option is missing its value");
    if ((rc = cli_check_rest(a, 0, "mail set")))
        return rc;
    if (pw && cli_read_secret(pw, password, sizeof password))
        return 1;
    if ((rc = cli_load_secrets(&sec)))
        return rc;
    lr_error_clear(&err);
    rc = div_mail_server_set(s, &sec, url, from, user, pw ? password : NULL, ca, "cli", &err) == LR_OK
             ? 0
             : cli_fail(&err);
    memset(password, 0, sizeof password);
    if (rc == 0)
        printf("mail settings updated\n");
    return rc;
}

int cmd_divergence(lr_store *s, cli_args *a)
{
    static const struct {
        const char *name;
        int (*run)(lr_store *, cli_args *);
    } subs[] = {{"fetch", fetch},   {"confirm", confirm}, {"reasons", reasons},
                {"reason", reason}, {"set", set},         {"mail", mail},
                {"notify", notify}, {"overtime", overtime}};
    if (a->n < 1)
        return cli_usage("divergence: expected CODE, or fetch, confirm, reasons, reason, set, "
                         "mail, notify or overtime");
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
        if (strcmp(a->v[0], subs[i].name) == 0) {
            a->v++;
            a->n--;
            return subs[i].run(s, a);
        }
    return report(s, a);
}
