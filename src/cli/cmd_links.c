/*
 * cmd_links — loginrec links export / import: the link CSV of the manuals
 * §3 from the command line. Messages follow the terminal's language
 * (LANG=ja_JP.UTF-8 for Japanese).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_progress.h"
#include "service/links.h"
#include "reply/link_csv_words.h"
#include "util/lang.h"

static int links_export_cmd(lr_store *s, cli_args *a)
{
    int bad = 0, rc, enc = ENC_CP932;
    const char *kind, *encoding, *outpath;
    links_kinds kinds = 0;
    lr_error err;
    lr_buf out;
    FILE *f;

    kind = cli_take(a, "--kind", &bad);
    encoding = cli_take(a, "--encoding", &bad);
    outpath = cli_take(a, "-o", &bad);
    if (bad)
        return cli_usage("links export: an option is missing its value");
    if ((rc = cli_check_rest(a, 1, "links export")))
        return rc;
    if (kind) {
        link_kind k = link_kind_parse(kind);
        if (k == LINK_NONE)
            return cli_usage("links export: --kind is '%s'; expected lanscope, malion, smarton, windows or linux",
                             kind);
        kinds = 1u << k;
    }
    if (encoding && (enc = enc_parse(encoding)) < 0)
        return cli_usage("links export: --encoding is '%s'; expected cp932 or utf-8", encoding);
    lr_error_clear(&err);
    buf_init(&out, LINKS_EXPORT_MAX);
    if (links_export(s, a->v[0], kinds, (text_encoding)enc, &out, &err) != LR_OK) {
        buf_free(&out);
        return cli_fail(&err);
    }
    /* write beside, then rename: a failed export never leaves half a file */
    if (outpath && strcmp(outpath, "-") != 0) {
        char tmp[4200];
        snprintf(tmp, sizeof tmp, "%s.tmp", outpath);
        f = fopen(tmp, "wb");
        if (!f || fwrite(out.data, 1, out.len, f) != out.len || fclose(f) != 0 ||
            rename(tmp, outpath) != 0) {
            remove(tmp);
            lr_fail(&err, LR_EIO, "cannot write %s", outpath);
            buf_free(&out);
            return cli_fail(&err);
        }
    } else {
        fwrite(out.data, 1, out.len, stdout);
    }
    buf_free(&out);
    return 0;
}

/* "file:line:character: 3列目（打刻先アカウント）: words", as editors jump to
 * it and people count columns. */
static void print_problem(const link_csv_error *e, const char *file, const char *tag, lr_lang lang)
{
    char msg[1200], where[160], pos[48] = "";
    link_csv_problem_words(e, lang, msg, sizeof msg);
    link_csv_field_words(e, lang, where, sizeof where);
    if (e->column > 0)
        snprintf(pos, sizeof pos, ":%ld", e->column);
    fprintf(stderr, "%s:%ld%s: %s%s%s%s%s\n", file, e->line, pos, tag ? tag : "", tag ? ": " : "",
            where, where[0] ? ": " : "", msg);
}

static void print_report(FILE *f, const links_report *rep, const char *file, lr_lang lang)
{
    char summary[256];
    for (size_t i = 0; i < rep->nchanges; i++) {
        const link_change *ch = &rep->changes[i];
        fprintf(f, "%s:%ld: %s %s (%s): %s -> %s\n", file, ch->line, link_kind_label(ch->kind),
                ch->employee, ch->name, ch->before[0] ? ch->before : "-",
                ch->after[0] ? ch->after : (lang == LANG_JA ? "-（紐づけを解除）" : "- (link removed)"));
    }
    for (size_t i = 0; i < rep->warnings.n; i++)
        print_problem(&rep->warnings.v[i], file, lang == LANG_JA ? "注意" : "warning", lang);
    for (size_t i = 0; i < rep->errors.n; i++)
        print_problem(&rep->errors.v[i], file, NULL, lang);
    if (rep->errors.total > rep->errors.n)
        fprintf(stderr, lang == LANG_JA ? "…ほか %zu 件\n" : "... and %zu more\n",
                rep->errors.total - rep->errors.n);
    links_report_summary(rep, lang, summary, sizeof summary);
    fprintf(rep->errors.total ? stderr : f, "%s\n", summary);
}

static int links_import_cmd(lr_store *s, cli_args *a)
{
    cli_progress line;
    int rc, dry = cli_take_flag(a, "--dry-run");
    lr_lang lang = lang_from_env();
    links_report rep;
    lr_error err;
    lr_buf in;
    lr_status st;

    if ((rc = cli_check_rest(a, 2, "links import")))
        return rc;
    lr_error_clear(&err);
    buf_init(&in, LINKS_CSV_MAX);
    if (cli_read_file(a->v[1], &in, &err) != LR_OK) {
        buf_free(&in);
        return cli_fail(&err);
    }
    st = links_import(s, a->v[0], a->v[1], buf_str(&in), in.len, dry, "cli",
                      cli_progress_start(&line), &rep, &err);
    cli_progress_end(&line);
    buf_free(&in);
    if (st == LR_OK || st == LR_EINVAL)
        print_report(stdout, &rep, a->v[1], lang);
    if (st == LR_OK && !dry && rep.nchanges)
        printf("%zu days re-derived: %zu punches added, %zu replaced, %zu retracted\n",
               rep.punches.days, rep.punches.added, rep.punches.replaced, rep.punches.retracted);
    links_report_free(&rep);
    if (st == LR_EINVAL)
        return 1;
    return st == LR_OK ? 0 : cli_fail(&err);
}

int cmd_links(lr_store *s, cli_args *a)
{
    const char *sub;
    if (a->n < 1)
        return cli_usage("links: expected export or import");
    sub = a->v[0];
    a->v++;
    a->n--;
    if (strcmp(sub, "export") == 0)
        return links_export_cmd(s, a);
    if (strcmp(sub, "import") == 0)
        return links_import_cmd(s, a);
    return cli_usage("links: unknown subcommand '%s'", sub);
}
