/*
 * cli — the shared parts of the loginrec commands (src/cli/cmd_*.c) and
 * the contract of each command family. A command returns its exit code:
 * 0 success, 1 failure (message on stderr), 2 usage mistake.
 */
#ifndef LR_CLI_CLI_H
#define LR_CLI_CLI_H

#include "store/secrets.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/status.h"

/* Arguments left after options are taken out, in order. */
typedef struct cli_args {
    int n;
    char **v;
} cli_args;

extern const char cli_usage_text[];
extern const char *cli_db; /* the database path main() chose */

/* Prints "loginrec: MESSAGE" and the usage to stderr; returns 2. */
int cli_usage(const char *fmt, ...) LR_PRINTF(1, 2);
/* Prints "loginrec: error: file:line:column: message"; returns 1. */
int cli_fail(const lr_error *err);

/* Takes "--name VALUE" out of a; returns VALUE or NULL. *bad is set when
 * the option is present without a value. */
const char *cli_take(cli_args *a, const char *name, int *bad);
/* Takes "--name" out of a; returns whether it was there. */
int cli_take_flag(cli_args *a, const char *name);
/* After options are taken: any "--x" left is unknown; the count must
 * match. Returns 0 or the usage exit code. */
int cli_check_rest(const cli_args *a, int want, const char *what);

/* Reads a whole file (or stdin for "-") into b (bounded by b's maximum). */
lr_status cli_read_file(const char *path, lr_buf *b, lr_error *err);

/* Loads the secrets key of cli_db; 0 or the exit code (message printed). */
int cli_load_secrets(lr_secrets *sec);
/* A secret from the argument, or from stdin for "-" (keeps it out of ps);
 * 0 or 1 (message printed). */
int cli_read_secret(const char *arg, char *out, size_t outsz);

/* Command families (argument vector after the command word). */
int cmd_init(lr_store *s, const char *db, cli_args *a);
int cmd_company(lr_store *s, cli_args *a);
int cmd_company_token(lr_store *s, cli_args *a); /* cmd_lanscope.c */
int cmd_check(lr_store *s, cli_args *a);         /* cmd_lanscope.c */
int cmd_division(lr_store *s, cli_args *a);
int cmd_employee(lr_store *s, cli_args *a);
int cmd_link(lr_store *s, cli_args *a);
int cmd_links(lr_store *s, cli_args *a);
int cmd_ingest(lr_store *s, cli_args *a);
int cmd_punches(lr_store *s, cli_args *a);
int cmd_events(lr_store *s, cli_args *a);
int cmd_kot(lr_store *s, cli_args *a);
int cmd_outbox(lr_store *s, cli_args *a);
int cmd_malion(lr_store *s, cli_args *a);
int cmd_user(lr_store *s, cli_args *a);
int cmd_divergence(lr_store *s, cli_args *a);
int cmd_mail(lr_store *s, cli_args *a); /* cmd_divergence.c: its summary mail's server */
int cmd_purge(lr_store *s, cli_args *a);     /* cmd_purge.c */
int cmd_retention(lr_store *s, cli_args *a); /* cmd_purge.c */
int cmd_verify(lr_store *s, cli_args *a);    /* cmd_evidence.c */
int cmd_digest(lr_store *s, cli_args *a);    /* cmd_evidence.c */
/* cmd_backup.c: on the database file itself, never opened as a store */
int cmd_backup(const char *db, cli_args *a);
int cmd_restore(const char *db, cli_args *a);

#endif
