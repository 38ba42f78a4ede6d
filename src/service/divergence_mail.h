/*
 * divergence_mail — 乖離's daily summary mail (issue 23): to the addresses a
 * company configured, the divergent days found since the last summary and
 * those still open after its N days, through the one SMTP server
 * (net/smtp: STARTTLS when offered; the password sealed like every other
 * secret). At most one summary a company and day, whatever the number of
 * instances or restarts: the day is claimed first (compare and set on the
 * company) and given back only when the mail did not go; the days a mail
 * named are marked, so the next one lists only what is new.
 *
 * The words are not decided here: the caller hands a composer (reply/
 * div_mail_words.c, in both languages) that writes the whole message from
 * the facts.
 */
#ifndef LR_SERVICE_DIVERGENCE_MAIL_H
#define LR_SERVICE_DIVERGENCE_MAIL_H

#include "core/divergence.h"
#include "store/secrets.h"
#include "store/store.h"
#include "util/buf.h"

#define DIV_MAIL_TO_MAX 10

/* One day in the summary. */
typedef struct div_mail_line {
    char employee[64], last_name[128], first_name[128];
    char date[11];
    div_kind kind;
    int has_start_diff, has_end_diff;
    int start_diff_min, end_diff_min;
    int64_t first_seen_at;
} div_mail_line;

/* What a summary says. */
typedef struct div_mail_facts {
    const lr_company *c;
    const char *day; /* the company-local day it is for */
    const div_mail_line *fresh; /* found since the last summary */
    size_t nfresh;
    const div_mail_line *old; /* open for open_days or more */
    size_t nold;
    size_t more_fresh, more_old; /* beyond the lines listed: counted only */
    const lr_ot_warning *overtime; /* 36協定: this month's warnings, as the nightly job kept them */
    size_t novertime;
    int open_days;
    const char *from;
    const char *const *to;
    size_t nto;
    int64_t now;
} div_mail_facts;

/* Writes the whole message (headers and body, CRLF) into out. */
typedef lr_status (*div_mail_compose_fn)(void *ctx, const div_mail_facts *f, lr_buf *out,
                                         lr_error *err);

/* How summaries are sent: the composer, and the server's URL and sender
 * when they override the stored ones (NULL: loginrec mail set's). */
typedef struct div_mail_env {
    div_mail_compose_fn compose;
    void *ctx;
    const char *smtp_url, *from;
    long timeout_ms;
} div_mail_env;

typedef struct div_mail_stats {
    size_t fresh, old, overtime;
    int sent; /* 1 when a mail went */
} div_mail_stats;

/* Sends company code's summary of today (its zone) if it has addresses
 * and none went today. LR_EBUSY when one went (or is going) already;
 * LR_ENOTFOUND when no SMTP server is set; LR_EIO when the server did
 * not take it (the day is given back, to be tried again). A day with
 * nothing to say sends nothing. Audited as divergence.mail. */
lr_status div_mail_run(lr_store *s, const char *code, const lr_secrets *sec,
                       const div_mail_env *env, div_mail_stats *stats, lr_error *err);

/* The company's addresses (comma-separated, at most DIV_MAIL_TO_MAX; ""
 * sends none) and after how many days (1-365) an open day is listed
 * again. Audited. */
lr_status div_mail_recipients_set(lr_store *s, const char *code, const char *to, int open_days,
                                  const char *actor, lr_error *err);

/* The SMTP server (url smtp:// or smtps://, the sender, the credentials
 * and the CA file its certificate is checked against: NULL keeps what is
 * stored, "" removes). Audited (never the password). */
lr_status div_mail_server_set(lr_store *s, const lr_secrets *sec, const char *url,
                              const char *from, const char *user, const char *password,
                              const char *ca_file, const char *actor, lr_error *err);

/* Splits a comma-separated list into to[0..*n) (pointers into buf, which
 * gets a copy); LR_EINVAL naming an entry that is not an address. */
lr_status div_mail_split(const char *list, char *buf, size_t bufsz, const char **to, size_t *n,
                         lr_error *err);

#endif
