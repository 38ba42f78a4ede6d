/*
 * loginrec — the administrator's command line. Every command takes
 * --db PATH (or $LOGINREC_DB; default var/loginrec.db). Errors go to stderr
 * with a non-zero exit: 1 for a failure, 2 for a usage mistake.
 */
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/event_parse.h"
#include "service/admin.h"
#include "service/ingest.h"
#include "sinks/ledger.h"
#include "store/secrets.h"
#include "store/store.h"
#include "util/timefmt.h"
#include "util/tz.h"

#define INGEST_FILE_MAX (256u * 1024 * 1024)

static const char usage_text[] =
    "usage: loginrec [--db PATH] COMMAND ...\n"
    "\n"
    "  init\n"
    "  company add CODE NAME [--tz ZONE] [--breaks on|off]   prints the ingest token\n"
    "  company set CODE [--name NAME] [--tz ZONE] [--breaks on|off]\n"
    "  division set CODE DIV --name NAME --day-change HH:MM\n"
    "  employee add CODE EMPCODE --last LAST --first FIRST [--division DIV]\n"
    "  link set CODE --kind lanscope|malion|smarton EMPCODE ACCOUNT\n"
    "  ingest CODE FILE.json                                 (- reads stdin)\n"
    "  punches CODE --from DATE --to DATE [--format csv|json]\n"
    "  events CODE [--from DATE --to DATE] [--flagged]\n";

/* Arguments left after options are taken out, in order. */
typedef struct args {
    int n;
    char **v;
} args;

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "loginrec: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s", usage_text);
    return 2;
}

static int fail(const lr_error *err)
{
    char msg[1200];
    lr_error_format(err, msg, sizeof msg);
    fprintf(stderr, "loginrec: error: %s\n", msg);
    return 1;
}

/* Takes "--name VALUE" out of a; returns VALUE or NULL. *bad is set when
 * the option is present without a value. */
static const char *take(args *a, const char *name, int *bad)
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

static int take_flag(args *a, const char *name)
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
static int check_rest(const args *a, int want, const char *what)
{
    for (int i = 0; i < a->n; i++)
        if (strncmp(a->v[i], "--", 2) == 0 && a->v[i][2])
            return usage_error("unknown option '%s'", a->v[i]);
    if (a->n != want)
        return usage_error("%s: wrong number of arguments", what);
    return 0;
}

static int cmd_init(lr_store *s, const char *db, args *a)
{
    char key_path[600];
    int created = 0, rc;
    lr_error err;
    if ((rc = check_rest(a, 0, "init")))
        return rc;
    secrets_key_path(db, key_path, sizeof key_path);
    if (!getenv("LOGINREC_KEY") && secrets_key_create(key_path, &created, &err) != LR_OK)
        return fail(&err);
    printf("database %s ready (schema %d)\n", db, store_schema_version(s));
    if (getenv("LOGINREC_KEY"))
        printf("secrets key: from LOGINREC_KEY\n");
    else
        printf("secrets key: %s (%s, mode 0600; back it up with the database)\n", key_path,
               created ? "created" : "exists");
    return 0;
}

static int cmd_company(lr_store *s, args *a)
{
    int bad = 0, rc, breaks = -1;
    lr_error err;
    const char *sub, *name, *tz, *br;
    if (a->n < 1)
        return usage_error("company: expected add or set");
    sub = a->v[0];
    a->v++;
    a->n--;
    name = take(a, "--name", &bad);
    tz = take(a, "--tz", &bad);
    br = take(a, "--breaks", &bad);
    if (bad)
        return usage_error("company %s: an option is missing its value", sub);
    if (br && admin_parse_onoff("--breaks", br, &breaks, &err) != LR_OK)
        return fail(&err);
    if (strcmp(sub, "add") == 0) {
        char token[LR_TOKEN_LEN + 1];
        if (name)
            return usage_error("company add: give the name as the second argument");
        if ((rc = check_rest(a, 2, "company add")))
            return rc;
        if (admin_company_add(s, a->v[0], a->v[1], tz, breaks > 0, "cli", token, &err) != LR_OK)
            return fail(&err);
        printf("%s\n", token);
        sodium_memzero(token, sizeof token);
        return 0;
    }
    if (strcmp(sub, "set") == 0) {
        company_changes ch = {name, tz, breaks};
        if ((rc = check_rest(a, 1, "company set")))
            return rc;
        if (admin_company_set(s, a->v[0], &ch, "cli", &err) != LR_OK)
            return fail(&err);
        printf("company %s updated\n", a->v[0]);
        return 0;
    }
    return usage_error("company: unknown subcommand '%s'", sub);
}

static int cmd_division(lr_store *s, args *a)
{
    int bad = 0, rc;
    lr_error err;
    const char *name, *dc;
    if (a->n < 1 || strcmp(a->v[0], "set") != 0)
        return usage_error("division: expected 'set'");
    a->v++;
    a->n--;
    name = take(a, "--name", &bad);
    dc = take(a, "--day-change", &bad);
    if (bad || !name || !dc)
        return usage_error("division set: --name NAME and --day-change HH:MM are required");
    if ((rc = check_rest(a, 2, "division set")))
        return rc;
    if (admin_division_set(s, a->v[0], a->v[1], name, dc, "cli", &err) != LR_OK)
        return fail(&err);
    printf("division %s: %s, day change %s\n", a->v[1], name, dc);
    return 0;
}

static int cmd_employee(lr_store *s, args *a)
{
    int bad = 0, rc;
    lr_error err;
    const char *last, *first, *div;
    if (a->n < 1 || strcmp(a->v[0], "add") != 0)
        return usage_error("employee: expected 'add'");
    a->v++;
    a->n--;
    last = take(a, "--last", &bad);
    first = take(a, "--first", &bad);
    div = take(a, "--division", &bad);
    if (bad || !last || !first)
        return usage_error("employee add: --last and --first are required");
    if ((rc = check_rest(a, 2, "employee add")))
        return rc;
    if (admin_employee_add(s, a->v[0], a->v[1], last, first, div, "cli", &err) != LR_OK)
        return fail(&err);
    printf("employee %s added: %s %s\n", a->v[1], last, first);
    return 0;
}

static int cmd_link(lr_store *s, args *a)
{
    int bad = 0, rc;
    lr_error err;
    rederive_stats st = {0};
    const char *kind;
    if (a->n < 1 || strcmp(a->v[0], "set") != 0)
        return usage_error("link: expected 'set'");
    a->v++;
    a->n--;
    kind = take(a, "--kind", &bad);
    if (bad || !kind)
        return usage_error("link set: --kind lanscope|malion|smarton is required");
    if ((rc = check_rest(a, 3, "link set")))
        return rc;
    if (admin_link_set(s, a->v[0], kind, a->v[1], a->v[2], "cli", &st, &err) != LR_OK)
        return fail(&err);
    printf("linked %s account '%s' to employee %s (%zu days re-derived: %zu punches added, %zu "
           "replaced, %zu retracted)\n",
           kind, a->v[2], a->v[1], st.days, st.added, st.replaced, st.retracted);
    return 0;
}

/* Reads a whole file (or stdin for "-") into b. */
static lr_status read_file(const char *path, lr_buf *b, lr_error *err)
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
            return lr_fail(err, LR_ETOOBIG, "%s is larger than %u bytes", path, INGEST_FILE_MAX);
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

static int cmd_ingest(lr_store *s, args *a)
{
    lr_company c;
    lr_error err;
    lr_buf body;
    lr_event_batch b;
    ingest_result res;
    int rc;

    if ((rc = check_rest(a, 2, "ingest")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return fail(&err);
    buf_init(&body, INGEST_FILE_MAX);
    if (read_file(a->v[1], &body, &err) != LR_OK) {
        buf_free(&body);
        return fail(&err);
    }
    if (event_batch_parse_json(buf_str(&body), body.len, LR_INGEST_MAX_EVENTS, a->v[1], &b, &err) !=
        LR_OK) {
        buf_free(&body);
        return fail(&err);
    }
    buf_free(&body);
    if (ingest_events(s, &c, b.events, b.nevents, &res, &err) != LR_OK) {
        event_batch_free(&b);
        return fail(&err);
    }
    {
        json_t *reply = ingest_reply_json(&res, b.rejects, b.nrejects);
        char *txt = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
        json_decref(reply);
        if (!txt) {
            event_batch_free(&b);
            lr_fail(&err, LR_ENOMEM, "out of memory writing the reply");
            return fail(&err);
        }
        printf("%s\n", txt);
        free(txt);
    }
    for (size_t i = 0; i < b.nrejects; i++)
        fprintf(stderr, "loginrec: %s: event %zu rejected: %s\n", a->v[1], b.rejects[i].index,
                b.rejects[i].error);
    rc = b.nrejects ? 1 : 0;
    event_batch_free(&b);
    return rc;
}

static int cmd_punches(lr_store *s, args *a)
{
    int bad = 0, rc;
    lr_company c;
    lr_error err;
    lr_buf out;
    const char *from, *to, *fmt;
    ledger_format f = LEDGER_CSV;

    from = take(a, "--from", &bad);
    to = take(a, "--to", &bad);
    fmt = take(a, "--format", &bad);
    if (bad)
        return usage_error("punches: an option is missing its value");
    if ((rc = check_rest(a, 1, "punches")))
        return rc;
    if (fmt && strcmp(fmt, "json") == 0)
        f = LEDGER_JSON;
    else if (fmt && strcmp(fmt, "csv") != 0)
        return usage_error("punches: --format is '%s'; expected csv or json", fmt);
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return fail(&err);
    buf_init(&out, 1u << 30);
    if (ledger_export(s, &c, from, to, f, &out, &err) != LR_OK) {
        buf_free(&out);
        return fail(&err);
    }
    fwrite(buf_str(&out), 1, out.len, stdout);
    buf_free(&out);
    return 0;
}

typedef struct events_ctx {
    const lr_company *c;
    size_t n;
} events_ctx;

static int print_event(void *ctx, const lr_event_row *r)
{
    events_ctx *k = ctx;
    char t[32], flags[128];
    tf_format_iso(r->event->utc, tz_offset_at(k->c->tz, r->event->utc), t);
    day_flags_format(r->flags, flags, sizeof flags);
    printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, r->event->source, r->event->account,
           r->event->host[0] ? r->event->host : "-", r->event->op,
           r->employee_code ? r->employee_code : "(unlinked)", r->work_day ? r->work_day : "-",
           flags[0] ? flags : "-", r->event->version[0] ? r->event->version : "-");
    k->n++;
    return 0;
}

/* Start of a local calendar day in UTC (good for list filters). */
static int64_t day_start_utc(const lr_company *c, int64_t day)
{
    int64_t guess = day * 86400;
    return guess - tz_offset_at(c->tz, guess);
}

static int cmd_events(lr_store *s, args *a)
{
    int bad = 0, rc, flagged;
    lr_company c;
    lr_error err;
    const char *from, *to;
    int64_t f = 0, t = 0, dfrom, dto;
    events_ctx k;

    from = take(a, "--from", &bad);
    to = take(a, "--to", &bad);
    flagged = take_flag(a, "--flagged");
    if (bad)
        return usage_error("events: an option is missing its value");
    if ((rc = check_rest(a, 1, "events")))
        return rc;
    lr_error_clear(&err);
    if (store_company_get(s, a->v[0], &c, &err) != LR_OK)
        return fail(&err);
    if (from || to) {
        if (ledger_check_range(from, to, &err) != LR_OK)
            return fail(&err);
        tf_parse_date(from, &dfrom, NULL);
        tf_parse_date(to, &dto, NULL);
        f = day_start_utc(&c, dfrom);
        t = day_start_utc(&c, dto + 1);
    }
    k.c = &c;
    k.n = 0;
    printf("time\tsource\taccount\thost\top\temployee\twork_day\tflags\tversion\n");
    if (store_events_list(s, c.id, f, t, flagged, print_event, &k, &err) != LR_OK)
        return fail(&err);
    return 0;
}

int main(int argc, char **argv)
{
    const char *db = getenv("LOGINREC_DB");
    lr_store *s = NULL;
    lr_error err;
    args a;
    int bad = 0, rc;
    const char *cmd;

    a.n = argc - 1;
    a.v = argv + 1;
    {
        const char *v = take(&a, "--db", &bad);
        if (v)
            db = v;
    }
    if (bad)
        return usage_error("--db needs a path");
    if (!db || !*db)
        db = "var/loginrec.db";
    if (a.n == 0 || strcmp(a.v[0], "--help") == 0 || strcmp(a.v[0], "help") == 0) {
        fputs(usage_text, a.n == 0 ? stderr : stdout);
        return a.n == 0 ? 2 : 0;
    }
    cmd = a.v[0];
    a.v++;
    a.n--;
    if (sodium_init() < 0) {
        fprintf(stderr, "loginrec: libsodium failed to initialise\n");
        return 1;
    }
    {
        static const char *const known[] = {"init", "company", "division", "employee",
                                            "link", "ingest",  "punches",  "events"};
        int ok = 0;
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            ok |= strcmp(cmd, known[i]) == 0;
        if (!ok)
            return usage_error("unknown command '%s'", cmd);
    }
    if (strcmp(cmd, "init") != 0) {
        struct stat st;
        if (stat(db, &st) != 0) {
            fprintf(stderr, "loginrec: error: database %s does not exist; run 'loginrec --db %s init'\n",
                    db, db);
            return 1;
        }
    }
    lr_error_clear(&err);
    if (store_open(db, &s, &err) != LR_OK)
        return fail(&err);
    if (strcmp(cmd, "init") == 0)
        rc = cmd_init(s, db, &a);
    else if (strcmp(cmd, "company") == 0)
        rc = cmd_company(s, &a);
    else if (strcmp(cmd, "division") == 0)
        rc = cmd_division(s, &a);
    else if (strcmp(cmd, "employee") == 0)
        rc = cmd_employee(s, &a);
    else if (strcmp(cmd, "link") == 0)
        rc = cmd_link(s, &a);
    else if (strcmp(cmd, "ingest") == 0)
        rc = cmd_ingest(s, &a);
    else if (strcmp(cmd, "punches") == 0)
        rc = cmd_punches(s, &a);
    else
        rc = cmd_events(s, &a);
    store_close(s);
    return rc;
}
