/*
 * links — link CSV export and all-or-nothing import (see links.h).
 */
#include "service/links.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "service/admin.h"
#include "service/ingest.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/vec.h"

/* What the store holds, loaded once per import or export. */
typedef struct known {
    lr_employee *emp; /* by code */
    size_t nemp, capemp;
    const lr_employee **by_id;
    lr_link *links; /* by kind, account */
    size_t nlinks, caplinks;
    const lr_link **by_owner; /* by kind, employee */
    int oom;
} known;

static int keep_employee(void *ctx, const lr_employee *e)
{
    known *k = ctx;
    if (!vec_room((void **)&k->emp, &k->capemp, k->nemp, sizeof *k->emp)) {
        k->oom = 1;
        return 1;
    }
    k->emp[k->nemp++] = *e;
    return 0;
}

static int keep_link(void *ctx, const lr_link *l)
{
    known *k = ctx;
    if (!vec_room((void **)&k->links, &k->caplinks, k->nlinks, sizeof *k->links)) {
        k->oom = 1;
        return 1;
    }
    k->links[k->nlinks++] = *l;
    return 0;
}

static int cmp_emp_id(const void *x, const void *y)
{
    int64_t a = (*(const lr_employee *const *)x)->id, b = (*(const lr_employee *const *)y)->id;
    return (a > b) - (a < b);
}

static int cmp_link_owner(const void *x, const void *y)
{
    const lr_link *a = *(const lr_link *const *)x, *b = *(const lr_link *const *)y;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    return (a->employee_id > b->employee_id) - (a->employee_id < b->employee_id);
}

static void known_free(known *k)
{
    free(k->emp);
    free(k->by_id);
    free(k->links);
    free(k->by_owner);
    memset(k, 0, sizeof *k);
}

/* Loads the company's employees and links, with their look-up indexes. */
static lr_status known_load(lr_store *s, int64_t company_id, known *k, lr_error *err)
{
    lr_status st;
    memset(k, 0, sizeof *k);
    if ((st = store_employees_list(s, company_id, keep_employee, k, err)) != LR_OK ||
        (st = store_links_list(s, company_id, keep_link, k, err)) != LR_OK)
        return st;
    k->by_id = malloc((k->nemp + 1) * sizeof *k->by_id);
    k->by_owner = malloc((k->nlinks + 1) * sizeof *k->by_owner);
    if (k->oom || !k->by_id || !k->by_owner)
        return lr_fail(err, LR_ENOMEM, "out of memory loading employees");
    for (size_t i = 0; i < k->nemp; i++)
        k->by_id[i] = &k->emp[i];
    if (k->nemp > 1)
        qsort(k->by_id, k->nemp, sizeof *k->by_id, cmp_emp_id);
    for (size_t i = 0; i < k->nlinks; i++)
        k->by_owner[i] = &k->links[i];
    if (k->nlinks > 1)
        qsort(k->by_owner, k->nlinks, sizeof *k->by_owner, cmp_link_owner);
    return LR_OK;
}

static int cmp_code(const void *key, const void *x)
{
    return strcmp(key, ((const lr_employee *)x)->code);
}

static const lr_employee *emp_by_code(const known *k, const char *code)
{
    return k->nemp ? bsearch(code, k->emp, k->nemp, sizeof *k->emp, cmp_code) : NULL;
}

static const lr_employee *emp_by_id(const known *k, int64_t id)
{
    lr_employee key = {.id = id};
    const lr_employee *pk = &key, *const *r;
    r = k->nemp ? bsearch(&pk, k->by_id, k->nemp, sizeof *k->by_id, cmp_emp_id) : NULL;
    return r ? *r : NULL;
}

static int cmp_link_account(const void *key, const void *x)
{
    const lr_link *a = key, *b = x;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    return strcmp(a->account, b->account);
}

/* The employee linked to account for kind, 0 when none. */
static int64_t owner_of(const known *k, link_kind kind, const char *account)
{
    lr_link key = {.kind = kind};
    const lr_link *r;
    snprintf(key.account, sizeof key.account, "%s", account);
    r = k->nlinks ? bsearch(&key, k->links, k->nlinks, sizeof *k->links, cmp_link_account) : NULL;
    return r ? r->employee_id : 0;
}

/* The account of employee id for kind, "" when none. */
static const char *account_of(const known *k, link_kind kind, int64_t id)
{
    lr_link key = {.kind = kind, .employee_id = id};
    const lr_link *pk = &key, *const *r;
    r = k->nlinks ? bsearch(&pk, k->by_owner, k->nlinks, sizeof *k->by_owner, cmp_link_owner)
                  : NULL;
    return r ? (*r)->account : "";
}

/* ---- export ---- */

lr_status links_export(lr_store *s, const char *code, links_kinds kinds, text_encoding enc,
                       lr_buf *out, lr_error *err)
{
    lr_company c;
    known k;
    lr_buf text;
    lr_status st;

    buf_init(&text, LINKS_EXPORT_MAX);
    memset(&k, 0, sizeof k);
    if ((st = store_begin(s, err)) != LR_OK)
        return st;
    if ((st = store_company_get(s, code, &c, err)) != LR_OK || (st = known_load(s, c.id, &k, err)) != LR_OK)
        goto out;
    if (kinds == 0)
        for (size_t i = 0; i < k.nlinks; i++)
            kinds |= 1u << k.links[i].kind;
    if (kinds == 0) {
        st = lr_fail(err, LR_EINVAL,
                     "company %s has no links yet, so the kind cannot be guessed; choose one "
                     "(lanscope, malion, smarton, windows or linux)",
                     c.code);
        goto out;
    }
    st = link_csv_write_header(&text);
    for (int kind = LINK_SMARTON; kind <= LINK_KIND_LAST && st == LR_OK; kind++) {
        if (!(kinds & (1u << kind)))
            continue;
        for (size_t i = 0; i < k.nemp && st == LR_OK; i++) {
            const lr_employee *e = &k.emp[i];
            const char *acc = account_of(&k, (link_kind)kind, e->id);
            if (e->deleted)
                continue;
            st = link_csv_write_row(&text, (link_kind)kind, e->code, e->last_name, e->first_name,
                                    acc[0] ? acc : e->code);
        }
    }
    if (st != LR_OK) {
        st = lr_fail(err, st, "the link CSV is larger than %u bytes", LINKS_EXPORT_MAX);
        goto out;
    }
    st = enc_encode(text.data, text.len, enc, out, err);
out:
    store_rollback(s); /* read only */
    known_free(&k);
    buf_free(&text);
    return st;
}

/* ---- import ---- */

/* The reader stopped: where, in which field and why. */
static void note_unreadable(links_report *rep, const csv_reader *r, const lr_error *e2)
{
    link_csv_at at = {e2->line, (int)r->problem_field, -1, e2->column};
    link_csv_note_detail(&rep->errors, LCP_SYNTAX, at, (int)r->problem, e2->message);
}

/* Reads rows; problems of the file itself go to rep. *rows is malloc'ed. */
static lr_status read_rows(const char *file, const char *data, size_t n, links_report *rep,
                           link_csv_row **rows, size_t *nrows, lr_error *err)
{
    lr_buf text;
    csv_reader r;
    link_csv_layout lay;
    lr_error e2;
    enc_problem why;
    size_t cap = 0;
    lr_status st;

    *rows = NULL;
    *nrows = 0;
    buf_init(&text, (size_t)LINKS_CSV_MAX * 2);
    lr_error_clear(&e2);
    if (enc_decode(file, data, n, &text, &rep->encoding, &why, &e2) != LR_OK) {
        link_csv_note_detail(&rep->errors, LCP_ENCODING, (link_csv_at){e2.line, 0, -1, e2.column},
                             (int)why, e2.message);
        buf_free(&text);
        return LR_OK;
    }
    csv_reader_init(&r, file, buf_str(&text), text.len);
    st = csv_reader_next(&r, &e2);
    if (st == LR_ENOTFOUND) {
        link_csv_note(&rep->errors, LCP_HEADER_MISSING, LINK_CSV_LINE(1), "連携種別", NULL, 0);
        st = LR_OK;
        goto out;
    }
    if (st != LR_OK) {
        note_unreadable(rep, &r, &e2);
        st = LR_OK;
        goto out;
    }
    if (!link_csv_layout_parse(&r, &lay, &rep->errors))
        goto out;
    while ((st = csv_reader_next(&r, &e2)) == LR_OK) {
        if (csv_record_blank(&r))
            continue;
        rep->rows++;
        if (!vec_room((void **)rows, &cap, *nrows, sizeof **rows)) {
            st = lr_fail(err, LR_ENOMEM, "out of memory reading %s", file);
            goto out;
        }
        link_csv_row_parse(&r, &lay, &(*rows)[*nrows], &rep->errors);
        (*nrows)++; /* kept even when invalid: its employee is still checked */
    }
    if (st != LR_ENOTFOUND) /* the rest cannot be read: say where, stop */
        note_unreadable(rep, &r, &e2);
    st = link_csv_find_repeats(*rows, *nrows, &rep->errors);
out:
    csv_reader_free(&r);
    buf_free(&text);
    return st;
}

static int cmp_line(const void *x, const void *y)
{
    const link_csv_row *a = x, *b = y;
    return (a->line > b->line) - (a->line < b->line);
}

/* "12" when a spreadsheet turned "0012" into it: a stored code equal to
 * code once leading zeros are dropped from both. */
static const char *zeros_hint(const known *k, const char *code)
{
    const char *c = code + strspn(code, "0");
    if (code[strspn(code, "0123456789")] != '\0')
        return NULL;
    for (size_t i = 0; i < k->nemp; i++) {
        const char *e = k->emp[i].code;
        if (strcmp(e + strspn(e, "0"), c) == 0 && strcmp(e, code) != 0 && !k->emp[i].deleted)
            return e;
    }
    return NULL;
}

typedef struct claim {
    link_kind kind;
    int64_t employee_id;
} claim;

static int cmp_claim(const void *x, const void *y)
{
    const claim *a = x, *b = y;
    if (a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    return (a->employee_id > b->employee_id) - (a->employee_id < b->employee_id);
}

static void keep_same(links_report *rep, const link_csv_row *r, const lr_employee *e,
                      const char *account)
{
    link_same *u = &rep->unchanged_rows[rep->unchanged++];
    u->line = r->line;
    u->kind = r->kind;
    snprintf(u->employee, sizeof u->employee, "%s", e->code);
    snprintf(u->name, sizeof u->name, "%s %s", e->last_name, e->first_name);
    snprintf(u->account, sizeof u->account, "%s", account);
}

/* An account the import will hold, for the upper/lower-case check. */
typedef struct spelling {
    link_kind kind;
    const char *account;
    long line;            /* 0: stored */
    link_csv_at at;       /* where in the file */
    const char *employee; /* whose it is */
    int changed;          /* a change of this file: warned about */
} spelling;

static int cmp_spelling(const void *x, const void *y)
{
    const spelling *a = x, *b = y;
    int c = (int)a->kind - (int)b->kind;
    if (c == 0)
        c = strcasecmp(a->account, b->account);
    if (c == 0)
        c = strcmp(a->account, b->account);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* Warns about each account the file sets that differs only in upper/lower
 * case from another: stored (named with its employee) or in the file
 * (named with its line). PC user names match exactly (manual §3). */
static lr_status case_warnings(const known *k, links_report *rep, lr_error *err)
{
    size_t n = 0, cap = k->nlinks + rep->nchanges;
    spelling *v = malloc((cap + 1) * sizeof *v);
    if (!v)
        return lr_fail(err, LR_ENOMEM, "out of memory checking accounts");
    for (size_t i = 0; i < k->nlinks; i++) {
        const lr_employee *e = emp_by_id(k, k->links[i].employee_id);
        v[n++] = (spelling){k->links[i].kind, k->links[i].account, 0, LINK_CSV_LINE(0),
                            e ? e->code : "?", 0};
    }
    for (size_t i = 0; i < rep->nchanges; i++)
        if (rep->changes[i].after[0])
            v[n++] = (spelling){rep->changes[i].kind, rep->changes[i].after,
                                rep->changes[i].line, rep->changes[i].at_account,
                                rep->changes[i].employee, 1};
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_spelling);
    for (size_t g = 0, end; g < n; g = end) {
        for (end = g + 1; end < n && v[end].kind == v[g].kind &&
                          strcasecmp(v[end].account, v[g].account) == 0;
             end++)
            ;
        for (size_t i = g; i < end; i++) {
            const spelling *other = NULL;
            if (!v[i].changed)
                continue;
            /* name a stored twin first: it is the one that would be meant */
            for (size_t j = g; j < end; j++)
                if (strcmp(v[j].account, v[i].account) != 0 &&
                    (!other || (other->line > 0 && v[j].line == 0)))
                    other = &v[j];
            if (other) {
                link_csv_error w = {.what = LCP_ACCOUNT_CASE, .line = v[i].line,
                                    .column = v[i].at.column, .field = v[i].at.field,
                                    .lc = v[i].at.lc, .other_line = other->line};
                snprintf(w.a, sizeof w.a, "%s", v[i].account);
                snprintf(w.b, sizeof w.b, "%s", other->account);
                snprintf(w.owner, sizeof w.owner, "%s", other->employee);
                (void)link_csv_errors_add(&rep->warnings, &w); /* counted if not kept */
            }
        }
    }
    free(v);
    return LR_OK;
}

/* Checks rows (sorted by line here) against the store; problems and the
 * changes go to rep (rep->changes and rep->unchanged_rows have room for n). */
static lr_status check_rows(const known *k, link_csv_row *rows, size_t n, links_report *rep,
                            lr_error *err)
{
    claim *claims = malloc((n + 1) * sizeof *claims);
    const lr_employee **emps = malloc((n + 1) * sizeof *emps); /* of rows[i]; NULL: bad row */
    size_t nclaims = 0;

    if (!claims || !emps) {
        free(claims);
        free(emps);
        return lr_fail(err, LR_ENOMEM, "out of memory checking links");
    }
    if (n > 1)
        qsort(rows, n, sizeof *rows, cmp_line);
    for (size_t i = 0; i < n; i++) {
        const lr_employee *e = emp_by_code(k, rows[i].employee);
        emps[i] = NULL;
        if (!rows[i].employee[0]) {
            continue; /* reported as empty already */
        } else if (!e) {
            link_csv_note(&rep->errors, LCP_EMPLOYEE_UNKNOWN, rows[i].at_employee, rows[i].employee,
                          zeros_hint(k, rows[i].employee), 0);
        } else if (e->deleted) {
            link_csv_note(&rep->errors, LCP_EMPLOYEE_DELETED, rows[i].at_employee, rows[i].employee,
                          NULL, 0);
        } else if (rows[i].valid) {
            emps[i] = e;
            claims[nclaims++] = (claim){rows[i].kind, e->id};
        }
    }
    if (nclaims > 1)
        qsort(claims, nclaims, sizeof *claims, cmp_claim);
    for (size_t i = 0; i < n; i++) {
        const char *cur;
        int64_t owner;
        if (!emps[i])
            continue;
        cur = account_of(k, rows[i].kind, emps[i]->id);
        /* what is stored, or the export's stand-in for "no link" sent
         * back: nothing to do */
        if (strcmp(cur, rows[i].account) == 0 ||
            (!cur[0] && strcmp(rows[i].account, emps[i]->code) == 0)) {
            keep_same(rep, &rows[i], emps[i], cur);
            continue;
        }
        owner = rows[i].remove ? 0 : owner_of(k, rows[i].kind, rows[i].account);
        if (owner && owner != emps[i]->id) {
            /* Free only if its owner is given another account in this file. */
            claim key = {rows[i].kind, owner};
            if (!nclaims || !bsearch(&key, claims, nclaims, sizeof *claims, cmp_claim)) {
                const lr_employee *o = emp_by_id(k, owner);
                link_csv_note(&rep->errors, LCP_ACCOUNT_TAKEN, rows[i].at_account, rows[i].account,
                              o ? o->code : "?", 0);
                continue;
            }
        }
        link_change *ch = &rep->changes[rep->nchanges++];
        rep->nremoved += rows[i].remove;
        ch->line = rows[i].line;
        ch->at_account = rows[i].at_account;
        ch->kind = rows[i].kind;
        snprintf(ch->employee, sizeof ch->employee, "%s", emps[i]->code);
        snprintf(ch->name, sizeof ch->name, "%s %s", emps[i]->last_name, emps[i]->first_name);
        snprintf(ch->before, sizeof ch->before, "%s", cur);
        snprintf(ch->after, sizeof ch->after, "%s", rows[i].account);
    }
    free(claims);
    free(emps);
    return case_warnings(k, rep, err);
}

/* Writes the changes: every changed link is removed first, so that
 * accounts moving between employees of the file never collide. */
static lr_status apply_changes(lr_store *s, const lr_company *c, const known *k,
                               links_report *rep, const progress_hook *progress, lr_error *err)
{
    span_set ss;
    lr_status st = LR_OK;

    span_set_init(&ss);
    for (size_t i = 0; i < rep->nchanges && st == LR_OK; i++)
        st = store_link_delete(s, c->id, rep->changes[i].kind,
                               emp_by_code(k, rep->changes[i].employee)->id, err);
    for (size_t i = 0; i < rep->nchanges && st == LR_OK; i++) {
        const link_change *ch = &rep->changes[i];
        const lr_employee *e = emp_by_code(k, ch->employee);
        lr_link l = {.employee_id = e->id, .kind = ch->kind};
        char prev[LR_ACCOUNT_MAX + 1];
        snprintf(l.account, sizeof l.account, "%s", ch->after);
        if (ch->after[0]) /* "": a removal, done above */
            st = store_link_set(s, c->id, &l, prev, sizeof prev, err);
        /* re-derive what the new account brings and the old one leaves */
        if (st == LR_OK && ch->after[0])
            st = ingest_account_spans(s, c, e, ch->kind, ch->after, &ss, err);
        if (st == LR_OK && ch->before[0])
            st = ingest_account_spans(s, c, e, ch->kind, ch->before, &ss, err);
    }
    if (st == LR_OK)
        st = ingest_rederive_spans(s, c, &ss, progress, &rep->punches, err);
    span_set_free(&ss);
    return st;
}

static void audit_detail(const links_report *rep, const char *file, char *out, size_t outsz)
{
    snprintf(out, outsz,
             "file=%s encoding=%s rows=%zu updated=%zu removed=%zu unchanged=%zu errors=%zu "
             "warnings=%zu",
             file, enc_name(rep->encoding), rep->rows, rep->nchanges, rep->nremoved,
             rep->unchanged, rep->errors.total, rep->warnings.total);
}

static int cmp_error_pos(const void *x, const void *y)
{
    const link_csv_error *a = x, *b = y;
    if (a->line != b->line)
        return (a->line > b->line) - (a->line < b->line);
    if (a->field != b->field)
        return (a->field > b->field) - (a->field < b->field);
    if (a->column != b->column)
        return (a->column > b->column) - (a->column < b->column);
    return (int)a->what - (int)b->what;
}

lr_status links_import(lr_store *s, const char *code, const char *file, const char *data,
                       size_t n, int dry_run, const char *actor, const progress_hook *progress,
                       links_report *rep, lr_error *err)
{
    lr_company c;
    known k;
    link_csv_row *rows = NULL;
    size_t nrows = 0;
    char detail[600];
    lr_status st;

    memset(rep, 0, sizeof *rep);
    memset(&k, 0, sizeof k);
    rep->dry_run = dry_run;
    rep->errors.max = LINKS_MAX_ERRORS;
    rep->warnings.max = LINKS_MAX_ERRORS;
    if (n > LINKS_CSV_MAX)
        return lr_fail(err, LR_ETOOBIG, "%s is larger than %u bytes", file, LINKS_CSV_MAX);
    if ((st = read_rows(file, data, n, rep, &rows, &nrows, err)) != LR_OK)
        goto done;
    if ((st = store_begin(s, err)) != LR_OK)
        goto done;
    if ((st = store_company_get(s, code, &c, err)) != LR_OK ||
        (st = known_load(s, c.id, &k, err)) != LR_OK)
        goto rollback;
    if (!(rep->changes = calloc(nrows + 1, sizeof *rep->changes)) ||
        !(rep->unchanged_rows = calloc(nrows + 1, sizeof *rep->unchanged_rows))) {
        st = lr_fail(err, LR_ENOMEM, "out of memory checking %s", file);
        goto rollback;
    }
    if ((st = check_rows(&k, rows, nrows, rep, err)) != LR_OK)
        goto rollback;
    audit_detail(rep, file, detail, sizeof detail);
    if (rep->errors.total > 0) {
        store_rollback(s);
        /* a refused import is recorded too, in its own transaction */
        if (!dry_run && store_begin(s, NULL) == LR_OK)
            admin_commit_audited(s, LR_OK, c.id, actor, "links.import.refused", detail, NULL);
        st = lr_fail(err, LR_EINVAL, "%s has %zu problem(s); nothing was changed", file,
                     rep->errors.total);
        goto done;
    }
    if (dry_run)
        goto rollback; /* st is LR_OK: it would apply */
    st = apply_changes(s, &c, &k, rep, progress, err);
    st = admin_commit_audited(s, st, c.id, actor, "links.import", detail, err);
    goto done;
rollback:
    store_rollback(s);
done:
    if (st != LR_OK) {
        rep->nchanges = rep->nremoved = 0; /* nothing was written */
        memset(&rep->punches, 0, sizeof rep->punches);
    }
    if (rep->errors.n > 1) /* read in passes; reported in file order */
        qsort(rep->errors.v, rep->errors.n, sizeof *rep->errors.v, cmp_error_pos);
    if (rep->warnings.n > 1)
        qsort(rep->warnings.v, rep->warnings.n, sizeof *rep->warnings.v, cmp_error_pos);
    known_free(&k);
    free(rows);
    return st;
}

void links_report_free(links_report *rep)
{
    free(rep->changes);
    free(rep->unchanged_rows);
    link_csv_errors_free(&rep->errors);
    link_csv_errors_free(&rep->warnings);
    memset(rep, 0, sizeof *rep);
}

void links_report_summary(const links_report *rep, lr_lang lang, char *out, size_t outsz)
{
    const int ja = lang == LANG_JA;
    if (rep->errors.total > 0)
        snprintf(out, outsz,
                 ja ? "%zu 件の問題があるため、何も変更していません" : "%zu problem(s) found; nothing was changed",
                 rep->errors.total);
    else if (rep->dry_run)
        snprintf(out, outsz,
                 ja ? "%zu件のアカウントを更新します（確認のみ。まだ変更していません）"
                    : "%zu accounts would be updated (dry run: nothing changed yet)",
                 rep->nchanges);
    else
        snprintf(out, outsz, ja ? "%zu件のアカウントを更新" : "%zu accounts updated", rep->nchanges);
    if (rep->nremoved && !rep->errors.total) {
        size_t len = strlen(out);
        snprintf(out + len, outsz - len,
                 ja ? "（うち %zu件は紐づけを解除）" : " (%zu of them links removed)", rep->nremoved);
    }
}


lr_status links_upload_keep(lr_store *s, const char *id, int64_t company_id, int64_t user_id,
                            const char *name, const char *data, size_t len, lr_error *err)
{
    int64_t now = clock_now();
    return store_upload_put(s, id, company_id, user_id, name, data, len, now,
                            now - LINKS_UPLOAD_TTL, err);
}

lr_status links_upload_take(lr_store *s, const char *id, int64_t company_id, int64_t user_id,
                            lr_buf *data, char *name, size_t namesz, int64_t *applied_at,
                            lr_error *err)
{
    return store_upload_get(s, id, company_id, user_id, clock_now() - LINKS_UPLOAD_TTL, data,
                            name, namesz, applied_at, err);
}

lr_status links_upload_applied(lr_store *s, const char *id, lr_error *err)
{
    return store_upload_applied(s, id, clock_now(), err);
}
