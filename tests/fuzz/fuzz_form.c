/* libFuzzer target: the admin UI's urlencoded forms and header unescaping. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const allowed[] = {"csrf", "name", NULL};
    form f;
    lr_error err;
    char *out = malloc(size + 1);
    if (form_parse((const char *)data, size, &f, &err) == LR_OK) {
        (void)form_get(&f, "csrf");
        (void)form_undeclared(&f, allowed);
        form_free(&f);
    }
    if (out) {
        (void)form_unescape((const char *)data, size, (int)(size & 1), out);
        free(out);
    }
    return 0;
}
