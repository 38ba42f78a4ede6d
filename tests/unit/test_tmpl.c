/*
 * test_tmpl — the admin UI's template language: values escaped always,
 * sections over lists / objects / flags, inverted sections, catalogue
 * texts, and errors with the template's line for every mistake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/tmpl.h"

static const char *texts(void *ctx, const char *key)
{
    (void)ctx;
    if (strcmp(key, "login.title") == 0)
        return "ログイン";
    if (strcmp(key, "quote") == 0)
        return "a \"b\" <c>";
    return NULL;
}

static const char *partials(void *ctx, const char *name)
{
    (void)ctx;
    if (strcmp(name, "head") == 0)
        return "<title>{{@login.title}}: {{user}}</title>";
    if (strcmp(name, "loop") == 0)
        return "{{>loop}}";
    return NULL;
}

static const tmpl_env env = {texts, NULL, partials, NULL};

/* Renders tmpl with the JSON data; returns the status, the page in out. */
static lr_status render(const char *tmpl, const char *data, char *out, size_t outsz, lr_error *err)
{
    json_t *d = json_loads(data, 0, NULL);
    lr_buf b;
    lr_status st;
    assert_non_null(d);
    buf_init(&b, 1 << 16);
    st = tmpl_render("t.html", tmpl, d, &env, &b, err);
    snprintf(out, outsz, "%s", buf_str(&b));
    buf_free(&b);
    json_decref(d);
    return st;
}

static void values_are_escaped(void **state)
{
    char out[512];
    lr_error err;
    (void)state;
    assert_int_equal(render("<p>{{user}} {{n}} {{ok}} {{a.b}}</p>",
                            "{\"user\":\"<script>alert('x')</script>&\",\"n\":42,\"ok\":true,"
                            "\"a\":{\"b\":\"deep\"}}",
                            out, sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp; 42 true "
                             "deep</p>");
}

static void sections(void **state)
{
    char out[512];
    lr_error err;
    (void)state;
    assert_int_equal(render("{{#rows}}[{{code}}:{{title}}]{{/rows}}{{^rows}}none{{/rows}}",
                            "{\"title\":\"T\",\"rows\":[{\"code\":\"0012\"},{\"code\":\"1000\"}]}",
                            out, sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "[0012:T][1000:T]"); /* outer values seen from inside */
    assert_int_equal(render("{{#rows}}x{{/rows}}{{^rows}}none{{/rows}}", "{\"rows\":[]}", out,
                            sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "none");
    assert_int_equal(render("{{#e}}{{msg}}{{/e}}{{#flag}}!{{/flag}}{{^missing}}?{{/missing}}",
                            "{\"e\":{\"msg\":\"m\"},\"flag\":true}", out, sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "m!?");
    assert_int_equal(render("{{#l}}<{{.}}>{{/l}}", "{\"l\":[\"a\",\"&\"]}", out, sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "<a><&amp;>");
    assert_int_equal(render("{{#a}}{{#a}}in{{/a}}{{/a}}", "{\"a\":{\"a\":true}}", out, sizeof out,
                            &err),
                     LR_OK);
    assert_string_equal(out, "in");
    /* an element by its number: "is there a first row?" */
    assert_int_equal(render("{{#rows.0}}has{{/rows.0}}{{^e.0}}empty{{/e.0}}{{rows.1.code}}",
                            "{\"rows\":[{\"code\":\"a\"},{\"code\":\"b\"}],\"e\":[]}", out,
                            sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "hasemptyb");
}

static void catalogue_texts(void **state)
{
    char out[512];
    lr_error err;
    (void)state;
    assert_int_equal(render("<h1>{{@login.title}}</h1>{{@quote}}", "{}", out, sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "<h1>ログイン</h1>a &quot;b&quot; &lt;c&gt;");
}

static void partials_share_the_context(void **state)
{
    char out[512];
    lr_error err;
    (void)state;
    assert_int_equal(render("{{>head}}<p>x</p>", "{\"user\":\"<u>\"}", out, sizeof out, &err),
                     LR_OK);
    assert_string_equal(out, "<title>ログイン: &lt;u&gt;</title><p>x</p>");
    assert_int_equal(render("{{>nope}}", "{}", out, sizeof out, &err), LR_EINVAL);
    assert_int_equal(render("{{>loop}}", "{}", out, sizeof out, &err), LR_EINVAL);
    assert_non_null(strstr(err.message, "too deep"));
}

static void mistakes_name_their_line(void **state)
{
    static const struct {
        const char *tmpl;
        long line;
        const char *says;
    } cases[] = {
        {"a\n{{nope}}", 2, "no value to show: nope"},
        {"{{@nokey}}", 1, "no message in the catalogue for nokey"},
        {"a\nb\n{{#x}}open", 3, "is not closed: #x"},
        {"{{/x}}", 1, "closes nothing: /x"},
        {"{{x", 1, "is not closed"},
        {"{{obj}}", 1, "use {{#...}} to show it: obj"},
        {"{{}}", 1, "empty"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[512];
        lr_error err;
        lr_status st = render(cases[i].tmpl, "{\"obj\":{}}", out, sizeof out, &err);
        if (st != LR_EINVAL || err.line != cases[i].line || !strstr(err.message, cases[i].says) ||
            strcmp(err.file, "t.html") != 0)
            fail_msg("case %zu: %d line %ld: %s", i, st, err.line, err.message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_are_escaped),
        cmocka_unit_test(sections),
        cmocka_unit_test(catalogue_texts),
        cmocka_unit_test(partials_share_the_context),
        cmocka_unit_test(mistakes_name_their_line),
    };
    return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
