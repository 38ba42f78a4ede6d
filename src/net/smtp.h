/*
 * smtp — one mail handed to an SMTP server (libcurl): smtp:// with
 * STARTTLS when the server offers it (and required for smtps:// or when
 * asked), the credentials when given. The message is whole (headers and
 * body, CRLF line ends) as the caller composed it.
 */
#ifndef LR_NET_SMTP_H
#define LR_NET_SMTP_H

#include <stddef.h>

#include "util/status.h"

typedef struct smtp_server {
    const char *url;      /* smtp://HOST:PORT or smtps://HOST:PORT */
    const char *user;     /* "" or NULL: no authentication */
    const char *password;
    int require_tls;      /* refuse to send without STARTTLS */
    long timeout_ms;
} smtp_server;

/* Checks a URL: smtp:// or smtps://, with a host. */
lr_status smtp_check_url(const char *url, lr_error *err);

/* Sends message[0..len) from `from` to to[0..nto). LR_EINVAL for a bad
 * URL or address, LR_EIO when the server refused or could not be reached
 * (err says which, with the server's reply). */
lr_status smtp_send(const smtp_server *srv, const char *from, const char *const *to, size_t nto,
                    const char *message, size_t len, lr_error *err);

#endif
