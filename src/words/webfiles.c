/*
 * webfiles — lookup of the embedded admin UI files (see webfiles.h).
 */
#include "words/webfiles.h"

#include <string.h>

const web_file *web_file_get(const char *path)
{
    int lo = 0, hi = web_file_count - 1;
    while (lo <= hi) { /* the generator sorts by path */
        int mid = (lo + hi) / 2, c = strcmp(path, web_files[mid].path);
        if (c == 0)
            return &web_files[mid];
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}
