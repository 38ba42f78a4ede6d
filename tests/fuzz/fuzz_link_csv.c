/* libFuzzer target: the link CSV format (decoding, CSV, header, rows,
 * repeats), everything of the importer but the store. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/link_csv.h"
#include "reply/link_csv_words.h"
#include "util/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lr_buf text;
    lr_error err;
    csv_reader r;
    link_csv_layout lay;
    link_csv_errors es = {NULL, 0, 0, 20};
    link_csv_row rows[64];
    size_t n = 0;
    int have_layout = 0;

    buf_init(&text, size * 3 + 16);
    if (enc_decode("fuzz.csv", (const char *)data, size, &text, NULL, NULL, &err) == LR_OK) {
        csv_reader_init(&r, "fuzz.csv", buf_str(&text), text.len);
        while (csv_reader_next(&r, &err) == LR_OK) {
            if (csv_record_blank(&r))
                continue;
            if (!have_layout) {
                if (!link_csv_layout_parse(&r, &lay, &es))
                    break;
                have_layout = 1;
            } else if (n < 64) {
                link_csv_row_parse(&r, &lay, &rows[n], &es);
                n++;
            }
        }
        (void)link_csv_find_repeats(rows, n, &es);
        for (size_t i = 0; i < es.n; i++) {
            char msg[600];
            link_csv_problem_words(&es.v[i], (lr_lang)(i % 2), msg, sizeof msg);
        }
        csv_reader_free(&r);
    }
    link_csv_errors_free(&es);
    buf_free(&text);
    return 0;
}
