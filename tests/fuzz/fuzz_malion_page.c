/* libFuzzer target: MaLionCloud's operation-log pages. */
#include <stddef.h>
#include <stdint.h>

#include "sources/malion.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    malion_page p;
    lr_error err;
    if (malion_parse_page((const char *)data, size, &p, &err) == LR_OK) {
        for (size_t i = 0; i < p.n; i++)
            (void)malion_op(p.logs[i].operation);
        malion_page_free(&p);
    }
    return 0;
}
