/*
 * store_sql_pc — the records of a PC's own logs over SQL (store_pc.h). A
 * log's row map says once how its struct meets its table's columns: the
 * SELECTs read them in that order, and the INSERT binds them in that order
 * after the company.
 */
#include <stdio.h>

#include "store/sql_internal.h"

#define WIN_COLS                                                                                   \
    "SELECT event_row, ts_utc, event_id, logon_type, logon_id, linked_logon_id, record_id, host, " \
    "channel, provider, account, sid, logon_process, process FROM win_records WHERE company_id = " \
    "?1 AND ts_utc >= ?3 AND ts_utc < ?4 AND "
#define UNIX_COLS                                                                                  \
    "SELECT event_row, ts_utc, kind, host, line, account, from_host FROM unix_records WHERE "      \
    "company_id = ?1 AND ts_utc >= ?3 AND ts_utc < ?4 AND "
/* The account's own rows, then (two indexed reads) the rows without an
 * account of the hosts it has rows on. */
#define ROWS_FOR(cols, table)                                                                      \
    cols "account = ?2 UNION ALL " cols "account = '' AND host IN (SELECT DISTINCT host FROM "     \
         table " WHERE company_id = ?1 AND account = ?2 AND ts_utc >= ?3 AND ts_utc < ?4)"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(P_WIN_INSERT,                                                                                \
      "INSERT INTO win_records (company_id, event_row, ts_utc, event_id, logon_type, logon_id, "   \
      "linked_logon_id, record_id, host, channel, provider, account, sid, logon_process, "         \
      "process) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON "     \
      "CONFLICT DO NOTHING")                                                                       \
    X(P_WIN_FOR, ROWS_FOR(WIN_COLS, "win_records") " ORDER BY 2, 7")                               \
    X(P_UNIX_INSERT,                                                                               \
      "INSERT INTO unix_records (company_id, event_row, ts_utc, kind, host, line, account, "       \
      "from_host) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING")                 \
    X(P_UNIX_FOR, ROWS_FOR(UNIX_COLS, "unix_records") " ORDER BY 2")                               \
    X(P_EVENT_ROW,                                                                                 \
      "SELECT id FROM log_events WHERE company_id = ?1 AND account = ?2 AND ts_utc = ?3 AND "      \
      "host = ?4 AND op = ?5 AND source = ?6")                                                     \
    X(P_ACCOUNTS_ON_HOST,                                                                          \
      "SELECT account FROM win_records WHERE company_id = ?1 AND host = ?2 AND account <> '' "     \
      "AND ts_utc >= ?3 AND ts_utc < ?4 UNION SELECT account FROM unix_records WHERE "             \
      "company_id = ?1 AND host = ?2 AND account <> '' AND ts_utc >= ?3 AND ts_utc < ?4")          \
    X(P_TWO_SIDS,                                                                                  \
      "SELECT account, sid, host, max(ts_utc) FROM win_records WHERE company_id = ?1 AND "         \
      "ts_utc >= ?2 AND sid <> '' AND account IN (SELECT account FROM win_records WHERE "          \
      "company_id = ?1 AND ts_utc >= ?2 AND account <> '' AND sid <> '' GROUP BY account HAVING " \
      "count(DISTINCT sid) > 1) GROUP BY account, sid, host ORDER BY account, sid, host")
SQ_STATEMENTS(SQ_PC_BASE, SQ_SLOTS);

static const sq_row win_row = SQ_ROW(
    lr_win_row, SQ_NUM(lr_win_row, event_row), SQ_NUM(lr_win_row, utc),
    SQ_NUM(lr_win_row, event_id), SQ_NUM(lr_win_row, logon_type), SQ_NUM(lr_win_row, logon_id),
    SQ_NUM(lr_win_row, linked_logon_id), SQ_NUM(lr_win_row, record_id), SQ_STR(lr_win_row, host),
    SQ_STR(lr_win_row, channel), SQ_STR(lr_win_row, provider), SQ_STR(lr_win_row, account),
    SQ_STR(lr_win_row, sid), SQ_STR(lr_win_row, logon_process), SQ_STR(lr_win_row, process));

static const sq_row unix_row = SQ_ROW(
    lr_unix_row, SQ_NUM(lr_unix_row, event_row), SQ_NUM(lr_unix_row, utc),
    SQ_NUM(lr_unix_row, kind), SQ_STR(lr_unix_row, host), SQ_STR(lr_unix_row, line),
    SQ_STR(lr_unix_row, account), SQ_STR(lr_unix_row, from));

/* A log's table: its row map, statements and words. */
static const struct {
    const sq_row *row;
    int insert, rows_for;
    const char *storing, *reading;
} logs[] = {
    [PC_WINDOWS] = {&win_row, P_WIN_INSERT, P_WIN_FOR, "storing a Windows record",
                    "reading Windows records"},
    [PC_LINUX] = {&unix_row, P_UNIX_INSERT, P_UNIX_FOR, "storing a Linux login record",
                  "reading Linux login records"},
};

lr_status store_pc_record_insert(lr_store *base, pc_log log, int64_t company_id, const void *row,
                                 lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), logs[log].insert, err, SQ_INT(company_id));
    if (st)
        sq_bind_row(st, logs[log].row, 2, row);
    /* a record stored already inserts no row: LR_EEXIST */
    return sq_wrote(S(base), company_id, sq_run_new(S(base), st, err, logs[log].storing), err);
}

lr_status store_pc_records_for(lr_store *base, pc_log log, int64_t company_id, const char *account,
                               int64_t from, int64_t to, store_pc_cb cb, void *ctx, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), logs[log].rows_for, err, SQ_INT(company_id), SQ_TEXT(account),
                             SQ_INT(from), SQ_INT(to));
    lr_win_row buf; /* the larger of the two */
    int rc;
    _Static_assert(sizeof(lr_win_row) >= sizeof(lr_unix_row), "the row buffer is too small");
    while ((rc = sq_next(st, logs[log].row, &buf)) == SQL_ROW && !cb(ctx, &buf))
        ;
    return sq_end(S(base), st, rc, err, logs[log].reading);
}

lr_status store_event_row(lr_store *base, int64_t company_id, const lr_event *e, int64_t *id,
                          lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), P_EVENT_ROW, err, SQ_INT(company_id), SQ_TEXT(e->account),
                             SQ_INT(e->utc), SQ_TEXT(e->host), SQ_TEXT(e->op), SQ_TEXT(e->source));
    int rc = sq_next(st, NULL, NULL);
    if (rc == SQL_ROW)
        *id = sql_col_int64(st, 0);
    return sq_end_one(S(base), st, rc, err, "finding a stored event", "no event of %s at %lld",
                      e->account, (long long)e->utc);
}

lr_status store_pc_accounts_on_host(lr_store *base, int64_t company_id, const char *host,
                                    int64_t from, int64_t to, store_account_cb cb, void *ctx,
                                    lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), P_ACCOUNTS_ON_HOST, err, SQ_INT(company_id), SQ_TEXT(host),
                             SQ_INT(from), SQ_INT(to));
    int rc;
    while ((rc = sq_next(st, NULL, NULL)) == SQL_ROW && !cb(ctx, sql_col_text(st, 0)))
        ;
    return sq_end(S(base), st, rc, err, "reading the accounts of a PC");
}

lr_status store_pc_names_of_two_sids(lr_store *base, int64_t company_id, int64_t since,
                                     store_sid_host_cb cb, void *ctx, lr_error *err)
{
    sql_stmt *st = stmt_with(S(base), P_TWO_SIDS, err, SQ_INT(company_id), SQ_INT(since));
    int rc;
    while ((rc = sq_next(st, NULL, NULL)) == SQL_ROW) {
        lr_pc_sid_host r = {sql_col_text(st, 0), sql_col_text(st, 1), sql_col_text(st, 2),
                            sql_col_int64(st, 3)};
        if (cb(ctx, &r))
            break;
    }
    return sq_end(S(base), st, rc, err, "reading the names of two accounts");
}
