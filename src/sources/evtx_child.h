/*
 * evtx_child — .evtx files decoded in a child process. libevtx (Debian
 * 12's 20181227) reads out of bounds, crashes and asks for gigabytes on
 * crafted files (make fuzz found all three), so loginrecd and loginrec
 * never run it in their own memory: the helper program loginrec-evtx
 * (src/bin/loginrec-evtx.c) reads the file from its stdin under a memory
 * and CPU limit, runs evtx_parse_stream (one pass: a refusal drops what
 * came before it, as a crash must) and writes each record back framed on its
 * stdout; this side reads the frames and hands the records to the callback
 * as evtx_parse would. A helper that dies or overruns its limits refuses
 * the file in words; nothing of it is taken.
 *
 * Frames: one type byte, a 4-byte little-endian length, the payload.
 *   'R' a win_record as bytes (the same build on both sides), then its raw
 *       text: one record;
 *   'E' an evtx_stats, the lr_status (4 bytes) and an lr_error: the end.
 */
#ifndef LR_SOURCES_EVTX_CHILD_H
#define LR_SOURCES_EVTX_CHILD_H

#include <stddef.h>
#include <stdio.h>

#include "sources/evtx.h"

/* The helper's own limits (set by loginrec-evtx on itself). */
#define EVTX_CHILD_MEMORY_MB 1024
#define EVTX_CHILD_CPU_SECONDS 120

/* evtx_parse in a child process: the helper program is LOGINREC_EVTX_HELPER,
 * else loginrec-evtx beside the running program. */
lr_status evtx_parse_isolated(const char *what, const unsigned char *bytes, size_t n, int partial,
                              win_record_fn fn, void *ctx, evtx_stats *stats, lr_error *err);

/* The helper's side: writes one record's frame to out; 0 when it could not. */
int evtx_child_write_record(FILE *out, const win_record *r, const char *raw, size_t rawlen);
/* ... and the end frame. */
int evtx_child_write_end(FILE *out, const evtx_stats *st, lr_status status, const lr_error *err);

#endif
