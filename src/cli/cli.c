/*
 * cli — what every loginrec command shares: option parsing over argv,
 * usage and error reporting with the exit codes of the CLI contract, and
 * reading a whole input file.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *cli_db = "var/loginrec.db";

const char cli_usage_text[] =
    "usage: loginrec [--db PATH] [--config FILE] COMMAND ...\n"
    "  the database: --db, else $LOGINREC_DB, else loginrecd.conf's db (--config, else\n"
    "  $LOGINREC_CONFIG, else /etc/loginrec/loginrecd.conf when it exists), else\n"
    "  var/loginrec.db; the key: $LOGINREC_KEY(_FILE), else the file's key(_file)\n"
    "\n"
    "  init\n"
    "  backup FILE [--with-key]                             a consistent copy while loginrecd\n"
    "                                        runs (SQLite); --with-key: the key too, as FILE.key\n"
    "  restore FILE [--with-key] [--replace]                the backup back as the database\n"
    "                                        (never over one in use; --replace: over a stopped one)\n"
    "  purge CODE --before DATE --archive FILE|--no-archive [--force]   records before DATE\n"
    "                                        removed, written to the archive CSV first; refused\n"
    "                                        for records younger than 5 years (労働基準法 第109条)\n"
    "                                        unless --force\n"
    "  retention CODE YEARS                                 0: kept for ever (the default); 5-100:\n"
    "                                        loginrecd purges past it each night, archived first\n"
    "  verify CODE [--digest FILE]                          the events' hash chain recomputed:\n"
    "                                        exit 1 naming the first event that does not match;\n"
    "                                        a digest checked against it\n"
    "  digest CODE [-o FILE] [--public-key]                 the chain's head signed with the\n"
    "                                        company's key, for an auditor (or that key)\n"
    "  company add CODE NAME [--tz ZONE] [--breaks on|off]   prints the ingest token\n"
    "  company set CODE [--name NAME] [--tz ZONE] [--breaks on|off]\n"
    "                   [--lanscope-collect HH:MM]          LanScope's collection start\n"
    "                   [--idle-break MINUTES]              Windows: a lock or sleep this long\n"
    "                                                        is a break (休憩打刻する; 15)\n"
    "  company token CODE --lanscope                         issues or rotates the LanScope\n"
    "                                                        access token (shown once)\n"
    "  check CODE                                            warns of settings that misplace\n"
    "                                                        punches, and of Windows user names\n"
    "                                                        that are two accounts (exit 1 when\n"
    "                                                        it warns)\n"
    "  division set CODE DIV [--name NAME] --day-change HH:MM\n"
    "               [--rederive-from DATE] [--dry-run]   the 日付変更時間; re-derives the\n"
    "                                        division's days from DATE (a preview with --dry-run)\n"
    "  user add CODE LOGIN --password-stdin                  an administrator of the admin UI\n"
    "  employee add CODE EMPCODE --last LAST --first FIRST [--division DIV]\n"
    "  link set CODE --kind lanscope|malion|smarton|windows|linux EMPCODE ACCOUNT\n"
    "  link delete CODE --kind lanscope|malion|smarton|windows|linux EMPCODE\n"
    "  links export CODE [--kind KIND] [--encoding cp932|utf-8] [-o FILE]\n"
    "  links import CODE FILE [--dry-run]                    (- reads stdin)\n"
    "  kot set CODE [--base-url URL] [--token TOKEN|-] [--delivery on|off] [--rate N]\n"
    "               [--mode punch|record]   record (客観記録のみ): deliver nothing, keep PC\n"
    "                                        use as the record beside punches made another way\n"
    "  kot sync CODE [--dry-run]                             employees from KING OF TIME\n"
    "  kot deliver CODE                                      send what is due, once\n"
    "  malion set CODE [--host HOST] [--admin-code CODE] [--secret-code CODE|-]\n"
    "                  [--enabled on|off]                   MaLion連携\n"
    "  malion clear CODE [--field host|admin-code|secret-code]\n"
    "  malion test CODE                                      signs in to MaLion\n"
    "  malion poll CODE                                      reads new logs now\n"
    "  malion status CODE                                    last success, last error\n"
    "  outbox CODE [--failed]\n"
    "  outbox retry CODE\n"
    "  ingest CODE FILE.json [--partial]                     (- reads stdin; a batch\n"
    "                                        with a rejected event stores nothing\n"
    "                                        unless --partial keeps the valid ones)\n"
    "  ingest CODE FILE.csv --source lanscope [--agent-version V]\n"
    "  ingest CODE FILE --source evtx|winlogbeat [--partial]  a Windows Security or System\n"
    "                                        log (.evtx), or Winlogbeat's JSON lines\n"
    "  ingest CODE FILE --source wtmp --host PC | --source journald   a Linux PC's\n"
    "                                        /var/log/wtmp, or journalctl -o json\n"
    "  punches CODE --from DATE --to DATE [--format csv|json]\n"
    "  events CODE [--from DATE --to DATE] [--flagged]\n"
    "  divergence CODE --from DATE --to DATE [--format csv|json] [--status open|confirmed|all]\n"
    "             [--division DIV] [--min MINUTES] [--crlf]   乖離: where KING OF TIME's\n"
    "                                        record and the PC disagree\n"
    "  divergence fetch CODE [--from DATE --to DATE]         reads KING OF TIME's record back\n"
    "                                        (default: the last 35 days)\n"
    "  divergence confirm CODE EMPCODE DATE --reason R --result corrected|no_correction\n"
    "             [--note TEXT]\n"
    "  divergence reasons CODE                               the reasons to pick from\n"
    "  divergence reason CODE R --ja LABEL --en LABEL [--position N] | --remove\n"
    "  divergence set CODE [--start-limit MIN] [--end-limit MIN] [--division DIV]\n"
    "                 [--overtime-month HOURS] [--overtime-avg HOURS]\n"
    "                                        limits 1-240 (30); a division's 0: the company's;\n"
    "                                        36協定's, 45 h a month and 80 h averaged\n"
    "  divergence overtime CODE [--month YYYY-MM]            36協定: each PC user's month (CSV)\n"
    "  divergence mail CODE --to ADDR[,ADDR...] [--open-days N]   the daily summary's\n"
    "                                        addresses (\"\" for none); open N days: listed again\n"
    "  divergence notify CODE [--smtp-url URL]               today's summary now (once a day)\n"
    "  mail set [--smtp-url smtp://HOST:PORT] [--from ADDR] [--user USER] [--password PW|-]\n"
    "           [--ca-file PEM]              the SMTP server (STARTTLS when offered, required\n"
    "                                        with a password; its certificate checked)\n";

int cli_usage(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "loginrec: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", cli_usage_text);
    return 2;
}

int cli_fail(const lr_error *err)
{
    char msg[1200];
    lr_error_format(err, msg, sizeof msg);
    fprintf(stderr, "loginrec: error: %s\n", msg);
    return 1;
}

/* Takes "--name VALUE" out of a; returns VALUE or NULL. *bad is set when
 * the option is present without a value. */
const char *cli_take(cli_args *a, const char *name, int *bad)
{
    for (int i = 0; i < a->n; i++) {
        if (strcmp(a->v[i], name) != 0)
            continue;
        if (i + 1 >= a->n) {
            *bad = 1;
            return NULL;
        }
        const char *v = a->v[i + 1];
        memmove(&a->v[i], &a->v[i + 2], (size_t)(a->n - i - 2) * sizeof *a->v);
        a->n -= 2;
        return v;
    }
    return NULL;
}

int cli_take_flag(cli_args *a, const char *name)
{
    for (int i = 0; i < a->n; i++) {
        if (strcmp(a->v[i], name) == 0) {
            memmove(&a->v[i], &a->v[i + 1], (size_t)(a->n - i - 1) * sizeof *a->v);
            a->n--;
            return 1;
        }
    }
    return 0;
}

/* After options are taken: any "--x" left is unknown; the count must match. */
int cli_check_rest(const cli_args *a, int want, const char *what)
{
    for (int i = 0; i < a->n; i++)
        if (strncmp(a->v[i], "--", 2) == 0 && a->v[i][2])
            return cli_usage("unknown option '%s'", a->v[i]);
    if (a->n != want)
        return cli_usage("%s: wrong number of arguments", what);
    return 0;
}

/* Reads a whole file (or stdin for "-") into b. */
lr_status cli_read_file(const char *path, lr_buf *b, lr_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char chunk[65536];
    size_t n;
    if (!f)
        return lr_fail(err, LR_EIO, "cannot open %s: %s", path, strerror(errno));
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(b, chunk, n) != LR_OK) {
            if (f != stdin)
                fclose(f);
            return lr_fail(err, LR_ETOOBIG, "%s is larger than %zu bytes", path, b->max);
        }
    }
    if (ferror(f)) {
        if (f != stdin)
            fclose(f);
        return lr_fail(err, LR_EIO, "cannot read %s", path);
    }
    if (f != stdin)
        fclose(f);
    return LR_OK;
}

int cli_load_secrets(lr_secrets *sec)
{
    char key_path[600];
    lr_error err;
    secrets_key_path(cli_db, key_path, sizeof key_path);
    if (secrets_load(sec, key_path, &err) != LR_OK)
        return cli_fail(&err);
    return 0;
}

int cli_read_secret(const char *arg, char *out, size_t outsz)
{
    if (strcmp(arg, "-") != 0) {
        snprintf(out, outsz, "%s", arg);
        return 0;
    }
    if (!fgets(out, (int)outsz, stdin)) {
        fprintf(stderr, "loginrec: error: nothing on standard input\n");
        return 1;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}
