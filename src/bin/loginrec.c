/*
 * loginrec — the administrator's command line. Every command takes
 * --db PATH (or $LOGINREC_DB; default var/loginrec.db). Errors go to stderr
 * with a non-zero exit: 1 for a failure, 2 for a usage mistake. The
 * commands live in src/cli/, one file per family.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/store.h"

/* Commands that work on an open store, by name. */
typedef struct command {
    const char *name;
    int (*run)(lr_store *s, cli_args *a);
} command;

static const command commands[] = {
    {"company", cmd_company}, {"division", cmd_division}, {"employee", cmd_employee},
    {"link", cmd_link},       {"links", cmd_links},       {"ingest", cmd_ingest},
    {"punches", cmd_punches}, {"events", cmd_events},     {"kot", cmd_kot},
    {"outbox", cmd_outbox},   {"check", cmd_check},
    {"malion", cmd_malion},   {"user", cmd_user},         {"divergence", cmd_divergence},
    {"mail", cmd_mail},
};

int main(int argc, char **argv)
{
    const char *db = getenv("LOGINREC_DB");
    const command *c = NULL;
    lr_store *s = NULL;
    lr_error err;
    cli_args a;
    int bad = 0, rc, init;
    const char *cmd;

    a.n = argc - 1;
    a.v = argv + 1;
    {
        const char *v = cli_take(&a, "--db", &bad);
        if (v)
            db = v;
    }
    if (bad)
        return cli_usage("--db needs a path");
    if (!db || !*db)
        db = "var/loginrec.db";
    cli_db = db;
    if (a.n == 0 || strcmp(a.v[0], "--help") == 0 || strcmp(a.v[0], "help") == 0) {
        fputs(cli_usage_text, a.n == 0 ? stderr : stdout);
        return a.n == 0 ? 2 : 0;
    }
    cmd = a.v[0];
    a.v++;
    a.n--;
    init = strcmp(cmd, "init") == 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !init; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            c = &commands[i];
    if (!init && !c)
        return cli_usage("unknown command '%s'", cmd);
    if (sodium_init() < 0) {
        fprintf(stderr, "loginrec: libsodium failed to initialise\n");
        return 1;
    }
    if (!init) {
        struct stat st;
        if (!store_is_pg(db) && stat(db, &st) != 0) {
            fprintf(stderr, "loginrec: error: database %s does not exist; run 'loginrec --db %s init'\n",
                    db, db);
            return 1;
        }
    }
    lr_error_clear(&err);
    if (store_open(db, &s, &err) != LR_OK)
        return cli_fail(&err);
    rc = init ? cmd_init(s, db, &a) : c->run(s, &a);
    store_close(s);
    return rc;
}
