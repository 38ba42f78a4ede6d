/*
 * sql_internal — what the files of the SQL store share. The store's SQL is
 * written once for both databases and runs through a sql_driver
 * (sql_driver.h: SQLite or PostgreSQL):
 * store_sql.c: the handle: open, migrations, transactions, audit, locks;
 * store_sql_companies.c: companies and their secrets;
 * store_sql_people.c: divisions, employees, links;
 * store_sql_events.c: events stored and read back, the log listing;
 * store_sql_punches.c: punches, the ledger, day flags;
 * store_sql_outbox.c: the outbox and delivery attempts;
 * store_sql_sources.c: pollers' state and what sources sent;
 * store_sql_admins.c: administrators, sessions, login failures;
 * store_sql_pages.c: what the admin UI's log, daily and status pages read;
 * store_sql_leases.c: leases held by one instance among several;
 * store_sql_divergence.c: KoT's record read back, divergent days (乖離);
 * store_sql_overtime.c: 36協定's warnings and limits.
 * Not for use outside src/store/.
 */
#ifndef LR_STORE_SQL_INTERNAL_H
#define LR_STORE_SQL_INTERNAL_H

#include <stddef.h>

#include "store/sql_driver.h"
#include "store/store.h"
#include "util/buf.h"

/* Prepared-statement slots: store_sql.c uses [0, SQ_OUTBOX_BASE), the
 * outbox file [SQ_OUTBOX_BASE, SQ_SOURCES_BASE), the sources file
 * [SQ_SOURCES_BASE, SQ_ADMINS_BASE), the admins file
 * [SQ_ADMINS_BASE, SQ_PAGES_BASE), the pages file [SQ_PAGES_BASE,
 * SQ_LEASES_BASE), the leases file [SQ_LEASES_BASE, SQ_COMPANIES_BASE), and
 * the companies, people, events, punches, PC records and divergence
 * files from their own bases up to the next one (SQ_SLOTS after the last). */
#define SQ_OUTBOX_BASE 64
#define SQ_SOURCES_BASE 96
#define SQ_ADMINS_BASE 112
#define SQ_PAGES_BASE 128
#define SQ_LEASES_BASE 144
#define SQ_COMPANIES_BASE 152
#define SQ_PEOPLE_BASE 168
#define SQ_EVENTS_BASE 192
#define SQ_PUNCHES_BASE 200
#define SQ_PC_BASE 216
#define SQ_DIVERGENCE_BASE 232
#define SQ_OVERTIME_BASE 256
#define SQ_PURGE_BASE 264
#define SQ_CHAIN_BASE 288
#define SQ_SLOTS 304

/* lr_store, opaque outside src/store/. */
struct lr_store {
    char path[512]; /* where it was opened (password removed), for messages */
};

typedef struct sql_store {
    lr_store base;
    const sql_driver *drv;
    sql_conn *db;
    sql_stmt *q[SQ_SLOTS];
    int depth; /* transaction nesting */
    int group; /* begun by store_begin_group: a nested begin is a savepoint */
    int64_t locked_company; /* whose lock_company this transaction holds; 0: none */
    int locked_depth; /* the transaction depth it was taken at: a savepoint rolled back
                         below it gives it back (store_rollback) */
    int gated; /* holds the process's SQLite writer gate (store_sql.c) */
    /* the companies whose generation this transaction bumps at its commit
     * (sq_wrote), ascending; never earlier (a savepoint rolled back would
     * take the bump with it, and PostgreSQL's lock order would break) */
    int64_t *touched;
    size_t ntouched, captouched;
    int group_lost; /* a group transaction was rolled back whole under a nested level */
    int bulk_over;  /* a bulk write ended inside a transaction: its cache goes with it */
} sql_store;

static inline sql_store *S(lr_store *s)
{
    return (sql_store *)s;
}

/* An event's columns as sq_event_row reads them (alias e). */
#define SQ_EVENT_COLS                                                                              \
    "e.id, e.source, e.account, e.host, e.op, e.ts_utc, e.ts_offset, e.version, e.received_at"
/* The id of the employee an event of alias e belongs to (NULL: unlinked):
 * the link of its source's kind, or of any kind for a generic event.
 * Without statistics SQLite read every link of the company for each event
 * (65 ms a log page at 10,000 links); the index is named. */
#define SQ_EVENT_EMPLOYEE_SQL                                                                      \
    "(SELECT l.employee_id FROM links l INDEXED BY links_account WHERE l.company_id = "            \
    "e.company_id AND l.account = e.account AND (e.source = 'generic' OR l.kind = CASE e.source "  \
    "WHEN 'smarton' THEN 1 WHEN 'lanscope' THEN 2 WHEN 'malion' THEN 3 WHEN 'windows' THEN 4 "     \
    "WHEN 'linux' THEN 5 END) ORDER BY l.kind LIMIT 1)"

/* Fills err from the connection's last error; LR_EBUSY when locked. */
lr_status sq_db_fail(sql_store *s, lr_error *err, const char *doing);
/* Ends reading st (resets it; NULL st: LR_ESTORE): LR_OK when the last step's rc was a row or
 * the end, else the connection's error while `doing`. */
lr_status sq_end(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing);
/* Ends reading one row (resets st): LR_OK when the last step's rc was that
 * row, LR_ENOTFOUND with the printf-style message `missing` when there was
 * none, else the connection's error while `doing`. */
lr_status sq_end_one(sql_store *s, sql_stmt *st, int rc, lr_error *err, const char *doing,
                     const char *missing, ...) LR_PRINTF(6, 7);
/* The statement of slot (prepared once from sql), reset and unbound. */
sql_stmt *sq_stmt(sql_store *s, int slot, const char *sql, lr_error *err);
void sq_copy_col(sql_stmt *st, int i, char *dst, size_t dstsz);
/* A statement's parameter, bound at its place (?1, ?2, ...) by
 * sq_stmt_with: SQ_INT(v), SQ_TEXT(v) (NULL binds NULL), SQ_REAL(v). */
typedef struct sq_param {
    char type; /* 'i', 't' or 'd' */
    int64_t i;
    double d;
    const char *t;
} sq_param;
#define SQ_INT(v) ((sq_param){'i', (int64_t)(v), 0, NULL})
#define SQ_TEXT(v) ((sq_param){'t', 0, 0, (v)})
#define SQ_REAL(v) ((sq_param){'d', 0, (v), NULL})
#define SQ_PARAMS(...)                                                                             \
    (const sq_param[]){__VA_ARGS__}, sizeof((const sq_param[]){__VA_ARGS__}) / sizeof(sq_param)

/* sq_stmt, with ps[0..n) bound at ?1..?n (a failed binding fails the
 * statement's step, as sql_bind_* do). */
sql_stmt *sq_stmt_with(sql_store *s, int slot, const char *sql, lr_error *err, const sq_param *ps,
                       size_t n);

/* Each store_sql_*.c lists its statements once, as X(NAME, "SQL") lines of
 * a macro STATEMENTS(X), and then says SQ_STATEMENTS(BASE, NEXT): the
 * names become its slots from BASE (an assertion keeps them below the next
 * file's NEXT), the texts its sql_text[]. A statement is then had by its
 * slot, or with its leading parameters bound. */
/* A file's statement texts, named after its base (sq_texts_SQ_EVENTS_BASE):
 * what test_query_plans reads. */
typedef struct sq_texts {
    const char *const *v;
    size_t n;
} sq_texts;
#define SQ_SLOT_NAME(name, sql) name,
#define SQ_SLOT_TEXT(name, sql) sql,
#define SQ_STATEMENTS(base, next)                                                                  \
    enum { SQ_FIRST_SLOT = (base) - 1, STATEMENTS(SQ_SLOT_NAME) SQ_AFTER_SLOTS };                   \
    _Static_assert(SQ_AFTER_SLOTS <= (next), "too many statements for their slots");              \
    static const char *const sql_text[] = {STATEMENTS(SQ_SLOT_TEXT)};                              \
    const sq_texts sq_texts_##base = {sql_text, sizeof sql_text / sizeof *sql_text}
#define stmt(s, q, err) sq_stmt((s), (q), sql_text[(q) - SQ_FIRST_SLOT - 1], (err))
#define stmt_with(s, q, err, ...)                                                                  \
    sq_stmt_with((s), (q), sql_text[(q) - SQ_FIRST_SLOT - 1], (err), SQ_PARAMS(__VA_ARGS__))

/* How a row's columns land in a struct: column i goes to the field of
 * cols[i] (SQ_NUM: an integer field of any width, SQ_STR: a char array,
 * SQ_DBL: a double). One table a row type
 * says the mapping once, for every query that returns those columns. */
typedef struct sq_col {
    char type; /* 'n', 't' or 'd' */
    size_t off, size;
} sq_col;
typedef struct sq_row {
    const sq_col *cols;
    size_t n, size; /* columns; the struct's size (cleared before a row) */
} sq_row;
#define SQ_NUM(T, f) {'n', offsetof(T, f), sizeof(((T *)0)->f)}
#define SQ_STR(T, f) {'t', offsetof(T, f), sizeof(((T *)0)->f)}
#define SQ_DBL(T, f) {'d', offsetof(T, f), sizeof(double)}
#define SQ_ROW(T, ...)                                                                             \
    {(const sq_col[]){__VA_ARGS__}, sizeof((const sq_col[]){__VA_ARGS__}) / sizeof(sq_col),       \
     sizeof(T)}

/* SQ_EVENT_COLS, read into an lr_event (store_sql_events.c). */
extern const sq_row sq_event_row;

/* Reads the current row of st into out by m. */
void sq_read(sql_stmt *st, const sq_row *m, void *out);
/* Binds the fields of row by m's columns at ?at, ?at+1, ... */
void sq_bind_row(sql_stmt *st, const sq_row *m, int at, const void *row);
/* Steps st (SQL_ERROR when there is no statement: preparing it failed) and
 * reads a row into out by m (when m is not NULL); returns the step's code. */
int sq_next(sql_stmt *st, const sq_row *m, void *out);
/* Reads the one row of st into out (sq_next, then sq_end_one). */
lr_status sq_one(sql_store *s, sql_stmt *st, const sq_row *m, void *out, lr_error *err,
                 const char *doing, const char *missing, ...)
    LR_PRINTF(7, 8);

/* The functions below take st as sq_stmt returned it: NULL (preparing
 * failed, err says why) gives LR_ESTORE. */

/* Runs a statement that returns no rows; LR_EEXIST for a unique key. */
lr_status sq_run(sql_store *s, sql_stmt *st, lr_error *err, const char *doing);
/* Runs an INSERT ... RETURNING id: *id gets it. LR_EEXIST for a unique key,
 * or when the statement's ON CONFLICT DO NOTHING returned no row. */
lr_status sq_run_id(sql_store *s, sql_stmt *st, int64_t *id, lr_error *err, const char *doing);
/* Runs an INSERT ... ON CONFLICT DO NOTHING without RETURNING: LR_EEXIST
 * when it inserted no row. */
lr_status sq_run_new(sql_store *s, sql_stmt *st, lr_error *err, const char *doing);
/* Runs st once per parameter set 0..n-1 (bind binds set i, row is told
 * each row of set i; see sql_driver.h run_many): one round trip per
 * SQL_PIPELINE sets on PostgreSQL. LR_EEXIST for a unique key. */
lr_status sq_run_many(sql_store *s, sql_stmt *st, size_t n, sql_bind_fn bind, sql_row_fn row,
                      void *ctx, lr_error *err, const char *doing);
/* sq_run_many with set i's parameters ps[i * per_set .. (i + 1) * per_set)
 * bound at ?1, ?2, ... (their texts must stay valid until it returns). */
lr_status sq_run_sets(sql_store *s, sql_stmt *st, const sq_param *ps, size_t per_set, size_t n,
                      sql_row_fn row, void *ctx, lr_error *err, const char *doing);
/* An array parameter's text for a driver with arrays ("{1,2}",
 * "{\"a\",\"b\"}"): started empty ({0}), added to, then read with
 * sq_array_text (NULL when out of memory) and freed. */
typedef struct sq_array {
    char *p;
    size_t n, cap;
    int oom;
} sq_array;
void sq_array_int(sq_array *a, int64_t v);
void sq_array_str(sq_array *a, const char *v);
const char *sq_array_text(sq_array *a);
void sq_array_free(sq_array *a);
/* n rows of k columns (ps[i * k + j], integers or texts): with a driver
 * that takes arrays, st is a statement of k arrays (?1.. the columns) run
 * once, whose rows say which row they answer in their column at (from 1);
 * else st is the statement of one row, run for each (sq_run_sets). row is
 * told each result row with the index of the row it answers. */
lr_status sq_run_rows(sql_store *s, sql_stmt *st, const sq_param *ps, size_t k, size_t n,
                      sql_row_fn row, int at, void *ctx, lr_error *err, const char *doing);
/* The statement sq_run_rows wants: set_q where the driver takes arrays,
 * else row_q. */
#define rows_stmt(s, row_q, set_q, err)                                                            \
    ((s)->drv->arrays ? stmt((s), (set_q), (err)) : stmt((s), (row_q), (err)))
/* After a write of company's data that a page or the read API shows:
 * returns r, and when r is LR_OK bumps the company's generation (what the
 * response cache keys answers by) in the same transaction, at its commit,
 * or at once after a write outside a transaction (the data first, then the
 * generation: a reader that sees the new generation sees the data). A
 * failed bump is the write's failure. */
lr_status sq_wrote(sql_store *s, int64_t company_id, lr_status r, lr_error *err);
/* store_sql_chain.c: an insert of events into a company's hash chain.
 * sq_chain_plan (before it) reads the head and, unless events stored
 * before the chain still wait for their links, gives each event the link
 * and place it gets if all are stored, bound into the insert (the usual
 * case costs no second write); sq_chain_settle (after it) moves the head,
 * or, when a duplicate took no place, links the stored ones again, or
 * links the backlog with them. sq_chain_purge records, before a purge
 * removes the events before before_utc, the link the place after each run
 * of them follows, sealed with gap_key (chain_gap_key). All in the
 * caller's transaction. */
typedef struct chain_plan {
    lr_chain_head head;
    char (*links)[CHAIN_HEX]; /* planned: events[i]'s link, at place head.seq + i + 1 */
    int planned;
} chain_plan;
lr_status sq_chain_plan(sql_store *s, int64_t company_id, const lr_event *events, size_t n,
                        chain_plan *p, lr_error *err);
lr_status sq_chain_settle(sql_store *s, int64_t company_id, const lr_event *events, size_t n,
                          chain_plan *p, lr_error *err);
void sq_chain_plan_free(chain_plan *p);
lr_status sq_chain_purge(sql_store *s, int64_t company_id, int64_t before_utc,
                         const unsigned char *gap_key, lr_error *err);
/* Rows the connection's last write changed. */
int64_t sq_changes(sql_store *s);

/* The log view's statement for q (store_sql_pages.c), into b. */
lr_status sq_events_page_sql(const lr_event_query *q, lr_buf *b);

/* Closes the handle (store_close). */
void sq_close(lr_store *base);

#endif
