/*
 * store_sql_people — divisions, employees and their links to PC user names
 * (store_people.h), over SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sql_internal.h"
#include "util/clock.h"

#define EMPLOYEE_COLS                                                                              \
    "e.id, e.company_id, e.code, e.last_name, e.first_name, COALESCE(e.division_id, 0), "           \
    "COALESCE(d.day_change_min, 0), e.deleted, COALESCE(e.kot_key, '') FROM employees e LEFT JOIN "   \
    "divisions d ON d.id = e.division_id "

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(Q_DIVISIONS_LIST,                                                                            \
      "SELECT id, company_id, code, name, day_change_min, div_start_min, div_end_min FROM "   \
      "divisions WHERE "                    \
      "company_id = ?1 ORDER BY code")                                                             \
    X(Q_EMPLOYEE_UPDATE,                                                                           \
      "UPDATE employees SET code = ?2, last_name = ?3, first_name = ?4, "                          \
      "division_id = NULLIF(?5, 0), kot_key = NULLIF(?6, ''), deleted = ?7 "                       \
      "WHERE id = ?1")                                                                             \
    X(Q_DIVISION_UPSERT,                                                                           \
      "INSERT INTO divisions (company_id, code, name, day_change_min) VALUES "                     \
      "(?1, ?2, ?3, ?4) ON CONFLICT (company_id, code) DO UPDATE SET name = "                      \
      "excluded.name, day_change_min = excluded.day_change_min RETURNING id")                      \
    X(Q_DIVISION_GET,                                                                              \
      "SELECT id, company_id, code, name, day_change_min, div_start_min, div_end_min FROM "   \
      "divisions WHERE "                    \
      "company_id = ?1 AND code = ?2")                                                             \
    X(Q_EMPLOYEE_INSERT,                                                                           \
      "INSERT INTO employees (company_id, code, last_name, first_name, "                           \
      "division_id, kot_key) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), "                              \
      "NULLIF(?6, '')) RETURNING id")                                                              \
    X(Q_EMPLOYEE_GET, "SELECT " EMPLOYEE_COLS "WHERE e.company_id = ?1 AND e.code = ?2")           \
    X(Q_EMPLOYEE_BY_ID, "SELECT " EMPLOYEE_COLS "WHERE e.id = ?1")                                 \
    X(Q_EMPLOYEES_LIST, "SELECT " EMPLOYEE_COLS "WHERE e.company_id = ?1 ORDER BY e.code")         \
    X(Q_LINKS_LIST,                                                                                \
      "SELECT employee_id, kind, account FROM links WHERE company_id = ?1 ORDER BY "               \
      "kind, account")                                                                             \
    X(Q_LINK_OWNER,                                                                                \
      "SELECT employee_id FROM links WHERE company_id = ?1 AND kind = ?2 AND "                     \
      "account = ?3")                                                                              \
    X(Q_LINK_OF_EMP,                                                                               \
      "SELECT account FROM links WHERE company_id = ?1 AND kind = ?2 AND "                         \
      "employee_id = ?3")                                                                          \
    X(Q_LINK_DELETE, "DELETE FROM links WHERE company_id = ?1 AND kind = ?2 AND employee_id = ?3") \
    X(Q_LINK_INSERT,                                                                               \
      "INSERT INTO links (company_id, kind, account, employee_id, updated_at) "                    \
      "VALUES (?1, ?2, ?3, ?4, ?5)")                                                               \
    /* the employees linked to an account for a kind (0: any kind, a       \
     * generic event's) */                                                  \
    X(Q_LINK_RESOLVE,                                                                              \
      "SELECT DISTINCT l.employee_id, COALESCE(d.day_change_min, 0) FROM links l JOIN employees "  \
      "e ON e.id = l.employee_id LEFT JOIN divisions d ON d.id = e.division_id WHERE "             \
      "l.company_id = ?1 AND l.account = ?3 AND (?2 = 0 OR l.kind = ?2) AND e.deleted = 0 ORDER "  \
      "BY l.employee_id")                                                                          \
    X(Q_LINKS_OF_EMPLOYEE,                                                                         \
      "SELECT employee_id, kind, account FROM links WHERE employee_id = ?1 "                       \
      "ORDER BY kind")                                                                             \
    /* a driver with arrays: the rows of the statement above of the same    \
     * columns in one statement, a column an array (sq_run_rows); each row  \
     * says which input it answers (u.i, from 1) */                         \
    X(Q_EMPLOYEES_SET,                                                                             \
      "SELECT e.id, e.company_id, e.code, e.last_name, e.first_name, COALESCE(e.division_id, 0), " \
      "COALESCE(d.day_change_min, 0), e.deleted, COALESCE(e.kot_key, ''), u.i FROM "               \
      "unnest(?1::bigint[]) WITH ORDINALITY AS u(id, i) JOIN employees e ON e.id = u.id LEFT "     \
      "JOIN divisions d ON d.id = e.division_id")                                                  \
    X(Q_LINKS_SET,                                                                                 \
      "SELECT l.employee_id, l.kind, l.account, u.i FROM unnest(?1::bigint[]) WITH ORDINALITY AS " \
      "u(id, i) JOIN links l ON l.employee_id = u.id ORDER BY u.i, l.kind")                        \
    X(Q_LINK_RESOLVE_SET,                                                                          \
      "SELECT DISTINCT l.employee_id, COALESCE(d.day_change_min, 0), u.i FROM "                    \
      "unnest(?1::bigint[], ?2::bigint[], ?3::text[]) WITH ORDINALITY AS u(c, k, a, i) JOIN "      \
      "links l ON l.company_id = u.c AND l.account = u.a AND (u.k = 0 OR l.kind = u.k) JOIN "      \
      "employees e ON "                                                                            \
      "e.id = l.employee_id AND e.deleted = 0 LEFT JOIN divisions d ON d.id = e.division_id "      \
      "ORDER BY u.i, l.employee_id")
SQ_STATEMENTS(SQ_PEOPLE_BASE, SQ_EVENTS_BASE);

lr_status store_division_upsert(lr_store *base, lr_division *d, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_DIVISION_UPSERT, err, SQ_INT(d->company_id), SQ_TEXT(d->code),
                             SQ_TEXT(d->name), SQ_INT(d->day_change_min));
    int rc;
    if (!st)
        return LR_ESTORE;
    rc = sq_next(st, NULL, NULL);
    if (rc != SQL_ROW) {
        lr_status r = sq_db_fail(s, err, "saving the division");
        sql_reset(st);
        return r;
    }
    d->id = sql_col_int64(st, 0);
    sql_reset(st);
    return sq_wrote(s, d->company_id, LR_OK, err);
}

static const sq_row division_row =
    SQ_ROW(lr_division, SQ_NUM(lr_division, id), SQ_NUM(lr_division, company_id),
           SQ_STR(lr_division, code), SQ_STR(lr_division, name), SQ_NUM(lr_division, day_change_min),
           SQ_NUM(lr_division, div_start_min), SQ_NUM(lr_division, div_end_min));

lr_status store_division_get(lr_store *base, int64_t company_id, const char *code,
                                 lr_division *d, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_DIVISION_GET, err, SQ_INT(company_id), SQ_TEXT(code));
    return sq_one(S(base), st, &division_row, d, err, "reading a division",
                  "unknown division '%s'", code);
}

lr_status store_employee_insert(lr_store *base, lr_employee *e, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_EMPLOYEE_INSERT, err, SQ_INT(e->company_id), SQ_TEXT(e->code),
                             SQ_TEXT(e->last_name), SQ_TEXT(e->first_name), SQ_INT(e->division_id),
                             SQ_TEXT(e->kot_key));
    lr_status r;
    r = sq_run_id(s, st, &e->id, err, "adding the employee");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "employee '%s' exists already", e->code);
    return sq_wrote(s, e->company_id, r, err);
}

static const sq_row employee_row = SQ_ROW(
    lr_employee, SQ_NUM(lr_employee, id), SQ_NUM(lr_employee, company_id), SQ_STR(lr_employee, code),
    SQ_STR(lr_employee, last_name), SQ_STR(lr_employee, first_name),
    SQ_NUM(lr_employee, division_id), SQ_NUM(lr_employee, day_change_min),
    SQ_NUM(lr_employee, deleted), SQ_STR(lr_employee, kot_key));

lr_status store_employee_get(lr_store *base, int64_t company_id, const char *code,
                                 lr_employee *out, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_EMPLOYEE_GET, err, SQ_INT(company_id), SQ_TEXT(code));
    return sq_one(S(base), st, &employee_row, out, err, "reading an employee",
                  "unknown employee '%s'", code);
}

lr_status store_employee_by_id(lr_store *base, int64_t id, lr_employee *out, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_EMPLOYEE_BY_ID, err, SQ_INT(id));
    return sq_one(S(base), st, &employee_row, out, err, "reading an employee",
                  "unknown employee (by id)");
}

/* Rows of one integer column each (ids), for sq_run_rows. */
static sq_param *id_sets(const int64_t *ids, size_t n)
{
    sq_param *ps = malloc((n ? n : 1) * sizeof *ps);
    for (size_t i = 0; ps && i < n; i++)
        ps[i] = SQ_INT(ids[i]);
    return ps;
}

typedef struct employees_of {
    lr_employee *out;
    unsigned char *found;
} employees_of;

static void employee_of(void *ctx, sql_stmt *st, size_t i)
{
    employees_of *k = ctx;
    sq_read(st, &employee_row, &k->out[i]);
    k->found[i] = 1;
}

lr_status store_employees_by_ids(lr_store *base, const int64_t *ids, size_t n, lr_employee *out,
                                 lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps = id_sets(ids, n);
    employees_of k = {out, calloc(n ? n : 1, 1)};
    lr_status st = !ps || !k.found ? lr_fail(err, LR_ENOMEM, "out of memory")
                   : n == 0       ? LR_OK
                                  : sq_run_rows(s, rows_stmt(s, Q_EMPLOYEE_BY_ID, Q_EMPLOYEES_SET, err),
                                                ps, 1, n, employee_of, 9, &k, err,
                                                "reading employees");
    for (size_t i = 0; st == LR_OK && i < n; i++)
        if (!k.found[i])
            st = lr_fail(err, LR_ENOTFOUND, "unknown employee (by id %lld)", (long long)ids[i]);
    free(ps);
    free(k.found);
    return st;
}

lr_status store_divisions_list(lr_store *base, int64_t company_id, store_division_cb cb,
                                   void *ctx, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_DIVISIONS_LIST, err, SQ_INT(company_id));
    lr_division d;
    int rc;
    while ((rc = sq_next(st, &division_row, &d)) == SQL_ROW && !cb(ctx, &d))
        ;
    return sq_end(S(base), st, rc, err, "listing divisions");
}

lr_status store_employee_update(lr_store *base, const lr_employee *e, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_EMPLOYEE_UPDATE, err, SQ_INT(e->id), SQ_TEXT(e->code),
                             SQ_TEXT(e->last_name), SQ_TEXT(e->first_name), SQ_INT(e->division_id),
                             SQ_TEXT(e->kot_key), SQ_INT(e->deleted));
    lr_status r;
    r = sq_run(s, st, err, "updating the employee");
    if (r == LR_EEXIST)
        return lr_fail(err, LR_EEXIST, "employee code '%s' or KoT key '%s' belongs to another employee",
                       e->code, e->kot_key);
    return sq_wrote(s, e->company_id, r, err);
}

lr_status store_employees_list(lr_store *base, int64_t company_id, store_employee_cb cb,
                                   void *ctx, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_EMPLOYEES_LIST, err, SQ_INT(company_id));
    lr_employee e;
    int rc;
    while ((rc = sq_next(st, &employee_row, &e)) == SQL_ROW && !cb(ctx, &e))
        ;
    return sq_end(S(base), st, rc, err, "listing employees");
}

static const sq_row link_row = SQ_ROW(lr_link, SQ_NUM(lr_link, employee_id), SQ_NUM(lr_link, kind),
                                      SQ_STR(lr_link, account));

lr_status store_links_list(lr_store *base, int64_t company_id, store_link_cb cb, void *ctx,
                               lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_LINKS_LIST, err, SQ_INT(company_id));
    lr_link l;
    int rc;
    while ((rc = sq_next(st, &link_row, &l)) == SQL_ROW && !cb(ctx, &l))
        ;
    return sq_end(S(base), st, rc, err, "listing links");
}

lr_status store_link_delete(lr_store *base, int64_t company_id, link_kind kind,
                                int64_t employee_id, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, Q_LINK_DELETE, err, SQ_INT(company_id), SQ_INT(kind),
                             SQ_INT(employee_id));
    return sq_wrote(s, company_id, sq_run(s, st, err, "removing a link"), err);
}

lr_status store_link_set(lr_store *base, int64_t company_id, const lr_link *l, char *prev,
                             size_t prevsz, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st;
    lr_status r;
    int rc;

    prev[0] = '\0';
    /* who owns the account now? */
    if (!(st = stmt(s, Q_LINK_OWNER, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, l->kind);
    sql_bind_text(st, 3, l->account);
    rc = sql_step(st);
    if (rc == SQL_ROW) {
        int64_t owner = sql_col_int64(st, 0);
        sql_reset(st);
        if (owner == l->employee_id) {
            snprintf(prev, prevsz, "%s", l->account);
            return LR_OK; /* already so */
        }
        return lr_fail(err, LR_EEXIST,
                       "service account '%s' is already linked to another employee for %s; a PC "
                       "user name can belong to one employee only (manual FAQ 5.2.1)",
                       l->account, link_kind_name(l->kind));
    }
    sql_reset(st);
    if (rc != SQL_DONE)
        return sq_db_fail(s, err, "reading links");
    /* the account this employee had for the kind */
    if (!(st = stmt(s, Q_LINK_OF_EMP, err)))
        return LR_ESTORE;
    sql_bind_int64(st, 1, company_id);
    sql_bind_int64(st, 2, l->kind);
    sql_bind_int64(st, 3, l->employee_id);
    if (sql_step(st) == SQL_ROW)
        sq_copy_col(st, 0, prev, prevsz);
    sql_reset(st);
    if ((r = store_link_delete(base, company_id, l->kind, l->employee_id, err)) != LR_OK)
        return r;
    st = stmt_with(s, Q_LINK_INSERT, err, SQ_INT(company_id), SQ_INT(l->kind), SQ_TEXT(l->account),
                   SQ_INT(l->employee_id), SQ_INT(clock_now()));
    return sq_wrote(s, company_id, sq_run(s, st, err, "saving the link"), err);
}

typedef struct resolved {
    store_resolved_cb cb;
    void *ctx;
} resolved;

static void take_resolved(void *ctx, sql_stmt *st, size_t i)
{
    resolved *k = ctx;
    k->cb(k->ctx, i, sql_col_int64(st, 0), sql_col_int(st, 1));
}

lr_status store_links_resolve_all(lr_store *base, int64_t company_id, const store_account_key *keys,
                                  size_t n, store_resolved_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps;
    resolved k = {cb, ctx};
    lr_status st;
    if (n == 0)
        return LR_OK;
    if (!(ps = malloc(n * 3 * sizeof *ps)))
        return lr_fail(err, LR_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        ps[3 * i] = SQ_INT(company_id);
        ps[3 * i + 1] = SQ_INT(keys[i].kind);
        ps[3 * i + 2] = SQ_TEXT(keys[i].account);
    }
    st = sq_run_rows(s, rows_stmt(s, Q_LINK_RESOLVE, Q_LINK_RESOLVE_SET, err), ps, 3, n,
                     take_resolved, 2, &k, err, "reading links");
    free(ps);
    return st;
}

typedef struct links_of {
    store_link_of_cb cb;
    void *ctx;
} links_of;

static void link_of(void *ctx, sql_stmt *st, size_t i)
{
    links_of *k = ctx;
    lr_link l;
    sq_read(st, &link_row, &l);
    k->cb(k->ctx, i, &l);
}

lr_status store_links_of_employees(lr_store *base, const int64_t *ids, size_t n, store_link_of_cb cb,
                                   void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sq_param *ps = id_sets(ids, n);
    links_of k = {cb, ctx};
    lr_status st = !ps ? lr_fail(err, LR_ENOMEM, "out of memory")
                   : n == 0 ? LR_OK
                            : sq_run_rows(s, rows_stmt(s, Q_LINKS_OF_EMPLOYEE, Q_LINKS_SET, err), ps,
                                          1, n, link_of, 3, &k, err, "reading links");
    free(ps);
    return st;
}

lr_status store_links_of_employee(lr_store *base, int64_t employee_id, lr_link *out,
                                      size_t max, size_t *n, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), Q_LINKS_OF_EMPLOYEE, err, SQ_INT(employee_id));
    int rc = SQL_DONE;
    for (*n = 0; *n < max && (rc = sq_next(st, &link_row, &out[*n])) == SQL_ROW; (*n)++)
        ;
    return sq_end(S(base), st, rc, err, "reading links");
}
