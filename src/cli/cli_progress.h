/*
 * cli_progress — a progress line on a terminal for long commands (ingest,
 * links import, kot sync): what is being done, how far (rows or bytes),
 * the rate and the time left, redrawn in place at most five times a
 * second and erased when the work ends. Only when stderr is a terminal:
 * piped or redirected, nothing extra is written, so scripts and tests
 * read the same output as before. LOGINREC_PROGRESS=0 turns it off.
 */
#ifndef LR_CLI_CLI_PROGRESS_H
#define LR_CLI_CLI_PROGRESS_H

#include <stdint.h>
#include <stdio.h>

#include "util/lang.h"
#include "util/progress.h"

typedef struct cli_progress {
    FILE *out;
    lr_lang lang;
    progress_hook hook;
    int on, drawn;
    progress_stage stage;
    int64_t stage_start_ns, last_draw_ns;
} cli_progress;

/* Starts listening; the hook to hand to a service, NULL when the line is
 * off (not a terminal). */
const progress_hook *cli_progress_start(cli_progress *p);

/* Erases the line, if one was drawn. */
void cli_progress_end(cli_progress *p);

/* The line for a report, as drawn ("読み込み 41% 12.3 / 30.0 MB …"); for
 * tests. elapsed_s: since the stage began. */
void cli_progress_format(lr_lang lang, progress_stage stage, uint64_t done, uint64_t total,
                         uint64_t items, double elapsed_s, char *out, size_t outsz);

#endif
