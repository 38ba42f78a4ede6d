/*
 * evtx — .evtx files through libevtx (see evtx.h). libevtx gives each
 * record's event id, time, provider and computer; the EventData values
 * come from the XML libevtx renders, read by name.
 */
#include "sources/evtx.h"

#include <libbfio.h>
#include <libevtx.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILETIME_UNIX_EPOCH 11644473600LL /* seconds from 1601 to 1970 */
#define EVTX_HEADER 4096
#define EVTX_CHUNK 65536

typedef struct reader {
    const char *what;
    win_record_fn fn;
    void *ctx;
    evtx_stats *stats;
    char *xml; /* one record's XML, grown as needed */
    size_t xmlcap;
    char *cut; /* its copy that event_data cuts while it reads, the same size */
} reader;

/* libevtx's message for e, freed. */
static void evtx_message(libevtx_error_t **e, char *out, size_t outsz)
{
    out[0] = '\0';
    if (*e && libevtx_error_sprint(*e, out, outsz) < 0)
        snprintf(out, outsz, "libevtx failed");
    libevtx_error_free(e);
    for (char *p = out; *p; p++) /* libevtx's backtrace is one line a frame */
        if (*p == '\n')
            *p = ' ';
}

/* The text between <tag> and </tag> of xml, or "" (no entities in it). */
static void xml_element(const char *xml, const char *tag, char *out, size_t outsz)
{
    char open[48], close[48];
    const char *a, *b;
    size_t n;
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    out[0] = '\0';
    if (!(a = strstr(xml, open)) || !(b = strstr(a, close)))
        return;
    a += strlen(open);
    n = (size_t)(b - a) < outsz - 1 ? (size_t)(b - a) : outsz - 1;
    memcpy(out, a, n);
    out[n] = '\0';
}

/* Decodes XML's five entities and numeric references in place; returns
 * the new length. */
static size_t xml_unescape(char *s, size_t len)
{
    static const struct {
        const char *name;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t k, used = 0;
        if (s[i] == '&') {
            for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
                size_t el = strlen(ents[k].name);
                if (i + el <= len && memcmp(s + i, ents[k].name, el) == 0) {
                    s[o++] = ents[k].c;
                    used = el;
                    break;
                }
            }
            if (!used && i + 3 < len && s[i + 1] == '#') {
                char *end;
                unsigned long cp = s[i + 2] == 'x' ? strtoul(s + i + 3, &end, 16)
                                                   : strtoul(s + i + 2, &end, 10);
                if (*end == ';' && cp > 0 && cp < 0x80) {
                    s[o++] = (char)cp;
                    used = (size_t)(end - (s + i)) + 1;
                }
            }
        }
        if (used) {
            i += used;
        } else {
            s[o++] = s[i++];
        }
    }
    return o;
}

/* Hands every <Data Name="N">V</Data> of the record's XML to the record;
 * a bad value fails with "EventData N: what was expected". */
static lr_status event_data(win_record *r, char *xml, lr_error *err)
{
    lr_error why;
    char *p = xml;
    while ((p = strstr(p, "<Data Name=\""))) {
        char *name = p + 12, *q = strchr(name, '"'), *v, *end;
        size_t len;
        if (!q)
            break;
        *q = '\0';
        if (q[1] == '/' && q[2] == '>') { /* <Data Name="X"/>: empty */
            if (win_record_set(r, name, "", 0, &why) != LR_OK)
                return lr_fail(err, LR_EINVAL, "EventData %s: %s", name, why.message);
            p = q + 3;
            continue;
        }
        if (q[1] != '>' || !(end = strstr(q + 2, "</Data>")))
            break;
        v = q + 2;
        len = xml_unescape(v, (size_t)(end - v));
        if (win_record_set(r, name, v, len, &why) != LR_OK)
            return lr_fail(err, LR_EINVAL, "EventData %s: %s", name, why.message);
        p = end + 7;
    }
    return LR_OK;
}

/* Refuses the file at a record: "record 5 (EventRecordID 1234): why". */
static lr_status bad(const reader *rd, lr_error *err, int index, uint64_t id, const char *why)
{
    return lr_fail_at(err, LR_EINVAL, rd->what, 0, 0, "record %d (EventRecordID %llu): %s",
                      index + 1, (unsigned long long)id, why);
}

/* One readable record: wanted ones go to the callback. */
static lr_status one_record(reader *rd, libevtx_record_t *rec, int index, lr_error *err)
{
    libevtx_error_t *e = NULL;
    win_record r;
    uint32_t event_id = 0;
    uint64_t id = 0, ft = 0;
    char provider[WIN_NAME_MAX] = "", host[LR_HOST_MAX + 1] = "", channel[WIN_NAME_MAX], why[256];
    size_t size = 0;
    const char *missing;

    if (libevtx_record_get_identifier(rec, &id, &e) != 1 ||
        libevtx_record_get_event_identifier(rec, &event_id, &e) != 1 ||
        libevtx_record_get_written_time(rec, &ft, &e) != 1 ||
        libevtx_record_get_utf8_xml_string_size(rec, &size, &e) != 1) {
        evtx_message(&e, why, sizeof why);
        return bad(rd, err, index, id, why);
    }
    /* a record without its provider's or computer's name still has XML */
    if (libevtx_record_get_utf8_source_name(rec, (uint8_t *)provider, sizeof provider, &e) != 1)
        libevtx_error_free(&e);
    if (libevtx_record_get_utf8_computer_name(rec, (uint8_t *)host, sizeof host, &e) != 1)
        libevtx_error_free(&e);
    if (size + 1 > rd->xmlcap) {
        char *x = realloc(rd->xml, size + 1), *c = x ? realloc(rd->cut, size + 1) : NULL;
        if (x)
            rd->xml = x;
        if (!x || !c)
            return lr_fail(err, LR_ENOMEM, "out of memory");
        rd->cut = c;
        rd->xmlcap = size + 1;
    }
    if (libevtx_record_get_utf8_xml_string(rec, (uint8_t *)rd->xml, size, &e) != 1) {
        evtx_message(&e, why, sizeof why);
        return bad(rd, err, index, id, why);
    }
    rd->xml[size] = '\0';
    rd->stats->w.records++;
    xml_element(rd->xml, "Channel", channel, sizeof channel);
    if (!win_channel_known(channel)) {
        snprintf(why, sizeof why, "the %s log: loginrec reads Security, System and ForwardedEvents",
                 channel[0] ? channel : "(unnamed)");
        return bad(rd, err, index, id, why);
    }
    win_record_init(&r);
    win_record_set_system(&r, channel, provider, host);
    r.e.event_id = (int)(event_id & 0xFFFF); /* the high bits are qualifiers */
    r.record_id = (int64_t)id;
    r.e.id = (int64_t)id;
    r.e.utc = (int64_t)(ft / 10000000u) - FILETIME_UNIX_EPOCH;
    if (!win_record_wanted(&r)) {
        rd->stats->w.ignored_kind++;
        return LR_OK;
    }
    if (!host[0])
        return bad(rd, err, index, id, "no Computer");
    memcpy(rd->cut, rd->xml, size + 1); /* event_data cuts the text it reads */
    if (event_data(&r, rd->cut, err) != LR_OK) {
        snprintf(why, sizeof why, "%s", err ? err->message : "a bad EventData value");
        return bad(rd, err, index, id, why);
    }
    if ((missing = win_record_missing(&r))) {
        snprintf(why, sizeof why, "EventData %s is missing", missing);
        return bad(rd, err, index, id, why);
    }
    if (r.seen & WR_USER && win_account_is_system(r.user) && r.e.event_id >= 4624) {
        rd->stats->w.ignored_system++;
        return LR_OK;
    }
    rd->stats->w.wanted++;
    return rd->fn(rd->ctx, &r, rd->xml, size > 0 ? size - 1 : 0, err);
}

/* Counts the recovered records libevtx can read: records of chunks that
 * failed their checks. A dirty file has recovered entries too, none of
 * them readable (its header lags behind its chunks). */
static size_t readable_fragments(libevtx_file_t *f)
{
    libevtx_error_t *e = NULL;
    int n = 0;
    size_t readable = 0;
    if (libevtx_file_get_number_of_recovered_records(f, &n, &e) != 1) {
        libevtx_error_free(&e);
        return 0;
    }
    for (int i = 0; i < n; i++) {
        libevtx_record_t *rec = NULL;
        if (libevtx_file_get_recovered_record_by_index(f, i, &rec, &e) == 1) {
            readable++;
            libevtx_record_free(&rec, &e);
        }
        libevtx_error_free(&e);
    }
    return readable;
}

/* The records of f libevtx cannot read. */
static size_t unreadable_records(libevtx_file_t *f, int nrec)
{
    libevtx_error_t *e = NULL;
    size_t bad = 0;
    for (int i = 0; i < nrec; i++) {
        libevtx_record_t *rec = NULL;
        if (libevtx_file_get_record_by_index(f, i, &rec, &e) != 1)
            bad++;
        libevtx_record_free(&rec, &e);
        libevtx_error_free(&e);
    }
    return bad;
}

static lr_status refuse_damaged(const char *what, const evtx_stats *stats, int nrec, lr_error *err)
{
    return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                      "damaged: libevtx marks it corrupted (%zu of %d records can be read; "
                      "%zu unreadable, %zu more only as fragments of damaged chunks). Nothing "
                      "was taken: copy the log again from the PC (Event Viewer, [Save All "
                      "Events As...]), or take the readable records with --partial "
                      "(?partial=1)",
                      (size_t)nrec - stats->unreadable, nrec, stats->unreadable, stats->fragments);
}

/* Whether the file is damaged (its unreadable records counted first when
 * count): libevtx marks it corrupted past a dirty header, or a record
 * cannot be read. Refused as damaged unless partial, every unreadable
 * record counted and none taken. */
static lr_status check_damage(libevtx_file_t *f, int nrec, int corrupted, int count, int partial,
                              const char *what, evtx_stats *stats, lr_error *err)
{
    if (count)
        stats->unreadable = unreadable_records(f, nrec);
    stats->damaged = stats->unreadable > 0 || (corrupted && (!stats->dirty || stats->fragments > 0));
    if (!stats->damaged || partial)
        return LR_OK;
    if (!count)
        stats->unreadable = unreadable_records(f, nrec);
    memset(&stats->w, 0, sizeof stats->w);
    return refuse_damaged(what, stats, nrec, err);
}

/* evtx_parse, and in one pass (evtx_parse_stream): the records reach fn
 * as they are read, and a record that cannot be read ends the file there
 * (unless partial), the rest only counted for the message. */
static lr_status parse(const char *what, const unsigned char *bytes, size_t n, int partial,
                       int one_pass, win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err)
{
    reader rd = {what, fn, ctx, stats, NULL, 0, NULL};
    libbfio_handle_t *io = NULL;
    libbfio_error_t *be = NULL;
    libevtx_file_t *f = NULL;
    libevtx_error_t *e = NULL;
    lr_status st = LR_OK;
    uint32_t flags = 0;
    int nrec = 0, corrupted;
    char why[512];

    memset(stats, 0, sizeof *stats);
    if (n < 8 || memcmp(bytes, "ElfFile", 8) != 0)
        return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                          "not an .evtx file (it does not start with ElfFile): export the log "
                          "from Event Viewer with [Save All Events As...] in .evtx");
    /* an .evtx file is a 4 KiB header and whole 64 KiB chunks; anything
     * else was cut off in copying (and libbfio must not read past it) */
    if (n < EVTX_HEADER || (n - EVTX_HEADER) % EVTX_CHUNK != 0)
        return lr_fail_at(err, LR_EINVAL, what, 0, 0,
                          "truncated: an .evtx file is a 4 KiB header and whole 64 KiB chunks, "
                          "and this one ends %zu bytes into a %s; copy it again",
                          n < EVTX_HEADER ? n : (n - EVTX_HEADER) % EVTX_CHUNK,
                          n < EVTX_HEADER ? "header" : "chunk");
    if (libbfio_memory_range_initialize(&io, &be) != 1 ||
        libbfio_memory_range_set(io, (uint8_t *)bytes, n, &be) != 1) {
        libbfio_error_free(&be);
        st = lr_fail(err, LR_ENOMEM, "out of memory");
        goto done;
    }
    if (libevtx_file_initialize(&f, &e) != 1 ||
        libevtx_file_open_file_io_handle(f, io, LIBEVTX_OPEN_READ, &e) != 1) {
        evtx_message(&e, why, sizeof why);
        st = lr_fail_at(err, LR_EINVAL, what, 0, 0, "libevtx cannot open it: %s", why);
        goto done;
    }
    if (libevtx_file_get_flags(f, &flags, &e) != 1)
        libevtx_error_free(&e);
    stats->dirty = (flags & LIBEVTX_FILE_FLAG_IS_DIRTY) != 0;
    if (libevtx_file_get_number_of_records(f, &nrec, &e) != 1) {
        evtx_message(&e, why, sizeof why);
        st = lr_fail_at(err, LR_EINVAL, what, 0, 0, "libevtx cannot count its records: %s", why);
        goto done;
    }
    corrupted = libevtx_file_is_corrupted(f, &e) == 1;
    libevtx_error_free(&e);
    if (corrupted)
        stats->fragments = readable_fragments(f);
    /* a first pass: can every record be read? (a file goes in whole or not
     * at all; in one pass, the caller drops what it was given) */
    if ((st = check_damage(f, nrec, corrupted, !one_pass, partial, what, stats, err)) != LR_OK)
        goto done;
    for (int i = 0; i < nrec && st == LR_OK; i++) {
        libevtx_record_t *rec = NULL;
        if (libevtx_file_get_record_by_index(f, i, &rec, &e) != 1) {
            libevtx_error_free(&e);
            if (!one_pass)
                continue; /* counted as unreadable; partial takes the rest */
            stats->unreadable++;
            stats->damaged = 1;
            if (!partial)
                st = LR_EINVAL; /* refused as damaged below */
            continue;
        }
        st = one_record(&rd, rec, i, err);
        libevtx_record_free(&rec, &e);
        libevtx_error_free(&e);
    }
    if (one_pass && st != LR_OK) {
        /* as the two passes answer: a damaged file is refused as damaged,
         * whichever record stopped the one pass */
        lr_status d = check_damage(f, nrec, corrupted, 1, partial, what, stats, err);
        if (d != LR_OK)
            st = d;
    }
done:
    if (f) {
        libevtx_file_close(f, &e);
        libevtx_error_free(&e);
        libevtx_file_free(&f, &e);
        libevtx_error_free(&e);
    }
    if (io)
        libbfio_handle_free(&io, &be);
    libbfio_error_free(&be);
    free(rd.xml);
    free(rd.cut);
    return st;
}

lr_status evtx_parse(const char *what, const unsigned char *bytes, size_t n, int partial,
                     win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err)
{
    return parse(what, bytes, n, partial, 0, fn, ctx, stats, err);
}

lr_status evtx_parse_stream(const char *what, const unsigned char *bytes, size_t n, int partial,
                            win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err)
{
    return parse(what, bytes, n, partial, 1, fn, ctx, stats, err);
}
