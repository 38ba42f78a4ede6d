/*
 * div_mail_words — 乖離's daily summary as a mail (issue 23): the whole
 * message from divergence_mail's facts, in Japanese then English (a
 * company has no one language; its administrators each have theirs).
 * UTF-8 throughout: the Subject as RFC 2047 encoded words, the body
 * text/plain; charset=UTF-8 in base64, lines of at most 76 characters,
 * CRLF. Presentation only: what to say is decided by the service.
 */
#ifndef LR_REPLY_DIV_MAIL_WORDS_H
#define LR_REPLY_DIV_MAIL_WORDS_H

#include "service/divergence_mail.h"

/* A div_mail_compose_fn (ctx unused). */
lr_status div_mail_compose(void *ctx, const div_mail_facts *f, lr_buf *out, lr_error *err);

#endif
