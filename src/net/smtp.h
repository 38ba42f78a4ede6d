/*
 * smtp — one mail handed to an SMTP server (libcurl): smtp:// with
 * STARTTLS when the server offers it, required whenever credentials are
 * given (a password never goes in clear) or asked for; smtps:// is TLS
 * from the start. The certificate is checked (against ca_file, or the
 * system's CAs). The message is whole (headers and body, CRLF line ends)
 * as the caller composed it.
 */
#ifndef LR_NET_SMTP_H
#define LR_NET_SMTP_H

#include <stddef.h>

#include "util/status.h"

typedef struct smtp_server {
    const char *url;      /* smtp://HOST:PORT or smtps://HOST:PORT */
    const char *user;     /* "" or NULL: no authentication */
    const char *password;
    int require_tls;      /* refuse to send without STARTTLS (always with a user) */
    long timeout_ms;
    const char *ca_file;  /* "" or NULL: the system's CA certificates */
} smtp_server;

/* Checks a URL: smtp:// or smtps://, with a host and no user or
 * password in it (they are set apart, the password sealed). */
lr_status smtp_check_url(const char *url, lr_error *err);

/* An address as an envelope takes it: one '@' with text either side, no
 * spaces, brackets, quotes, separators or line ends. */
int smtp_address_ok(const char *a);

/* Sends message[0..len) from `from` to to[0..nto). LR_EINVAL for a bad
 * URL or address, LR_EIO when the server refused or could not be reached
 * (err says which, with the server's reply). */
lr_status smtp_send(const smtp_server *srv, const char *from, const char *const *to, size_t nto,
                    const char *message, size_t len, lr_error *err);

#endif
