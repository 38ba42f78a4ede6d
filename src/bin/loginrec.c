/*
 * loginrec — the administrator's command line. Every command takes
 * --db PATH (else $LOGINREC_DB, else loginrecd.conf's db, else
 * var/loginrec.db): the settings file is loginrecd's (--config FILE, else
 * $LOGINREC_CONFIG, else /etc/loginrec/loginrecd.conf when it exists), so
 * that an installed loginrec works on the service's database with the
 * service's key. Errors go to stderr
 * with a non-zero exit: 1 for a failure, 2 for a usage mistake. The
 * commands live in src/cli/, one file per family.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/store.h"
#include "util/settings.h"

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
    {"mail", cmd_mail},       {"purge", cmd_purge},       {"retention", cmd_retention},
    {"verify", cmd_verify},   {"digest", cmd_digest},
};

/* What the CLI takes of loginrecd.conf; its other settings are the
 * service's. The environment wins over the file. */
static const setting_def defs[] = {
    {"db", NULL, NULL, "LOGINREC_DB", SETTING_TEXT, 1, 0, "var/loginrec.db", 0, "database", NULL},
    {"key", NULL, NULL, "LOGINREC_KEY", SETTING_TEXT, 0, 0, "", 1, "secrets key", NULL},
    {"key_file", NULL, NULL, "LOGINREC_KEY_FILE", SETTING_TEXT, 0, 0, "", 0, "secrets key file",
     NULL},
};

/* The settings file's db, key and key_file, under the environment's:
 * 0, or 1 with the error written. */
static int configure(const char *path, int have_db, settings *cfg)
{
    const char *env = getenv("LOGINREC_CONFIG");
    int required = 1;
    lr_error err;
    if (!path && env && *env)
        path = env;
    if (!path) {
        path = SETTINGS_DEFAULT_FILE;
        required = 0;
        /* the service's file, readable by its group only: someone else who
         * names the database needs nothing from it */
        if (have_db && access(path, R_OK) != 0 && errno == EACCES)
            path = "";
    }
    if (settings_init(cfg, defs, sizeof defs / sizeof *defs, &err) == LR_OK) {
        cfg->others_ok = 1;
        if ((!*path || settings_load_file(cfg, path, "loginrecd", required, &err) == LR_OK) &&
            settings_take_env(cfg, &err) == LR_OK) {
            settings_export(cfg);
            return 0;
        }
    }
    cli_fail(&err);
    return 1;
}

/* The command a names, on db. */
static int run(const char *db, cli_args *a)
{
    const command *c = NULL;
    lr_store *s = NULL;
    lr_error err;
    int rc, init;
    const char *cmd;

    cli_db = db;
    if (a->n == 0 || strcmp(a->v[0], "--help") == 0 || strcmp(a->v[0], "help") == 0) {
        fputs(cli_usage_text, a->n == 0 ? stderr : stdout);
        return a->n == 0 ? 2 : 0;
    }
    cmd = a->v[0];
    a->v++;
    a->n--;
    if (strcmp(cmd, "backup") == 0)
        return cmd_backup(db, a);
    if (strcmp(cmd, "restore") == 0)
        return cmd_restore(db, a);
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
    rc = init ? cmd_init(s, db, a) : c->run(s, a);
    store_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    settings cfg = {0};
    const char *db, *config;
    cli_args a;
    int bad = 0, rc;

    a.n = argc - 1;
    a.v = argv + 1;
    db = cli_take(&a, "--db", &bad);
    if (bad)
        return cli_usage("--db needs a path");
    config = cli_take(&a, "--config", &bad);
    if (bad)
        return cli_usage("--config needs a file");
    if (configure(config, (db && *db) || (getenv("LOGINREC_DB") && *getenv("LOGINREC_DB")),
                  &cfg) != 0)
        rc = 1;
    else
        rc = run(db && *db ? db : settings_get(&cfg, "db"), &a);
    settings_free(&cfg);
    return rc;
}
