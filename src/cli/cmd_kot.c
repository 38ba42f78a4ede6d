/*
 * cmd_kot — loginrec kot (KING OF TIME settings, sync, delivery) and
 * loginrec outbox (what is waiting, what failed and why, retry).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "service/admin.h"
#include "service/divergence_review.h"
#include "service/kot_deliver.h"
#include "service/kot_settings.h"
#include "service/kot_sync.h"
#include "sinks/kot_api.h"
#include "util/timefmt.h"
#include "util/tz.h"

static int kot_set(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *url = cli_take(a, "--base-url", &bad), *tok = cli_take(a, "--token", &bad);
    const char *del = cli_take(a, "--delivery", &bad), *rate = cli_take(a, "--rate", &bad);
    const char *mode = cli_take(a, "--mode", &bad);
    kot_changes ch = {url, NULL, -1, -1};
    char token[600];
    lr_secrets sec;
    lr_error err;

    if (bad)
        return cli_usage("kot set: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "kot set")))
        return rc;
    if (del && admin_parse_onoff("--delivery", del, &ch.delivery, &err) != LR_OK)
        return cli_fail(&err);
    if (rate) {
        char *end;
        ch.rate = strtod(rate, &end);
        if (*end || end == rate)
            return cli_usage("kot set: --rate is '%s'; expected requests per second", rate);
    }
    if (tok) {
        if (cli_read_secret(tok, token, sizeof token))
            return 1;
        ch.token = token;
    }
    if (mode) {
        div_settings dv = {mode, -1, -1, NULL};
        if (div_settings_set(s, a->v[0], &dv, "cli", &err) != LR_OK)
            return cli_fail(&err);
        if (!url && !tok && !del && !rate) {
            printf("KING OF TIME mode of %s: %s\n", a->v[0], mode);
            return 0;
        }
    }
    if ((rc = cli_load_secrets(&sec)))
        return rc;
    rc = kot_settings_set(s, a->v[0], &ch, &sec, "cli", &err) == LR_OK ? 0 : cli_fail(&err);
    memset(token, 0, sizeof token);
    if (rc == 0)
        printf("KING OF TIME settings of %s updated\n", a->v[0]);
    return rc;
}

static int kot_sync(lr_store *s, cli_args *a)
{
    int rc;
    lr_secrets sec;
    lr_error err;
    kot_sync_stats st;
    dispatch_cfg cfg;
    cli_progress line;
    char summary[200];
    lr_status ok;
    int dry = cli_take_flag(a, "--dry-run");
    if ((rc = cli_check_rest(a, 1, "kot sync")) || (rc = cli_load_secrets(&sec)))
        return rc;
    dispatch_cfg_default(&cfg);
    ok = kot_sync_company(s, a->v[0], &sec, cfg.timeout_ms, "cli", dry,
                          cli_progress_start(&line), &st, &err);
    cli_progress_end(&line);
    if (ok != LR_OK)
        return cli_fail(&err);
    kot_sync_summary(&st, summary, sizeof summary);
    printf("%s%s\n", summary, dry ? " (dry run: nothing changed)" : "");
    return 0;
}

/* Drains what is due now, once (the service does this continuously). */
static int kot_deliver_cmd(lr_store *s, cli_args *a)
{
    int rc;
    lr_secrets sec;
    lr_error err;
    lr_company c;
    dispatch_cfg cfg;
    dispatch_stats st = {0};
    kot_transport *tp = NULL;
    kot_deliver *dl = NULL;
    lr_status ok;
    if ((rc = cli_check_rest(a, 1, "kot deliver")) || (rc = cli_load_secrets(&sec)))
        return rc;
    dispatch_cfg_default(&cfg);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if (!c.punch_delivery) {
        fprintf(stderr, "loginrec: error: punch delivery (打刻連携) is off for %s; turn it on "
                        "with 'loginrec kot set %s --delivery on'\n", c.code, c.code);
        return 1;
    }
    /* passes until one finds nothing due, at the company's rate */
    ok = kot_transport_curl(&tp, &err);
    if (ok == LR_OK)
        ok = kot_deliver_new(s, &sec, &cfg, tp, &dl, &err);
    if (ok == LR_OK)
        ok = kot_deliver_drain(dl, c.id, &err);
    if (dl) {
        kot_deliver_stop(dl);
        kot_deliver_stats(dl, &st);
    }
    kot_deliver_free(dl);
    if (tp)
        tp->ops->free(tp);
    if (ok != LR_OK)
        return cli_fail(&err);
    printf("%zu sent, %zu already there, %zu superseded, %zu skipped, %zu to retry, %zu waiting "
           "for KING OF TIME's restricted hours to end, %zu failed (%zu calls)\n",
           st.sent, st.already_there, st.superseded, st.skipped, st.retried, st.waiting,
           st.failed, st.calls);
    return 0;
}

int cmd_kot(lr_store *s, cli_args *a)
{
    const char *sub;
    if (a->n < 1)
        return cli_usage("kot: expected set, sync or deliver");
    sub = a->v[0];
    a->v++;
    a->n--;
    if (strcmp(sub, "set") == 0)
        return kot_set(s, a);
    if (strcmp(sub, "sync") == 0)
        return kot_sync(s, a);
    if (strcmp(sub, "deliver") == 0)
        return kot_deliver_cmd(s, a);
    return cli_usage("kot: unknown subcommand '%s'", sub);
}

typedef struct list_ctx {
    const lr_company *c;
    size_t n;
} list_ctx;

static int print_row(void *ctx, const lr_outbox_row *r)
{
    list_ctx *k = ctx;
    char t[32];
    tz_format_iso(k->c->tz, r->utc, t);
    printf("%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s%s\n", (long long)r->id, r->state, r->action,
           r->employee_code, r->work_day, punch_kind_name(r->kind), t, r->attempts,
           r->uncertain ? "(checking KoT first) " : "", r->result[0] ? r->result : "-");
    k->n++;
    return 0;
}

int cmd_outbox(lr_store *s, cli_args *a)
{
    lr_company c;
    lr_error err;
    lr_outbox_counts n;
    list_ctx k;
    int rc, failed;

    if (a->n >= 1 && strcmp(a->v[0], "retry") == 0) {
        size_t count;
        a->v++;
        a->n--;
        if ((rc = cli_check_rest(a, 1, "outbox retry")))
            return rc;
        if (admin_outbox_retry(s, a->v[0], "cli", &count, &err) != LR_OK)
            return cli_fail(&err);
        printf("%zu failed punch(es) queued again\n", count);
        return 0;
    }
    failed = cli_take_flag(a, "--failed");
    if ((rc = cli_check_rest(a, 1, "outbox")))
        return rc;
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK ||
        store_outbox_counts(s, c.id, &n, &err) != LR_OK)
        return cli_fail(&err);
    printf("# %zu pending, %zu sending, %zu failed, %zu done; delivery %s", n.pending, n.sending,
           n.failed, n.done, c.punch_delivery ? "on" : "off");
    if (n.restricted)
        printf("; %zu wait for the read-back after %s JST (KING OF TIME's restricted hours)",
               n.restricted, kot_restricted_end_words(n.restricted_until));
    printf("\n");
    printf("id\tstate\taction\temployee\twork_day\tkind\ttime\tattempts\tresult\n");
    k = (list_ctx){&c, 0};
    if (store_outbox_list(s, c.id, failed ? OUTBOX_FAILED : OUTBOX_OPEN, print_row, &k, &err) != LR_OK)
        return cli_fail(&err);
    return 0;
}
