/*
 * malion_settings — MaLion連携 settings (see malion_settings.h).
 */
#include "service/malion_settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/admin.h"
#include "util/clock.h"

lr_status malion_check_code(const char *what, const char *v, lr_error *err)
{
    size_t n = strlen(v);
    if (n == 0 || n > MALION_CODE_MAX)
        return lr_fail(err, LR_EINVAL, "the %s must be 1-%d characters", what, MALION_CODE_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
            return lr_fail(err, LR_EINVAL,
                           "the %s must be letters, digits and symbols (no spaces), as MaLion "
                           "generates it",
                           what);
    return LR_OK;
}

static const char *onoff(int v)
{
    return v < 0 ? "(same)" : v ? "on" : "off";
}

typedef struct malion_edit {
    const malion_changes *ch;
    const char *sealed; /* the new secret code, sealed; NULL: unchanged */
} malion_edit;

static lr_status apply_malion(lr_store *s, lr_company *c, void *ctx, lr_error *err)
{
    const malion_edit *m = ctx;
    char missing[300];
    lr_status st = LR_OK;
    int changed = m->sealed != NULL;
    if (m->ch->host) {
        changed |= strcmp(c->malion_host, m->ch->host) != 0;
        snprintf(c->malion_host, sizeof c->malion_host, "%s", m->ch->host);
    }
    if (m->ch->admin_code) {
        changed |= strcmp(c->malion_admin_code, m->ch->admin_code) != 0;
        snprintf(c->malion_admin_code, sizeof c->malion_admin_code, "%s", m->ch->admin_code);
    }
    if (m->ch->enabled >= 0) {
        changed |= c->malion_enabled != m->ch->enabled;
        c->malion_enabled = m->ch->enabled;
    }
    if (m->sealed)
        st = store_secret_put(s, c->id, MALION_SECRET_NAME, m->sealed, err);
    if (st == LR_OK && m->ch->enabled == 1) {
        malion_settings_missing(s, c, missing, sizeof missing);
        if (missing[0])
            st = lr_fail(err, LR_EINVAL, "MaLion連携 cannot be turned on without %s", missing);
    }
    /* the poller asks MaLion at once with what changed, and the last error
     * is shown as from before the change until then */
    if (st == LR_OK && changed)
        st = store_malion_settings_changed(s, c->id, clock_now(), err);
    return st;
}

lr_status malion_settings_set(lr_store *s, const char *code, const malion_changes *ch,
                              const lr_secrets *sec, const char *actor, lr_error *err)
{
    char *sealed = NULL, detail[600];
    malion_edit m = {ch, NULL};
    lr_status st;

    if ((ch->host && (st = malion_check_host(ch->host, err)) != LR_OK) ||
        (ch->admin_code &&
         (st = malion_check_code("admin code (管理者コード)", ch->admin_code, err)) != LR_OK) ||
        (ch->secret_code &&
         (st = malion_check_code("secret code (シークレットコード)", ch->secret_code, err)) != LR_OK))
        return st;
    if (ch->secret_code && (st = secrets_seal(sec, ch->secret_code, &sealed, err)) != LR_OK)
        return st;
    m.sealed = sealed;
    /* the audit says what changed, never the secret code */
    snprintf(detail, sizeof detail, "host=%s admin_code=%s secret_code=%s enabled=%s",
             ch->host ? ch->host : "(same)", ch->admin_code ? ch->admin_code : "(same)",
             ch->secret_code ? "(replaced)" : "(same)", onoff(ch->enabled));
    st = admin_company_edit(s, code, apply_malion, &m, actor, "malion.set", detail, err);
    free(sealed);
    return st;
}

unsigned malion_field_parse(const char *name)
{
    if (strcmp(name, "host") == 0)
        return MALION_FIELD_HOST;
    if (strcmp(name, "admin-code") == 0)
        return MALION_FIELD_ADMIN_CODE;
    if (strcmp(name, "secret-code") == 0)
        return MALION_FIELD_SECRET_CODE;
    return 0;
}

static lr_status clear_fields(lr_store *s, lr_company *c, void *ctx, lr_error *err)
{
    unsigned fields = *(const unsigned *)ctx;
    if (fields & MALION_FIELD_HOST)
        c->malion_host[0] = '\0';
    if (fields & MALION_FIELD_ADMIN_CODE)
        c->malion_admin_code[0] = '\0';
    if (fields)
        c->malion_enabled = 0; /* it cannot poll without what was cleared */
    if (fields & MALION_FIELD_SECRET_CODE) {
        lr_status st = store_secret_delete(s, c->id, MALION_SECRET_NAME, err);
        if (st != LR_OK)
            return st;
    }
    return fields ? store_malion_settings_changed(s, c->id, clock_now(), err) : LR_OK;
}

lr_status malion_settings_clear(lr_store *s, const char *code, unsigned fields, const char *actor,
                                lr_error *err)
{
    char detail[100];
    snprintf(detail, sizeof detail, "cleared:%s%s%s", fields & MALION_FIELD_HOST ? " host" : "",
             fields & MALION_FIELD_ADMIN_CODE ? " admin_code" : "",
             fields & MALION_FIELD_SECRET_CODE ? " secret_code" : "");
    return admin_company_edit(s, code, clear_fields, &fields, actor, "malion.clear", detail, err);
}

int malion_settings_has_secret(lr_store *s, const lr_company *c)
{
    char sealed[1024];
    return store_secret_get(s, c->id, MALION_SECRET_NAME, sealed, sizeof sealed, NULL) == LR_OK;
}

void malion_settings_missing(lr_store *s, const lr_company *c, char *out, size_t outsz)
{
    const char *parts[3];
    size_t n = 0, len = 0;
    if (!c->malion_host[0])
        parts[n++] = "the host name (ホスト名)";
    if (!c->malion_admin_code[0])
        parts[n++] = "the admin code (管理者コード)";
    if (!malion_settings_has_secret(s, c))
        parts[n++] = "the secret code (シークレットコード)";
    out[0] = '\0';
    for (size_t i = 0; i < n && len < outsz; i++)
        len += (size_t)snprintf(out + len, outsz - len, "%s%s", i ? ", " : "", parts[i]);
}

lr_status malion_settings_secret(lr_store *s, const lr_company *c, const lr_secrets *sec,
                                 char **plain, lr_error *err)
{
    char sealed[1024];
    lr_status st = store_secret_get(s, c->id, MALION_SECRET_NAME, sealed, sizeof sealed, err);
    if (st == LR_ENOTFOUND)
        return lr_fail(err, LR_ENOTFOUND, "company %s has no MaLion secret code", c->code);
    if (st != LR_OK)
        return st;
    return secrets_open(sec, sealed, plain, err);
}
