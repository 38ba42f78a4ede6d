/*
 * cmd_malion — loginrec malion: MaLion連携 settings (set, clear), a
 * sign-in test, one poll by hand, and the poller's status per company.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "service/admin.h"
#include "service/malion_poll.h"
#include "service/malion_settings.h"
#include "util/timefmt.h"
#include "util/tz.h"

static int malion_set(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *host = cli_take(a, "--host", &bad), *admin = cli_take(a, "--admin-code", &bad);
    const char *secret = cli_take(a, "--secret-code", &bad), *on = cli_take(a, "--enabled", &bad);
    malion_changes ch = {host, admin, NULL, -1};
    char code[MALION_CODE_MAX + 8];
    lr_secrets sec;
    lr_error err;

    if (bad)
        return cli_usage("malion set: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "malion set")))
        return rc;
    if (on && admin_parse_onoff("--enabled", on, &ch.enabled, &err) != LR_OK)
        return cli_fail(&err);
    if (secret) {
        if (cli_read_secret(secret, code, sizeof code))
            return 1;
        ch.secret_code = code;
    }
    if ((rc = cli_load_secrets(&sec)))
        return rc;
    rc = malion_settings_set(s, a->v[0], &ch, &sec, "cli", &err) == LR_OK ? 0 : cli_fail(&err);
    memset(code, 0, sizeof code);
    if (rc == 0)
        printf("MaLion settings of %s updated\n", a->v[0]);
    return rc;
}

static int malion_clear(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    const char *field = cli_take(a, "--field", &bad);
    unsigned fields = MALION_FIELD_HOST | MALION_FIELD_ADMIN_CODE | MALION_FIELD_SECRET_CODE;
    lr_error err;
    if (bad)
        return cli_usage("malion clear: --field needs host, admin-code or secret-code");
    if ((rc = cli_check_rest(a, 1, "malion clear")))
        return rc;
    if (field && !(fields = malion_field_parse(field)))
        return cli_usage("malion clear: --field is '%s'; expected host, admin-code or secret-code",
                         field);
    if (malion_settings_clear(s, a->v[0], fields, "cli", &err) != LR_OK)
        return cli_fail(&err);
    printf("MaLion %s of %s cleared\n", field ? field : "settings", a->v[0]);
    return 0;
}

static int malion_test(lr_store *s, cli_args *a)
{
    lr_secrets sec;
    lr_error err;
    malion_poll_cfg cfg;
    int rc;
    if ((rc = cli_check_rest(a, 1, "malion test")) || (rc = cli_load_secrets(&sec)))
        return rc;
    malion_poll_cfg_default(&cfg);
    if (malion_poll_test(s, a->v[0], &sec, cfg.timeout_ms, &err) != LR_OK)
        return cli_fail(&err);
    printf("ok: MaLion accepted the admin code and secret code of %s\n", a->v[0]);
    return 0;
}

static int malion_poll(lr_store *s, cli_args *a)
{
    lr_secrets sec;
    lr_error err;
    malion_poll_cfg cfg;
    malion_poll_stats st;
    int rc;
    if ((rc = cli_check_rest(a, 1, "malion poll")) || (rc = cli_load_secrets(&sec)))
        return rc;
    malion_poll_cfg_default(&cfg);
    rc = malion_poll_company(s, a->v[0], &sec, &cfg, &st, &err) == LR_OK ? 0 : cli_fail(&err);
    printf("%zu page(s), %zu logs: %zu new events, %zu duplicates, %zu without attendance "
           "code, %zu unreadable; punches added %zu, replaced %zu, retracted %zu\n",
           st.pages, st.logs, st.events, st.duplicates, st.no_code, st.bad, st.punches.added,
           st.punches.replaced, st.punches.retracted);
    return rc;
}

static void print_time(const char *label, const lr_company *c, int64_t t)
{
    char iso[32];
    if (!t) {
        printf("%-14s never\n", label);
        return;
    }
    tz_format_iso(c->tz, t, iso);
    printf("%-14s %s\n", label, iso);
}

static int print_version(void *ctx, const lr_version_seen *v)
{
    const lr_company *c = ctx;
    char iso[32];
    tz_format_iso(c->tz, v->last_utc, iso);
    printf("  %-20s %lld events, last %s\n", v->version[0] ? v->version : "(none)",
           (long long)v->events, iso);
    return 0;
}

static int malion_status(lr_store *s, cli_args *a)
{
    lr_company c;
    lr_malion_state ms;
    lr_error err;
    char missing[300];
    int rc;
    if ((rc = cli_check_rest(a, 1, "malion status")))
        return rc;
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK ||
        store_malion_state_get(s, c.id, &ms, &err) != LR_OK)
        return cli_fail(&err);
    malion_settings_missing(s, &c, missing, sizeof missing);
    printf("%-14s %s\n", "enabled", c.malion_enabled ? "on" : "off");
    printf("%-14s %s\n", "host", c.malion_host[0] ? c.malion_host : "(not set)");
    printf("%-14s %s\n", "admin code", c.malion_admin_code[0] ? c.malion_admin_code : "(not set)");
    printf("%-14s %s\n", "secret code", malion_settings_has_secret(s, &c) ? "(set)" : "(not set)");
    if (missing[0])
        printf("%-14s %s\n", "missing", missing);
    print_time("last attempt", &c, ms.attempt_at);
    print_time("last success", &c, ms.success_at);
    printf("%-14s %s\n", "last error", ms.error[0] ? ms.error : "(none)");
    printf("%-14s %lld logs read, cursor '%s'\n", "progress", (long long)ms.logs_total, ms.cursor);
    printf("agent versions seen:\n");
    if (store_event_versions(s, c.id, "malion", print_version, &c, &err) != LR_OK)
        return cli_fail(&err);
    return 0;
}

int cmd_malion(lr_store *s, cli_args *a)
{
    static const struct {
        const char *name;
        int (*run)(lr_store *, cli_args *);
    } subs[] = {{"set", malion_set},   {"clear", malion_clear},   {"test", malion_test},
                {"poll", malion_poll}, {"status", malion_status}};
    if (a->n < 1)
        return cli_usage("malion: expected set, clear, test, poll or status");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(a->v[0], subs[i].name) == 0) {
            a->v++;
            a->n--;
            return subs[i].run(s, a);
        }
    }
    return cli_usage("malion: unknown subcommand '%s'", a->v[0]);
}
