/*
 * store_sql_divergence — 乖離 over SQL (store_divergence.h): KING OF
 * TIME's record read back, both sides of the comparison, the divergent
 * days kept with what was found, the company's reasons and settings.
 */
#include <stdio.h>
#include <string.h>

#include "store/sql_internal.h"

#define DIVERGENCE_COLS                                                                            \
    "d.employee_id, e.code, e.last_name, e.first_name, d.work_day, d.kind, d.start_diff_min IS NOT NULL, "                    \
    "d.end_diff_min IS NOT NULL, COALESCE(d.start_diff_min, 0), COALESCE(d.end_diff_min, 0), "     \
    "d.status, d.reason, d.note, d.result, d.confirmed_by, d.confirmed_at, "                       \
    "d.first_seen_at, d.updated_at, d.notified_at FROM divergences d JOIN employees e ON e.id = "  \
    "d.employee_id "

/* A kept day opens again: it was closed, or it diverges another way. */
#define REOPEN "(divergences.status = 'closed' OR divergences.kind <> excluded.kind)"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(V_RECORDS_CLEAR,                                                                             \
      "DELETE FROM kot_records WHERE employee_id = ?1 AND work_day >= ?2 AND work_day <= ?3")      \
    X(V_RECORD_INSERT,                                                                             \
      "INSERT INTO kot_records (company_id, employee_id, work_day, seq, kind, ts_utc, "            \
      "division_code, credential_code, credential_name, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, "  \
      "?6, ?7, ?8, ?9, ?10)")                                                                      \
    X(V_RECORDS_OF_DAY,                                                                            \
      "SELECT employee_id, work_day, seq, kind, ts_utc, division_code, credential_code, "          \
      "credential_name FROM kot_records WHERE employee_id = ?1 AND work_day = ?2 ORDER BY "        \
      "ts_utc, seq")                                                                               \
    X(V_RECORDS_COUNT,                                                                             \
      "SELECT count(*) FROM kot_records WHERE company_id = ?1 AND work_day >= ?2 AND work_day "   \
      "<= ?3")                                                                                     \
    /* the PC's side is the ledger (active punches); only PC users: an                             \
     * employee never linked has no PC to compare with; kinds up to ?4                             \
     * (2: clock-in and -out; 4: the breaks too) */                                          \
    X(V_SIDES,                                                                                     \
      "SELECT x.employee_id, e.code, COALESCE(e.division_id, 0), x.work_day, x.side, x.kind, "     \
      "x.ts_utc FROM (SELECT employee_id, work_day, 0 AS side, kind, ts_utc FROM punches WHERE "   \
      "company_id = ?1 AND state = 'active' AND kind <= ?4 AND work_day >= ?2 AND work_day "       \
      "<= ?3 UNION ALL SELECT employee_id, work_day, 1, kind, ts_utc FROM kot_records WHERE "       \
      "company_id = ?1 AND kind <= ?4 AND work_day >= ?2 AND work_day <= ?3) x JOIN "              \
      "employees e ON e.id = x.employee_id WHERE x.employee_id IN (SELECT employee_id FROM links " \
      "WHERE company_id = ?1) ORDER BY e.code, x.work_day")                                        \
    X(V_LIST,                                                                                      \
      "SELECT " DIVERGENCE_COLS "WHERE d.company_id = ?1 AND d.work_day >= ?2 AND d.work_day <= "  \
      "?3 ORDER BY e.code, d.work_day")                                                            \
    X(V_GET, "SELECT " DIVERGENCE_COLS "WHERE d.employee_id = ?1 AND d.work_day = ?2")             \
    /* a change only when something changed; a closed day, or one whose                            \
     * kind changed, opens again with what was found before cleared; a                            \
     * closed day comes back as new (first seen now, not mailed) */                               \
    X(V_PUT,                                                                                       \
      "INSERT INTO divergences (company_id, employee_id, work_day, kind, start_diff_min, "         \
      "end_diff_min, first_seen_at, updated_at) VALUES (?1, ?2, ?3, ?4, CASE WHEN ?5 = 1 THEN ?6 " \
      "END, CASE WHEN ?7 = 1 THEN ?8 END, ?9, ?9) ON CONFLICT (employee_id, work_day) DO UPDATE "  \
      "SET kind = excluded.kind, start_diff_min = excluded.start_diff_min, end_diff_min = "        \
      "excluded.end_diff_min, updated_at = excluded.updated_at, status = CASE WHEN "               \
      REOPEN " THEN 'open' ELSE divergences.status END, reason = CASE WHEN " REOPEN " THEN '' "     \
      "ELSE divergences.reason END, note = CASE WHEN " REOPEN " THEN '' ELSE divergences.note "    \
      "END, result = CASE WHEN " REOPEN " THEN '' ELSE divergences.result END, confirmed_by = "    \
      "CASE WHEN " REOPEN " THEN '' ELSE divergences.confirmed_by END, confirmed_at = CASE WHEN "  \
      REOPEN " THEN 0 ELSE divergences.confirmed_at END, first_seen_at = CASE WHEN "               \
      "divergences.status = 'closed' THEN excluded.first_seen_at ELSE divergences.first_seen_at "  \
      "END, notified_at = CASE WHEN divergences.status = 'closed' THEN 0 ELSE "                    \
      "divergences.notified_at END WHERE divergences.status = 'closed' OR divergences.kind <> "    \
      "excluded.kind OR divergences.start_diff_min IS DISTINCT FROM excluded.start_diff_min OR "   \
      "divergences.end_diff_min IS DISTINCT FROM excluded.end_diff_min")                           \
    X(V_CLOSE,                                                                                     \
      "UPDATE divergences SET status = 'closed', updated_at = ?3 WHERE employee_id = ?1 AND "      \
      "work_day = ?2 AND status <> 'closed'")                                                      \
    X(V_CONFIRM,                                                                                   \
      "UPDATE divergences SET status = 'confirmed', reason = ?3, note = ?4, result = ?5, "         \
      "confirmed_by = ?6, confirmed_at = ?7, updated_at = ?8 WHERE employee_id "                   \
      "= ?1 AND work_day = ?2 AND status IN ('open', 'confirmed')")                                \
    X(V_REASONS,                                                                                   \
      "SELECT code, label_ja, label_en, position FROM divergence_reasons WHERE company_id = ?1 "   \
      "ORDER BY position, code")                                                                   \
    X(V_REASON_PUT,                                                                                \
      "INSERT INTO divergence_reasons (company_id, code, label_ja, label_en, position) VALUES "    \
      "(?1, ?2, ?3, ?4, ?5) ON CONFLICT (company_id, code) DO UPDATE SET label_ja = "              \
      "excluded.label_ja, label_en = excluded.label_en, position = excluded.position")             \
    X(V_REASON_DELETE, "DELETE FROM divergence_reasons WHERE company_id = ?1 AND code = ?2")       \
    X(V_COMPANY_SET,                                                                               \
      "UPDATE companies SET kot_mode = ?2, div_start_min = ?3, div_end_min = ?4 WHERE id = ?1")    \
    X(V_DIVISION_SET, "UPDATE divisions SET div_start_min = ?2, div_end_min = ?3 WHERE id = ?1")   \
    X(V_OPEN_ALL,                                                                                  \
      "SELECT " DIVERGENCE_COLS "WHERE d.company_id = ?1 AND d.status = 'open' ORDER BY e.code, "  \
      "d.work_day")                                                                                \
    X(V_NOTIFIED,                                                                                  \
      "UPDATE divergences SET notified_at = ?3 WHERE employee_id = ?1 AND work_day = ?2")          \
    X(V_MAIL_SET,                                                                                  \
      "UPDATE companies SET div_mail_to = ?2, div_mail_open_days = ?3 WHERE id = ?1")              \
    /* compare and set: one claim per day, whoever asks */                                         \
    X(V_MAIL_CLAIM,                                                                                \
      "UPDATE companies SET div_mail_day = ?2 WHERE id = ?1 AND div_mail_day <> ?2")               \
    X(V_MAIL_RELEASE,                                                                              \
      "UPDATE companies SET div_mail_day = ?3 WHERE id = ?1 AND div_mail_day = ?2")                \
    X(V_SMTP_GET,                                                                                  \
      "SELECT smtp_url, mail_from, smtp_user, password_sealed, ca_file FROM mail_settings WHERE "  \
      "id = 1")                                                                                    \
    X(V_SMTP_PUT,                                                                                  \
      "INSERT INTO mail_settings (id, smtp_url, mail_from, smtp_user, password_sealed, ca_file) "  \
      "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET smtp_url = "                  \
      "excluded.smtp_url, mail_from = excluded.mail_from, smtp_user = excluded.smtp_user, "        \
      "password_sealed = excluded.password_sealed, ca_file = excluded.ca_file")                    \
    X(V_FETCH_RESULT,                                                                              \
      "UPDATE companies SET div_fetched_at = ?2, div_fetch_result = ?3 WHERE id = ?1")
SQ_STATEMENTS(SQ_DIVERGENCE_BASE, SQ_SLOTS);

static const sq_row side_row =
    SQ_ROW(lr_div_side, SQ_NUM(lr_div_side, employee_id), SQ_STR(lr_div_side, employee_code),
           SQ_NUM(lr_div_side, division_id), SQ_STR(lr_div_side, work_day),
           SQ_NUM(lr_div_side, side), SQ_NUM(lr_div_side, kind), SQ_NUM(lr_div_side, utc));

static const sq_row record_row =
    SQ_ROW(lr_kot_record, SQ_NUM(lr_kot_record, employee_id), SQ_STR(lr_kot_record, work_day),
           SQ_NUM(lr_kot_record, seq), SQ_NUM(lr_kot_record, kind), SQ_NUM(lr_kot_record, utc),
           SQ_STR(lr_kot_record, division_code), SQ_STR(lr_kot_record, credential_code),
           SQ_STR(lr_kot_record, credential_name));

static const sq_row divergence_row = SQ_ROW(
    lr_divergence, SQ_NUM(lr_divergence, employee_id), SQ_STR(lr_divergence, employee_code),
    SQ_STR(lr_divergence, last_name), SQ_STR(lr_divergence, first_name),
    SQ_STR(lr_divergence, work_day), SQ_STR(lr_divergence, kind),
    SQ_NUM(lr_divergence, has_start_diff), SQ_NUM(lr_divergence, has_end_diff),
    SQ_NUM(lr_divergence, start_diff_min), SQ_NUM(lr_divergence, end_diff_min),
    SQ_STR(lr_divergence, status), SQ_STR(lr_divergence, reason), SQ_STR(lr_divergence, note),
    SQ_STR(lr_divergence, result),
    SQ_STR(lr_divergence, confirmed_by), SQ_NUM(lr_divergence, confirmed_at),
    SQ_NUM(lr_divergence, first_seen_at), SQ_NUM(lr_divergence, updated_at),
    SQ_NUM(lr_divergence, notified_at));

static const sq_row reason_row =
    SQ_ROW(lr_div_reason, SQ_STR(lr_div_reason, code), SQ_STR(lr_div_reason, label_ja),
           SQ_STR(lr_div_reason, label_en), SQ_NUM(lr_div_reason, position));

lr_status store_kot_records_clear(lr_store *base, int64_t company_id, int64_t employee_id, const char *from,
                                  const char *to, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_RECORDS_CLEAR, err, SQ_INT(employee_id), SQ_TEXT(from),
                            SQ_TEXT(to)),
                  err, "clearing KING OF TIME's record"), err);
}

lr_status store_kot_record_insert(lr_store *base, int64_t company_id, const lr_kot_record *r,
                                  int64_t fetched_at, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_RECORD_INSERT, err, SQ_INT(company_id), SQ_INT(r->employee_id),
                            SQ_TEXT(r->work_day), SQ_INT(r->seq), SQ_INT(r->kind),
                            SQ_INT(r->utc), SQ_TEXT(r->division_code),
                            SQ_TEXT(r->credential_code), SQ_TEXT(r->credential_name),
                            SQ_INT(fetched_at)),
                  err, "keeping KING OF TIME's record"), err);
}

lr_status store_kot_records_of_day(lr_store *base, int64_t employee_id, const char *work_day,
                                   store_kot_record_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_RECORDS_OF_DAY, err, SQ_INT(employee_id), SQ_TEXT(work_day));
    lr_kot_record r;
    int rc;
    while ((rc = sq_next(st, &record_row, &r)) == SQL_ROW && !cb(ctx, &r))
        ;
    return sq_end(s, st, rc, err, "reading KING OF TIME's record of a day");
}

lr_status store_kot_records_count(lr_store *base, int64_t company_id, const char *from,
                                  const char *to, int64_t *n, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st =
        stmt_with(s, V_RECORDS_COUNT, err, SQ_INT(company_id), SQ_TEXT(from), SQ_TEXT(to));
    int rc = sq_next(st, NULL, NULL);
    *n = rc == SQL_ROW ? sql_col_int64(st, 0) : 0;
    return sq_end_one(s, st, rc, err, "counting KING OF TIME's record", "no count");
}

lr_status store_div_sides(lr_store *base, int64_t company_id, const char *from, const char *to,
                          int breaks, store_div_side_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_SIDES, err, SQ_INT(company_id), SQ_TEXT(from), SQ_TEXT(to),
                             SQ_INT(breaks ? PUNCH_BREAK_END : PUNCH_CLOCK_OUT));
    lr_div_side r;
    int rc;
    while ((rc = sq_next(st, &side_row, &r)) == SQL_ROW && !cb(ctx, &r))
        ;
    return sq_end(s, st, rc, err, "reading both sides of the comparison");
}

lr_status store_divergences_list(lr_store *base, int64_t company_id, const char *from,
                                 const char *to, store_divergence_cb cb, void *ctx,
                                 lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_LIST, err, SQ_INT(company_id), SQ_TEXT(from), SQ_TEXT(to));
    lr_divergence d;
    int rc;
    while ((rc = sq_next(st, &divergence_row, &d)) == SQL_ROW && !cb(ctx, &d))
        ;
    return sq_end(s, st, rc, err, "listing divergent days");
}

lr_status store_divergence_get(lr_store *base, int64_t employee_id, const char *work_day,
                               lr_divergence *out, lr_error *err)
{
    sql_store *s = S(base);
    return sq_one(s, stmt_with(s, V_GET, err, SQ_INT(employee_id), SQ_TEXT(work_day)),
                  &divergence_row, out, err, "reading a divergent day",
                  "%s did not diverge", work_day);
}

lr_status store_divergence_put(lr_store *base, int64_t company_id, const lr_divergence *d,
                               int64_t now, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_PUT, err, SQ_INT(company_id), SQ_INT(d->employee_id),
                            SQ_TEXT(d->work_day), SQ_TEXT(d->kind), SQ_INT(d->has_start_diff),
                            SQ_INT(d->start_diff_min), SQ_INT(d->has_end_diff),
                            SQ_INT(d->end_diff_min), SQ_INT(now)),
                  err, "keeping a divergent day"), err);
}

lr_status store_divergence_close(lr_store *base, int64_t company_id, int64_t employee_id, const char *work_day,
                                 int64_t now, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_CLOSE, err, SQ_INT(employee_id), SQ_TEXT(work_day),
                            SQ_INT(now)),
                  err, "closing a divergent day"), err);
}

lr_status store_divergence_confirm(lr_store *base, int64_t company_id, const lr_divergence *d, int64_t now,
                                   lr_error *err)
{
    sql_store *s = S(base);
    lr_status st = sq_run(s,
                          stmt_with(s, V_CONFIRM, err, SQ_INT(d->employee_id),
                                    SQ_TEXT(d->work_day), SQ_TEXT(d->reason), SQ_TEXT(d->note),
                                    SQ_TEXT(d->result), SQ_TEXT(d->confirmed_by), SQ_INT(d->confirmed_at),
                                    SQ_INT(now)),
                          err, "confirming a divergent day");
    if (st == LR_OK && sq_changes(s) == 0)
        return lr_fail(err, LR_ENOTFOUND, "%s of employee %s has no open divergence",
                       d->work_day, d->employee_code);
    return sq_wrote(s, company_id, st, err);
}

lr_status store_div_reasons_list(lr_store *base, int64_t company_id, store_div_reason_cb cb,
                                 void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_REASONS, err, SQ_INT(company_id));
    lr_div_reason r;
    int rc;
    while ((rc = sq_next(st, &reason_row, &r)) == SQL_ROW && !cb(ctx, &r))
        ;
    return sq_end(s, st, rc, err, "listing divergence reasons");
}

lr_status store_div_reason_put(lr_store *base, int64_t company_id, const lr_div_reason *r,
                               lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_REASON_PUT, err, SQ_INT(company_id), SQ_TEXT(r->code),
                            SQ_TEXT(r->label_ja), SQ_TEXT(r->label_en), SQ_INT(r->position)),
                  err, "keeping a divergence reason"), err);
}

lr_status store_div_reason_delete(lr_store *base, int64_t company_id, const char *code,
                                  lr_error *err)
{
    sql_store *s = S(base);
    lr_status st = sq_run(s, stmt_with(s, V_REASON_DELETE, err, SQ_INT(company_id), SQ_TEXT(code)),
                          err, "removing a divergence reason");
    if (st == LR_OK && sq_changes(s) == 0)
        return lr_fail(err, LR_ENOTFOUND, "no divergence reason '%s'", code);
    return sq_wrote(s, company_id, st, err);
}

lr_status store_company_divergence_set(lr_store *base, int64_t company_id, const char *mode,
                                       int start_min, int end_min, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_COMPANY_SET, err, SQ_INT(company_id), SQ_TEXT(mode),
                            SQ_INT(start_min), SQ_INT(end_min)),
                  err, "saving the divergence settings"), err);
}

lr_status store_division_limits_set(lr_store *base, int64_t company_id, int64_t division_id, int start_min,
                                    int end_min, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_DIVISION_SET, err, SQ_INT(division_id), SQ_INT(start_min),
                            SQ_INT(end_min)),
                  err, "saving the division's divergence limits"), err);
}

lr_status store_company_div_fetch_result(lr_store *base, int64_t company_id, int64_t at,
                                         const char *result, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_FETCH_RESULT, err, SQ_INT(company_id), SQ_INT(at),
                            SQ_TEXT(result)),
                  err, "recording the read of KING OF TIME's record"), err);
}

lr_status store_divergences_open(lr_store *base, int64_t company_id, store_divergence_cb cb,
                                 void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, V_OPEN_ALL, err, SQ_INT(company_id));
    lr_divergence d;
    int rc;
    while ((rc = sq_next(st, &divergence_row, &d)) == SQL_ROW && !cb(ctx, &d))
        ;
    return sq_end(s, st, rc, err, "listing open divergent days");
}

lr_status store_divergence_notified(lr_store *base, int64_t company_id, int64_t employee_id, const char *work_day,
                                    int64_t at, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_NOTIFIED, err, SQ_INT(employee_id), SQ_TEXT(work_day),
                            SQ_INT(at)),
                  err, "marking a divergent day as mailed"), err);
}

lr_status store_company_div_mail_set(lr_store *base, int64_t company_id, const char *to,
                                     int open_days, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_MAIL_SET, err, SQ_INT(company_id), SQ_TEXT(to),
                            SQ_INT(open_days)),
                  err, "saving the divergence mail's addresses"), err);
}

lr_status store_company_div_mail_claim(lr_store *base, int64_t company_id, const char *day,
                                       lr_error *err)
{
    sql_store *s = S(base);
    lr_status st = sq_run(s, stmt_with(s, V_MAIL_CLAIM, err, SQ_INT(company_id), SQ_TEXT(day)),
                          err, "claiming the day's divergence mail");
    if (st == LR_OK && sq_changes(s) == 0)
        return lr_fail(err, LR_EBUSY, "the divergence summary of %s was sent already", day);
    return sq_wrote(s, company_id, st, err);
}

lr_status store_company_div_mail_release(lr_store *base, int64_t company_id, const char *day,
                                         const char *before, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, V_MAIL_RELEASE, err, SQ_INT(company_id), SQ_TEXT(day),
                            SQ_TEXT(before)),
                  err, "giving the day's divergence mail back"), err);
}

static const sq_row smtp_row =
    SQ_ROW(lr_mail_settings, SQ_STR(lr_mail_settings, smtp_url),
           SQ_STR(lr_mail_settings, mail_from), SQ_STR(lr_mail_settings, smtp_user),
           SQ_STR(lr_mail_settings, password_sealed), SQ_STR(lr_mail_settings, ca_file));

lr_status store_mail_settings_get(lr_store *base, lr_mail_settings *out, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st = sq_one(s, stmt(s, V_SMTP_GET, err), &smtp_row, out, err,
                          "reading the mail settings", "no mail settings");
    if (st == LR_ENOTFOUND)
        memset(out, 0, sizeof *out);
    return st == LR_ENOTFOUND ? LR_OK : st;
}

lr_status store_mail_settings_put(lr_store *base, const lr_mail_settings *m, lr_error *err)
{
    sql_store *s = S(base);
    return sq_run(s,
                  stmt_with(s, V_SMTP_PUT, err, SQ_TEXT(m->smtp_url), SQ_TEXT(m->mail_from),
                            SQ_TEXT(m->smtp_user), SQ_TEXT(m->password_sealed),
                            SQ_TEXT(m->ca_file)),
                  err, "saving the mail settings");
}
