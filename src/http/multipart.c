/*
 * multipart — file uploads through MHD's post processor (see multipart.h).
 */
#include "http/multipart.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct reading {
    http_upload *u;
    int done;      /* a second file began: only the first counts */
    int too_big;
    char key[64];  /* the text field being read */
    lr_buf value;
} reading;

static void end_field(reading *r)
{
    if (r->key[0] && form_add(&r->u->fields, r->key, buf_str(&r->value)) != LR_OK)
        r->too_big = 1;
    r->key[0] = '\0';
    buf_reset(&r->value);
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    reading *r = cls;
    http_upload *u = r->u;
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    if (!filename) { /* a text field, perhaps in several pieces */
        if (off == 0 || strcmp(r->key, key) != 0) {
            end_field(r);
            snprintf(r->key, sizeof r->key, "%s", key);
        }
        if (size && buf_append(&r->value, data, size) != LR_OK) {
            r->too_big = 1;
            return MHD_NO;
        }
        return MHD_YES;
    }
    end_field(r);
    if (r->done)
        return MHD_YES;
    if (!u->found) {
        u->found = 1;
        snprintf(u->name, sizeof u->name, "%s", filename);
    } else if (off == 0) {
        r->done = 1; /* a second file begins */
        return MHD_YES;
    }
    if (size && buf_append(&u->data, data, size) != LR_OK) {
        r->too_big = 1;
        return MHD_NO;
    }
    return MHD_YES;
}

lr_status http_multipart_read(http_request *rq, size_t max, http_upload *u, lr_error *err)
{
    const char *ct = http_header(rq, "Content-Type");
    struct MHD_PostProcessor *pp;
    reading r = {u, 0, 0, "", {0}};
    enum MHD_Result ok;

    memset(u, 0, sizeof *u);
    buf_init(&u->data, max);
    buf_init(&r.value, MULTIPART_FIELD_MAX);
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0)
        return lr_fail(err, LR_EINVAL, "expected a multipart/form-data body");
    if (!(pp = MHD_create_post_processor(rq->conn, 64 * 1024, on_part, &r)))
        return lr_fail(err, LR_EINVAL, "the multipart body has no boundary");
    ok = MHD_post_process(pp, rq->body.data ? rq->body.data : "", rq->body.len);
    MHD_destroy_post_processor(pp);
    end_field(&r);
    buf_free(&r.value);
    if (r.too_big)
        return lr_fail(err, LR_ETOOBIG, "the file is larger than %zu bytes", max);
    if (ok != MHD_YES)
        return lr_fail(err, LR_EINVAL, "the multipart body cannot be read");
    if (!u->found)
        return lr_fail(err, LR_ENOTFOUND, "the form has no file (a part with a filename)");
    return LR_OK;
}

void http_upload_free(http_upload *u)
{
    buf_free(&u->data);
    form_free(&u->fields);
}
