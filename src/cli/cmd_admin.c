/*
 * cmd_admin — loginrec init, company, division, employee and link: thin
 * wrappers over service/admin with the CLI's messages.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/admins.h"
#include "service/admin.h"
#include "store/secrets.h"

int cmd_init(lr_store *s, const char *db, cli_args *a)
{
    char key_path[600];
    int created = 0, rc;
    lr_error err;
    if ((rc = cli_check_rest(a, 0, "init")))
        return rc;
    secrets_key_path(db, key_path, sizeof key_path);
    if (!getenv("LOGINREC_KEY") && secrets_key_create(key_path, &created, &err) != LR_OK)
        return cli_fail(&err);
    printf("database %s ready (schema %d)\n", db, store_schema_version(s));
    if (getenv("LOGINREC_KEY"))
        printf("secrets key: from LOGINREC_KEY\n");
    else
        printf("secrets key: %s (%s, mode 0600; back it up with the database)\n", key_path,
               created ? "created" : "exists");
    return 0;
}

int cmd_company(lr_store *s, cli_args *a)
{
    int bad = 0, rc, breaks = -1;
    lr_error err;
    const char *sub, *name, *tz, *br, *collect, *idle;
    if (a->n < 1)
        return cli_usage("company: expected add, set or token");
    sub = a->v[0];
    a->v++;
    a->n--;
    if (strcmp(sub, "token") == 0)
        return cmd_company_token(s, a);
    name = cli_take(a, "--name", &bad);
    collect = cli_take(a, "--lanscope-collect", &bad);
    tz = cli_take(a, "--tz", &bad);
    br = cli_take(a, "--breaks", &bad);
    idle = cli_take(a, "--idle-break", &bad);
    if (bad)
        return cli_usage("company %s: an option is missing its value", sub);
    if (br && admin_parse_onoff("--breaks", br, &breaks, &err) != LR_OK)
        return cli_fail(&err);
    if (strcmp(sub, "add") == 0) {
        char token[LR_TOKEN_LEN + 1];
        if (name || collect || idle)
            return cli_usage("company add: give the name as the second argument; "
                             "--lanscope-collect and --idle-break belong to 'company set'");
        if ((rc = cli_check_rest(a, 2, "company add")))
            return rc;
        if (admin_company_add(s, a->v[0], a->v[1], tz, breaks > 0, "cli", token, &err) != LR_OK)
            return cli_fail(&err);
        printf("%s\n", token);
        sodium_memzero(token, sizeof token);
        return 0;
    }
    if (strcmp(sub, "set") == 0) {
        company_changes ch = {name, tz, breaks, collect, idle};
        if ((rc = cli_check_rest(a, 1, "company set")))
            return rc;
        if (admin_company_set(s, a->v[0], &ch, "cli", &err) != LR_OK)
            return cli_fail(&err);
        printf("company %s updated\n", a->v[0]);
        return 0;
    }
    return cli_usage("company: unknown subcommand '%s'", sub);
}

int cmd_division(lr_store *s, cli_args *a)
{
    int bad = 0, rc, dry;
    lr_error err;
    const char *name, *dc, *from;
    division_change ch;
    if (a->n < 1 || strcmp(a->v[0], "set") != 0)
        return cli_usage("division: expected 'set'");
    a->v++;
    a->n--;
    name = cli_take(a, "--name", &bad);
    dc = cli_take(a, "--day-change", &bad);
    from = cli_take(a, "--rederive-from", &bad);
    dry = cli_take_flag(a, "--dry-run");
    if (bad || !dc)
        return cli_usage("division set: --day-change HH:MM is required (and --name NAME for a "
                         "new division)");
    if ((rc = cli_check_rest(a, 2, "division set")))
        return rc;
    if (!from && !dry) {
        if (admin_division_set(s, a->v[0], a->v[1], name, dc, "cli", &err) != LR_OK)
            return cli_fail(&err);
        printf("division %s: day change %s (days already derived are kept; "
               "--rederive-from DATE re-derives them)\n",
               a->v[1], dc);
        return 0;
    }
    if (name)
        return cli_usage("division set: --name cannot be changed with --rederive-from or "
                         "--dry-run; set it first");
    if (admin_division_day_change(s, a->v[0], a->v[1], dc, from, dry, "cli", &ch, &err) != LR_OK)
        return cli_fail(&err);
    printf("division %s: day change %02d:%02d -> %s%s", a->v[1], ch.before_min / 60,
           ch.before_min % 60, dc, dry ? " (dry run: nothing changed)" : "");
    if (from)
        printf("; %zu employees' days from %s re-derived: %zu punches added, %zu replaced, %zu "
               "retracted",
               ch.employees, from, ch.punches.added, ch.punches.replaced, ch.punches.retracted);
    printf("\n");
    return 0;
}

int cmd_employee(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    lr_error err;
    const char *last, *first, *div;
    if (a->n < 1 || strcmp(a->v[0], "add") != 0)
        return cli_usage("employee: expected 'add'");
    a->v++;
    a->n--;
    last = cli_take(a, "--last", &bad);
    first = cli_take(a, "--first", &bad);
    div = cli_take(a, "--division", &bad);
    if (bad || !last || !first)
        return cli_usage("employee add: --last and --first are required");
    if ((rc = cli_check_rest(a, 2, "employee add")))
        return rc;
    if (admin_employee_add(s, a->v[0], a->v[1], last, first, div, "cli", &err) != LR_OK)
        return cli_fail(&err);
    printf("employee %s added: %s %s\n", a->v[1], last, first);
    return 0;
}

int cmd_link(lr_store *s, cli_args *a)
{
    int bad = 0, rc;
    lr_error err;
    rederive_stats st = {0};
    const char *kind;
    char acc[LR_ACCOUNT_MAX + 1];
    int del = a->n >= 1 && strcmp(a->v[0], "delete") == 0;
    if (a->n < 1 || (strcmp(a->v[0], "set") != 0 && !del))
        return cli_usage("link: expected 'set' or 'delete'");
    a->v++;
    a->n--;
    kind = cli_take(a, "--kind", &bad);
    if (bad || !kind)
        return cli_usage("link %s: --kind lanscope|malion|smarton is required",
                         del ? "delete" : "set");
    if (del) {
        if ((rc = cli_check_rest(a, 2, "link delete")))
            return rc;
        if (admin_link_delete(s, a->v[0], kind, a->v[1], "cli", acc, &st, &err) != LR_OK)
            return cli_fail(&err);
        printf("removed %s account '%s' from employee %s (%zu days re-derived: %zu punches "
               "added, %zu replaced, %zu retracted)\n",
               kind, acc, a->v[1], st.days, st.added, st.replaced, st.retracted);
        return 0;
    }
    if ((rc = cli_check_rest(a, 3, "link set")))
        return rc;
    if (admin_link_set(s, a->v[0], kind, a->v[1], a->v[2], "cli", &st, &err) != LR_OK)
        return cli_fail(&err);
    printf("linked %s account '%s' to employee %s (%zu days re-derived: %zu punches added, %zu "
           "replaced, %zu retracted)\n",
           kind, a->v[2], a->v[1], st.days, st.added, st.replaced, st.retracted);
    return 0;
}

int cmd_user(lr_store *s, cli_args *a)
{
    char pw[ACCOUNT_PASSWORD_MAX + 2];
    lr_error err;
    int rc;
    if (a->n < 1 || strcmp(a->v[0], "add") != 0)
        return cli_usage("user: expected 'add'");
    a->v++;
    a->n--;
    if (!cli_take_flag(a, "--password-stdin"))
        return cli_usage("user add: give the password on standard input with --password-stdin");
    if ((rc = cli_check_rest(a, 2, "user add")))
        return rc;
    if (!fgets(pw, sizeof pw, stdin)) {
        fprintf(stderr, "loginrec: error: no password on standard input\n");
        return 1;
    }
    pw[strcspn(pw, "\r\n")] = '\0';
    rc = account_user_add(s, a->v[0], a->v[1], pw, "cli", &err) == LR_OK ? 0 : cli_fail(&err);
    sodium_memzero(pw, sizeof pw);
    if (rc == 0)
        printf("administrator %s of %s added\n", a->v[1], a->v[0]);
    return rc;
}
