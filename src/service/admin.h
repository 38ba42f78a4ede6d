/*
 * admin — the administrator's operations on companies, divisions, employees
 * and links, shared by the CLI and the admin UI. Each validates its input
 * with a message that names the field, runs in one transaction, and writes
 * an audit_log row. Setting a link re-derives the days of the events it
 * (un)claims, so events that arrived before the link are punched. One
 * file per thing administered: admin_companies.c, admin_divisions.c,
 * admin_people.c (employees and links); admin.c holds what they share.
 */
#ifndef LR_SERVICE_ADMIN_H
#define LR_SERVICE_ADMIN_H

#include "service/rederive.h"
#include "store/store.h"
#include "util/token.h"

typedef struct company_changes {
    const char *name; /* NULL: unchanged */
    const char *tz;
    int breaks; /* -1 unchanged, 0 off, 1 on */
    const char *lanscope_collect; /* "HH:MM": LanScope's collection start */
    const char *idle_break;       /* minutes (1-240): a Windows idle span that is a break */
} company_changes;

lr_status admin_check_text(const char *field, const char *v, size_t max, lr_error *err);
lr_status admin_parse_onoff(const char *field, const char *v, int *out, lr_error *err);

/* Ends the caller's transaction: when st is LR_OK, writes the audit row
 * and commits; otherwise (or if that fails) rolls back. Returns the final
 * status. */
lr_status admin_commit_audited(lr_store *s, lr_status st, int64_t company_id, const char *actor,
                               const char *action, const char *detail, lr_error *err);

/* Changes company `code` in one audited transaction: reads it, lets edit
 * change the struct (and make writes of its own, such as a sealed secret,
 * in the same transaction), then writes it back. On any failure nothing is
 * kept. What the company settings services (general, KoT, MaLion) share. */
typedef lr_status (*admin_company_edit_fn)(lr_store *s, lr_company *c, void *ctx, lr_error *err);
lr_status admin_company_edit(lr_store *s, const char *code, admin_company_edit_fn edit, void *ctx,
                             const char *actor, const char *action, const char *detail,
                             lr_error *err);

/* Queues every failed punch of company `code` again (failed -> pending,
 * due now); *n gets how many. Audited as outbox.retry. */
lr_status admin_outbox_retry(lr_store *s, const char *code, const char *actor, size_t *n,
                             lr_error *err);

/* Adds a company; writes its new ingest token (shown once) into token. */
lr_status admin_company_add(lr_store *s, const char *code, const char *name, const char *tz,
                            int breaks, const char *actor, char token[LR_TOKEN_LEN + 1],
                            lr_error *err);
lr_status admin_company_set(lr_store *s, const char *code, const company_changes *ch,
                            const char *actor, lr_error *err);
/* Creates or changes division div. name NULL keeps the stored name (the
 * division must exist then). Days already derived are not re-derived: see
 * admin_division_day_change for that. */
lr_status admin_division_set(lr_store *s, const char *code, const char *div, const char *name,
                             const char *day_change, const char *actor, lr_error *err);

/* What changing a division's 日付変更時間 did, or would do. */
typedef struct division_change {
    int before_min, after_min; /* the day change, minutes after midnight */
    size_t employees;          /* of the division (not deleted), re-derived */
    rederive_stats punches;    /* punches added, replaced, retracted */
} division_change;

/* Moves division div's 日付変更時間 to day_change ("HH:MM") and, when from
 * ("YYYY-MM-DD") is given, re-derives the work days of its employees from
 * that day to today under the new boundary: the punches that change are
 * queued to KING OF TIME as corrections. With dry_run nothing is kept and
 * *res says what would change (the preview). Audited as division.day_change. */
lr_status admin_division_day_change(lr_store *s, const char *code, const char *div,
                                    const char *day_change, const char *from, int dry_run,
                                    const char *actor, division_change *res, lr_error *err);
lr_status admin_employee_add(lr_store *s, const char *code, const char *emp, const char *last,
                             const char *first, const char *div, const char *actor,
                             lr_error *err);
lr_status admin_link_set(lr_store *s, const char *code, const char *kind, const char *emp,
                         const char *account, const char *actor, rederive_stats *stats,
                         lr_error *err);
/* Removes employee emp's link of kind (its account goes to account[]),
 * re-deriving the days its events made; audited. LR_ENOTFOUND when the
 * employee has no link of that kind. */
lr_status admin_link_delete(lr_store *s, const char *code, const char *kind, const char *emp,
                            const char *actor, char account[LR_ACCOUNT_MAX + 1],
                            rederive_stats *stats, lr_error *err);

#endif
