/*
 * cmd_purge — loginrec purge CODE --before DATE (--archive FILE |
 * --no-archive) [--force]: a company's records before a day removed,
 * written to an archive CSV first (service/retention.h); and loginrec
 * retention CODE YEARS, how long loginrecd keeps them.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "service/retention.h"

int cmd_purge(lr_store *s, cli_args *a)
{
    int bad = 0, rc, force = cli_take_flag(a, "--force"), none = cli_take_flag(a, "--no-archive");
    const char *before = cli_take(a, "--before", &bad), *archive = cli_take(a, "--archive", &bad);
    retention_result res;
    cli_progress line;
    lr_secrets sec;
    lr_company c;
    lr_error err;
    lr_status st;
    if (bad || !before)
        return cli_usage("purge: --before DATE is required, with --archive FILE");
    if (!archive == !none)
        return cli_usage("purge: --archive FILE (what is removed is written there first), or "
                         "--no-archive");
    if ((rc = cli_check_rest(a, 1, "purge CODE")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    /* the key seals the record of where the events' chain resumes */
    if ((rc = cli_load_secrets(&sec)) != 0)
        return rc;
    st = retention_purge(s, &c, &sec, before, force, archive, "cli", cli_progress_start(&line),
                         &res, &err);
    sodium_memzero(&sec, sizeof sec);
    cli_progress_end(&line);
    if (st != LR_OK)
        return cli_fail(&err);
    printf("purged %s before %s: %lld events, %lld punches, %lld 乖離 days, %lld other rows",
           c.code, before, (long long)res.n.events, (long long)res.n.punches,
           (long long)res.n.divergences, (long long)res.n.other);
    if (archive)
        printf("; %lld rows archived in %s", (long long)res.archived, archive);
    printf("\n");
    return 0;
}

int cmd_retention(lr_store *s, cli_args *a)
{
    lr_error err;
    int rc;
    if ((rc = cli_check_rest(a, 2, "retention CODE YEARS")))
        return rc;
    if (retention_set(s, a->v[0], a->v[1], "cli", &err) != LR_OK)
        return cli_fail(&err);
    if (strcmp(a->v[1], "0") == 0)
        printf("%s: records kept for ever\n", a->v[0]);
    else
        printf("%s: records kept %s years, then purged by loginrecd each night (archived "
               "first)\n",
               a->v[0], a->v[1]);
    return 0;
}
