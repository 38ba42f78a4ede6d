/*
 * store_sql_overtime — 36協定's early warnings as the nightly read left
 * them, and a company's limits (store_divergence.h), over SQL.
 */
#include <stdio.h>

#include "store/sql_internal.h"

/* The statements: a slot and its text each (SQ_STATEMENTS). */
#define STATEMENTS(X)                                                                              \
    X(T_CLEAR, "DELETE FROM overtime_warnings WHERE company_id = ?1 AND month = ?2")               \
    X(T_INSERT,                                                                                    \
      "INSERT INTO overtime_warnings (company_id, employee_id, month, pc_work_min, pc_over_min, "  \
      "projected_min, avg_min, rec_work_min, rec_over_min, warning, computed_at) VALUES (?1, "     \
      "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")                                                 \
    X(T_LIST,                                                                                      \
      "SELECT w.employee_id, e.code, e.last_name, e.first_name, w.month, w.pc_work_min, "          \
      "w.pc_over_min, w.projected_min, w.avg_min, w.rec_work_min, w.rec_over_min, w.warning, "     \
      "w.computed_at FROM overtime_warnings w JOIN employees e ON e.id = w.employee_id WHERE "     \
      "w.company_id = ?1 AND w.month = ?2 ORDER BY e.code")                                        \
    X(T_LIMITS, "UPDATE companies SET ot_month_min = ?2, ot_avg_min = ?3 WHERE id = ?1")
SQ_STATEMENTS(SQ_OVERTIME_BASE, SQ_PURGE_BASE);

static const sq_row warning_row = SQ_ROW(
    lr_ot_warning, SQ_NUM(lr_ot_warning, employee_id), SQ_STR(lr_ot_warning, employee_code),
    SQ_STR(lr_ot_warning, last_name), SQ_STR(lr_ot_warning, first_name),
    SQ_STR(lr_ot_warning, month), SQ_NUM(lr_ot_warning, pc_work_min),
    SQ_NUM(lr_ot_warning, pc_over_min), SQ_NUM(lr_ot_warning, projected_min),
    SQ_NUM(lr_ot_warning, avg_min), SQ_NUM(lr_ot_warning, rec_work_min),
    SQ_NUM(lr_ot_warning, rec_over_min), SQ_NUM(lr_ot_warning, warning),
    SQ_NUM(lr_ot_warning, computed_at));

lr_status store_ot_warnings_replace(lr_store *base, int64_t company_id, const char *month,
                                    const lr_ot_warning *w, size_t n, lr_error *err)
{
    sql_store *s = S(base);
    lr_status st = sq_run(s, stmt_with(s, T_CLEAR, err, SQ_INT(company_id), SQ_TEXT(month)), err,
                          "clearing a month's overtime warnings");
    for (size_t i = 0; st == LR_OK && i < n; i++)
        st = sq_run(s,
                    stmt_with(s, T_INSERT, err, SQ_INT(company_id), SQ_INT(w[i].employee_id),
                              SQ_TEXT(month), SQ_INT(w[i].pc_work_min), SQ_INT(w[i].pc_over_min),
                              SQ_INT(w[i].projected_min), SQ_INT(w[i].avg_min),
                              SQ_INT(w[i].rec_work_min), SQ_INT(w[i].rec_over_min),
                              SQ_INT(w[i].warning), SQ_INT(w[i].computed_at)),
                    err, "keeping an overtime warning");
    return sq_wrote(s, company_id, st, err);
}

lr_status store_ot_warnings_list(lr_store *base, int64_t company_id, const char *month,
                                 store_ot_warning_cb cb, void *ctx, lr_error *err)
{
    sql_store *s = S(base);
    sql_stmt *st = stmt_with(s, T_LIST, err, SQ_INT(company_id), SQ_TEXT(month));
    lr_ot_warning w;
    int rc;
    while ((rc = sq_next(st, &warning_row, &w)) == SQL_ROW && !cb(ctx, &w))
        ;
    return sq_end(s, st, rc, err, "listing overtime warnings");
}

lr_status store_company_ot_limits_set(lr_store *base, int64_t company_id, int month_min,
                                      int avg_min, lr_error *err)
{
    sql_store *s = S(base);
    return sq_wrote(s, company_id, sq_run(s,
                  stmt_with(s, T_LIMITS, err, SQ_INT(company_id), SQ_INT(month_min),
                            SQ_INT(avg_min)),
                  err, "saving the overtime limits"), err);
}
