/*
 * div_mail_words — 乖離's daily summary as a mail (see div_mail_words.h).
 */
#include "reply/div_mail_words.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tz.h"
#include "words/i18n.h"

#define CRLF "\r\n"
#define WORD_BYTES 45 /* UTF-8 bytes per encoded word: 60 base64 characters */

/* Appends s base64-encoded (the standard alphabet, with padding). */
static lr_status put_base64(lr_buf *out, const unsigned char *s, size_t n)
{
    size_t need = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *b = malloc(need);
    lr_status st;
    if (!b)
        return LR_ENOMEM;
    sodium_bin2base64(b, need, s, n, sodium_base64_VARIANT_ORIGINAL);
    st = buf_puts(out, b);
    free(b);
    return st;
}

/* The length of the UTF-8 character that starts with c. */
static size_t utf8_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* "Subject: " and s as encoded words, each whole characters, folded. */
static lr_status put_subject(lr_buf *out, const char *s)
{
    size_t n = strlen(s), i = 0;
    lr_status st = buf_puts(out, "Subject:");
    while (st == LR_OK && i < n) {
        size_t k = 0;
        while (i + k < n && k + utf8_len((unsigned char)s[i + k]) <= WORD_BYTES)
            k += utf8_len((unsigned char)s[i + k]);
        if (k == 0)
            k = 1;
        if (i + k > n)
            k = n - i;
        st = buf_puts(out, i ? CRLF " =?UTF-8?B?" : " =?UTF-8?B?");
        if (st == LR_OK)
            st = put_base64(out, (const unsigned char *)s + i, k);
        if (st == LR_OK)
            st = buf_puts(out, "?=");
        i += k;
    }
    return st == LR_OK ? buf_puts(out, CRLF) : st;
}

/* "Thu, 03 Dec 2026 12:00:00 +0900" of utc in zone. */
static void mail_date(const char *zone, int64_t utc, char out[40])
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char iso[32];
    int y, mo, d, h, mi, sec, oh, om;
    char sign;
    int64_t off = tz_offset_at(zone, utc), day = (utc + off) / 86400;
    tz_format_iso(zone, utc, iso); /* 2026-12-03T12:00:00+09:00 */
    if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d%c%2d:%2d", &y, &mo, &d, &h, &mi, &sec, &sign, &oh,
               &om) != 9) {
        sign = '+', oh = om = 0;
        if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6)
            y = 1970, mo = d = 1, h = mi = sec = 0;
    }
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d %c%02d%02d",
             days[((day % 7) + 7) % 7], d, months[(mo - 1) % 12], y, h, mi, sec,
             sign == '-' ? '-' : '+', oh, om);
}

/* One day, as a line of lang. */
static lr_status put_line(lr_buf *b, lr_lang lang, const div_mail_line *l)
{
    char key[64], sd[24] = "–", ed[24] = "–";
    const char *min = i18n_text(lang, "div.minutes");
    snprintf(key, sizeof key, "div.kind.%s", div_kind_name(l->kind));
    if (l->has_start_diff)
        snprintf(sd, sizeof sd, "%+d%s", l->start_diff_min, min);
    if (l->has_end_diff)
        snprintf(ed, sizeof ed, "%+d%s", l->end_diff_min, min);
    return buf_printf(b, "  %s %s %s  %s  %s  %s %s / %s %s" CRLF, l->employee, l->last_name,
                      l->first_name, l->date, i18n_text(lang, key) ? i18n_text(lang, key) : "",
                      i18n_text(lang, "div.start_diff"), sd, i18n_text(lang, "div.end_diff"), ed);
}

static lr_status put_section(lr_buf *b, lr_lang lang, const char *title_key,
                             const div_mail_line *v, size_t n, size_t more, int open_days)
{
    char title[300], days[16], count[24], more_words[200];
    const char *names[] = {"count", "days"};
    const char *values[] = {count, days};
    lr_status st;
    snprintf(count, sizeof count, "%zu", n + more);
    snprintf(days, sizeof days, "%d", open_days);
    i18n_fill(lang, title_key, title, sizeof title, names, values, 2);
    st = buf_printf(b, "%s" CRLF, title);
    for (size_t i = 0; st == LR_OK && i < n; i++)
        st = put_line(b, lang, &v[i]);
    if (st == LR_OK && more) {
        snprintf(count, sizeof count, "%zu", more);
        i18n_fill(lang, "mail.div.more", more_words, sizeof more_words, names, values, 1);
        st = buf_printf(b, "  %s" CRLF, more_words);
    }
    return st == LR_OK ? buf_puts(b, CRLF) : st;
}

/* 36協定: who passes a limit this month, and by how much. */
static lr_status put_overtime(lr_buf *b, lr_lang lang, const div_mail_facts *f)
{
    char title[300], count[24], limit[24], avg[24];
    const char *names[] = {"count", "month", "avg"};
    const char *values[] = {count, limit, avg};
    const char *h = i18n_text(lang, "mail.div.hours");
    lr_status st;
    snprintf(count, sizeof count, "%zu", f->novertime);
    snprintf(limit, sizeof limit, "%d", f->c->ot_month_min / 60);
    snprintf(avg, sizeof avg, "%d", f->c->ot_avg_min / 60);
    i18n_fill(lang, "mail.div.overtime", title, sizeof title, names, values, 3);
    st = buf_printf(b, "%s" CRLF, title);
    for (size_t i = 0; st == LR_OK && i < f->novertime; i++) {
        const lr_ot_warning *w = &f->overtime[i];
        st = buf_printf(b, "  %s %s %s  PC %.1f%s (%s %.1f%s) / %s %.1f%s / %s %.1f%s" CRLF,
                        w->employee_code, w->last_name, w->first_name, w->pc_over_min / 60.0, h,
                        i18n_text(lang, "mail.div.projected"), w->projected_min / 60.0, h,
                        i18n_text(lang, "div.recorded"), w->rec_over_min / 60.0, h,
                        i18n_text(lang, "mail.div.average"), w->avg_min / 60.0, h);
    }
    return st == LR_OK ? buf_puts(b, CRLF) : st;
}

static lr_status put_body(lr_buf *b, lr_lang lang, const div_mail_facts *f)
{
    char head[400];
    const char *names[] = {"company", "code", "day"};
    const char *values[] = {f->c->name, f->c->code, f->day};
    lr_status st;
    i18n_fill(lang, "mail.div.head", head, sizeof head, names, values, 3);
    st = buf_printf(b, "%s" CRLF CRLF, head);
    if (st == LR_OK && (f->nfresh || f->more_fresh))
        st = put_section(b, lang, "mail.div.fresh", f->fresh, f->nfresh, f->more_fresh,
                         f->open_days);
    if (st == LR_OK && (f->nold || f->more_old))
        st = put_section(b, lang, "mail.div.old", f->old, f->nold, f->more_old, f->open_days);
    if (st == LR_OK && f->novertime)
        st = put_overtime(b, lang, f);
    if (st == LR_OK)
        st = buf_printf(b, "%s" CRLF, i18n_text(lang, "mail.div.todo"));
    return st;
}

lr_status div_mail_compose(void *ctx, const div_mail_facts *f, lr_buf *out, lr_error *err)
{
    char subject[400], date[40], fresh[24], old[24];
    const char *names[] = {"code", "day", "fresh", "old"};
    const char *values[] = {f->c->code, f->day, fresh, old};
    const char *at = strchr(f->from, '@');
    lr_buf body;
    lr_status st;
    (void)ctx;
    snprintf(fresh, sizeof fresh, "%zu", f->nfresh + f->more_fresh);
    snprintf(old, sizeof old, "%zu", f->nold + f->more_old);
    i18n_fill(LANG_JA, "mail.div.subject", subject, sizeof subject, names, values, 4);
    mail_date(f->c->tz, f->now, date);
    st = buf_printf(out, "From: loginrec <%s>" CRLF "To: ", f->from);
    for (size_t i = 0; st == LR_OK && i < f->nto; i++)
        st = buf_printf(out, "%s%s", i ? ", " : "", f->to[i]);
    if (st == LR_OK)
        st = buf_puts(out, CRLF);
    if (st == LR_OK)
        st = put_subject(out, subject);
    if (st == LR_OK)
        st = buf_printf(out,
                        "Date: %s" CRLF "Message-ID: <divergence.%s.%s.%lld@%s>" CRLF
                        "MIME-Version: 1.0" CRLF "Content-Type: text/plain; charset=UTF-8" CRLF
                        "Content-Transfer-Encoding: base64" CRLF CRLF,
                        date, f->c->code, f->day, (long long)f->now,
                        at && at[1] ? at + 1 : "loginrec.invalid");
    if (st != LR_OK)
        return lr_fail(err, st, "the summary mail is too large");
    buf_init(&body, out->max);
    st = put_body(&body, LANG_JA, f);
    if (st == LR_OK)
        st = buf_puts(&body, "----" CRLF CRLF);
    if (st == LR_OK)
        st = put_body(&body, LANG_EN, f);
    /* the body in base64, 76 characters a line */
    if (st == LR_OK) {
        lr_buf b64;
        buf_init(&b64, out->max);
        st = put_base64(&b64, (const unsigned char *)(body.data ? body.data : ""), body.len);
        for (size_t i = 0; st == LR_OK && i < b64.len; i += 76) {
            size_t k = b64.len - i < 76 ? b64.len - i : 76;
            st = buf_append(out, b64.data + i, k);
            if (st == LR_OK)
                st = buf_puts(out, CRLF);
        }
        buf_free(&b64);
    }
    buf_free(&body);
    if (st != LR_OK)
        return lr_fail(err, st, "the summary mail is too large");
    return LR_OK;
}
