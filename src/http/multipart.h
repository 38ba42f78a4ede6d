/*
 * multipart — a multipart/form-data body (a browser's file upload, or a
 * script's curl -F) read with libmicrohttpd's post processor: the first
 * file part, and the small text fields beside it (the form's CSRF token).
 */
#ifndef LR_HTTP_MULTIPART_H
#define LR_HTTP_MULTIPART_H

#include "http/server.h"
#include "util/form.h"

#define MULTIPART_FIELD_MAX 1024 /* bytes of a text field */

typedef struct http_upload {
    lr_buf data;    /* the file's bytes */
    char name[200]; /* its file name */
    int found;
    form fields;    /* the text parts */
} http_upload;

/* Reads rq's multipart body; the file may be up to max bytes. LR_EINVAL: not
 * multipart or unreadable; LR_ENOTFOUND: no file part; LR_ETOOBIG. Free u
 * with http_upload_free in every case. */
lr_status http_multipart_read(http_request *rq, size_t max, http_upload *u, lr_error *err);
void http_upload_free(http_upload *u);

#endif
