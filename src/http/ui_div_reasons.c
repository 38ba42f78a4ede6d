/*
 * ui_div_reasons — the reasons an administrator picks from when confirming
 * a divergent day (乖離), the company's own list with ja/en labels:
 *
 *   GET  /divergence/reasons          the list, and a form to add or change one
 *   POST /divergence/reasons          adds or changes one (its code, labels, place)
 *   POST /divergence/reasons/remove   removes one (days confirmed with it keep it)
 *
 * Until the company changes the list, the defaults apply
 * (divergence_review); the first change starts the company's own from them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/ui_internal.h"
#include "service/divergence_review.h"
#include "words/i18n.h"

const char *const ui_div_reasons_params[] = {"saved", NULL};
const char *const ui_div_reasons_fields[] = {"csrf",     "code",     "label_ja",
                                             "label_en", "position", NULL};
const char *const ui_div_reasons_remove_fields[] = {"csrf", "code", NULL};

static void page(ui_req *u, int status, const char *error_key, const form *given)
{
    lr_company c;
    lr_error err;
    lr_div_reason r[DIV_REASONS_MAX];
    size_t n = 0;
    json_t *list, *d;
    if (store_company_get(u->s, u->se.company_code, &c, &err) != LR_OK ||
        div_reasons(u->s, &c, r, DIV_REASONS_MAX, &n, &err) != LR_OK) {
        ui_error_page(u, 500, "error.title");
        return;
    }
    list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:i}", "code", r[i].code, "ja",
                                              r[i].label_ja, "en", r[i].label_en, "position",
                                              r[i].position));
    d = json_pack("{s:b, s:o, s:s, s:s, s:s, s:s}", "nav_divergence", 1, "reasons", list, "code",
                  given && form_get(given, "code") ? form_get(given, "code") : "", "label_ja",
                  given && form_get(given, "label_ja") ? form_get(given, "label_ja") : "",
                  "label_en", given && form_get(given, "label_en") ? form_get(given, "label_en") : "",
                  "position",
                  given && form_get(given, "position") ? form_get(given, "position") : "100");
    if (error_key)
        json_object_set_new(d, "error", json_string(i18n_text(u->lang, error_key)));
    if (http_query(u->rq, "saved"))
        json_object_set_new(d, "saved", json_true());
    ui_render(u, status, "divergence_reasons", "page.divergence_reasons", d);
}

void ui_div_reasons_view(ui_req *u)
{
    page(u, 200, NULL, NULL);
}

void ui_div_reasons_save(ui_req *u)
{
    const char *code = form_get(&u->f, "code"), *ja = form_get(&u->f, "label_ja");
    const char *en = form_get(&u->f, "label_en"), *pos = form_get(&u->f, "position");
    lr_div_reason r = {0};
    lr_error err;
    char *end = NULL;
    long p = pos && *pos ? strtol(pos, &end, 10) : 100;
    if (!code || !ja || !en || strlen(code) >= sizeof r.code || strlen(ja) >= sizeof r.label_ja ||
        strlen(en) >= sizeof r.label_en || (end && *end) || p < 0 || p > 100000) {
        page(u, 422, "div.reasons_bad", &u->f);
        return;
    }
    snprintf(r.code, sizeof r.code, "%s", code);
    snprintf(r.label_ja, sizeof r.label_ja, "%s", ja);
    snprintf(r.label_en, sizeof r.label_en, "%s", en);
    r.position = (int)p;
    if (div_reason_set(u->s, u->se.company_code, &r, u->se.login, &err) != LR_OK) {
        page(u, err.code == LR_EINVAL ? 422 : 500, "div.reasons_bad", &u->f);
        return;
    }
    ui_redirect(u, "/divergence/reasons?saved=1");
}

void ui_div_reasons_remove(ui_req *u)
{
    const char *code = form_get(&u->f, "code");
    lr_error err;
    if (!code || div_reason_remove(u->s, u->se.company_code, code, u->se.login, &err) != LR_OK) {
        page(u, 404, "div.reasons_gone", NULL);
        return;
    }
    ui_redirect(u, "/divergence/reasons?saved=1");
}
