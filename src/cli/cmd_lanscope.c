/*
 * cmd_lanscope — the LanScope side of the CLI: `company token CODE
 * --lanscope` (the agent's access token) and `check CODE` (the day-change
 * alignment of manual 2.2, and the Windows user names that are two
 * accounts).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "service/lanscope_settings.h"
#include "service/pc_check.h"
#include "util/clock.h"
#include "util/timefmt.h"

int cmd_company_token(lr_store *s, cli_args *a)
{
    char token[LR_LANSCOPE_TOKEN_LEN + 1];
    lr_error err;
    int rc;
    if (!cli_take_flag(a, "--lanscope"))
        return cli_usage("company token: say which token: --lanscope");
    if ((rc = cli_check_rest(a, 1, "company token")))
        return rc;
    if (lanscope_token_issue(s, a->v[0], "cli", token, &err) != LR_OK)
        return cli_fail(&err);
    printf("%s\n", token);
    fprintf(stderr,
            "loginrec: the LanScope access token of %s is above; it is shown only this once. "
            "Any earlier token no longer works.\n",
            a->v[0]);
    sodium_memzero(token, sizeof token);
    return 0;
}

static int print_shared(void *ctx, const pc_shared_name *s)
{
    char text[1000];
    (void)ctx;
    pc_shared_name_text(s, text, sizeof text);
    printf("warning: the Windows user name '%s' is more than one account (FAQ 5.2.1): %s; its "
           "events are flagged shared_account\n",
           s->account, text);
    return 0;
}

static int print_warning(void *ctx, const lanscope_misaligned *m)
{
    char text[600];
    (void)ctx;
    lanscope_misaligned_text(m, text, sizeof text);
    printf("warning: %s\n", text);
    return 0;
}

int cmd_check(lr_store *s, cli_args *a)
{
    lr_company c;
    lr_error err;
    size_t n = 0, shared = 0;
    char collect[6];
    int rc;
    if ((rc = cli_check_rest(a, 1, "check")))
        return rc;
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return cli_fail(&err);
    if (lanscope_alignment(s, &c, print_warning, NULL, &n, &err) != LR_OK)
        return cli_fail(&err);
    tf_format_hhmm(c.lanscope_collect_min, collect);
    if (n == 0)
        printf("ok: every division changes day at %s, when LanScope collects\n", collect);
    printf("LanScope access token: %s\n", c.has_lanscope_token
                                              ? "issued"
                                              : "none (loginrec company token CODE --lanscope)");
    if (pc_shared_names(s, &c, clock_now(), print_shared, NULL, &shared, &err) != LR_OK)
        return cli_fail(&err);
    if (shared == 0)
        printf("ok: no Windows user name is two accounts in the last %d days\n", PC_CHECK_DAYS);
    return n || shared ? 1 : 0;
}
