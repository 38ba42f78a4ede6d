/*
 * webfiles — the admin UI's files (web/: templates, CSS and JS, message
 * catalogues), compiled into the binary by cmake/embed_files.cmake so that
 * loginrecd is one file to deploy.
 */
#ifndef LR_WORDS_WEBFILES_H
#define LR_WORDS_WEBFILES_H

#include <stddef.h>

typedef struct web_file {
    const char *path; /* relative to web/: "templates/login.html" */
    const char *data; /* NUL-terminated */
    size_t len;
} web_file;

extern const web_file web_files[];
extern const int web_file_count;

/* The file at path, or NULL. */
const web_file *web_file_get(const char *path);

#endif
