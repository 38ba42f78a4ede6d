/*
 * link_csv — the link CSV format and its problems in two languages (see
 * link_csv.h).
 */
#include "core/link_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event_parse.h"
#include "util/encoding.h"
#include "util/text.h"

static const char *const header_names[LC_NCOLS] = {
    "連携種別", "種別コード", "打刻先アカウント", "姓・名", "サービスアカウント",
};

#define HEADER_LINE "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント"

const char *link_kind_label(link_kind k)
{
    switch (k) {
    case LINK_SMARTON: return "SmartOn ID連携";
    case LINK_LANSCOPE: return "LanScope連携";
    case LINK_MALION: return "MaLion連携";
    default: return NULL;
    }
}

static link_kind kind_of_label(const char *s)
{
    for (int k = LINK_SMARTON; k <= LINK_MALION; k++)
        if (strcmp(s, link_kind_label((link_kind)k)) == 0)
            return (link_kind)k;
    return LINK_NONE;
}

lr_status link_csv_errors_add(link_csv_errors *es, const link_csv_error *e)
{
    es->total++;
    if (es->n == es->max)
        return LR_OK; /* counted, not kept */
    if (!es->v) {
        es->v = calloc(es->max, sizeof *es->v);
        if (!es->v)
            return LR_ENOMEM;
    }
    es->v[es->n++] = *e;
    return LR_OK;
}

void link_csv_errors_free(link_csv_errors *es)
{
    free(es->v);
    es->v = NULL;
    es->n = es->total = 0;
}

static void note(link_csv_errors *es, link_csv_problem what, link_csv_at at, int detail,
                 const char *a, const char *b, long other)
{
    link_csv_error e = {what, at.line, at.column, at.field, at.lc, detail, other, "", "", ""};
    snprintf(e.a, sizeof e.a, "%s", a ? a : "");
    snprintf(e.b, sizeof e.b, "%s", b ? b : "");
    (void)link_csv_errors_add(es, &e); /* a problem not kept is still counted */
}

void link_csv_note(link_csv_errors *es, link_csv_problem what, link_csv_at at, const char *a,
                   const char *b, long other)
{
    note(es, what, at, 0, a, b, other);
}

void link_csv_note_detail(link_csv_errors *es, link_csv_problem what, link_csv_at at, int detail,
                          const char *a)
{
    note(es, what, at, detail, a, NULL, 0);
}

/* Where field i (from 0) of the current record is; lc, the column it is. */
static link_csv_at at_field(const csv_reader *r, size_t i, int lc)
{
    return (link_csv_at){r->fields[i].line, (int)i + 1, lc, r->fields[i].column};
}

/* Where the row's field of column lc is. */
static link_csv_at at_col(const csv_reader *r, const link_csv_layout *lay, int lc)
{
    return at_field(r, (size_t)lay->col[lc], lc);
}

int link_csv_layout_parse(const csv_reader *r, link_csv_layout *lay, link_csv_errors *es)
{
    size_t before = es->total;
    char name[64];

    for (int c = 0; c < LC_NCOLS; c++)
        lay->col[c] = -1;
    lay->nfields = r->nfields;
    for (size_t i = 0; i < r->nfields; i++) {
        const csv_field *f = &r->fields[i];
        int c;
        if (!text_trim_copy(f->s, name, sizeof name))
            snprintf(name, sizeof name, "%.40s…", f->s);
        if (name[0] == '\0')
            continue; /* an empty trailing column, as spreadsheets leave */
        for (c = 0; c < LC_NCOLS && strcmp(name, header_names[c]) != 0; c++)
            ;
        if (c == LC_NCOLS)
            link_csv_note(es, LCP_HEADER_UNKNOWN, at_field(r, i, -1), name, NULL, 0);
        else if (lay->col[c] >= 0)
            link_csv_note(es, LCP_HEADER_TWICE, at_field(r, i, c), name, NULL, 0);
        else
            lay->col[c] = (int)i;
    }
    for (int c = 0; c < LC_NCOLS; c++)
        if (lay->col[c] < 0)
            link_csv_note(es, LCP_HEADER_MISSING, LINK_CSV_LINE(r->fields[0].line), header_names[c],
                          NULL, 0);
    return es->total == before;
}

int link_csv_row_parse(const csv_reader *r, const link_csv_layout *lay, link_csv_row *row,
                       link_csv_errors *es)
{
    size_t before = es->total;
    const csv_field *label, *code, *emp, *acc;
    char tmp[LR_ACCOUNT_MAX + 1];
    long line = r->fields[0].line;

    memset(row, 0, sizeof *row);
    row->line = line;
    if (r->nfields != lay->nfields) {
        char a[24], b[24];
        snprintf(a, sizeof a, "%zu", r->nfields);
        snprintf(b, sizeof b, "%zu", lay->nfields);
        link_csv_note(es, LCP_FIELDS, LINK_CSV_LINE(line), a, b, 0);
        return 0;
    }
    label = &r->fields[lay->col[LC_KIND_LABEL]];
    code = &r->fields[lay->col[LC_KIND_CODE]];
    emp = &r->fields[lay->col[LC_EMPLOYEE]];
    acc = &r->fields[lay->col[LC_ACCOUNT]];
    row->at_employee = at_col(r, lay, LC_EMPLOYEE);
    row->at_account = at_col(r, lay, LC_ACCOUNT);

    if (!text_trim_copy(label->s, tmp, sizeof tmp) || (row->kind = kind_of_label(tmp)) == LINK_NONE) {
        link_csv_note(es, LCP_KIND_LABEL, at_col(r, lay, LC_KIND_LABEL), tmp, NULL, 0);
    } else {
        char want[2] = {(char)('0' + row->kind), '\0'};
        if (!text_trim_copy(code->s, tmp, sizeof tmp) || strcmp(tmp, want) != 0)
            link_csv_note(es, LCP_KIND_CODE, at_col(r, lay, LC_KIND_CODE), tmp,
                          link_kind_label(row->kind), 0);
    }

    if (!text_trim_copy(emp->s, row->employee, sizeof row->employee) || text_has_control(row->employee))
        link_csv_note(es, LCP_EMPLOYEE_BAD, row->at_employee, emp->s, NULL, 0);
    else if (row->employee[0] == '\0')
        link_csv_note(es, LCP_EMPLOYEE_EMPTY, row->at_employee, NULL, NULL, 0);

    /* Manual §3: exact, case-sensitive PC user names; the part after the
     * domain's "\" (or "¥") is the user name. */
    if (!text_trim_copy(acc->s, row->account, sizeof row->account) || text_has_control(row->account)) {
        link_csv_note(es, LCP_ACCOUNT_BAD, row->at_account, acc->s, NULL, 0);
    } else if (strcmp(row->account, LINK_CSV_REMOVE) == 0) {
        row->remove = 1;
        row->account[0] = '\0';
    } else {
        event_account_normalise(row->account);
        if (row->account[0] == '\0')
            link_csv_note(es, LCP_ACCOUNT_EMPTY, row->at_account, NULL, NULL, 0);
    }
    row->valid = es->total == before;
    return row->valid;
}

static int by_kind_account(const void *x, const void *y)
{
    const link_csv_row *a = x, *b = y;
    int c = b->valid - a->valid;
    if (c == 0)
        c = (int)a->kind - (int)b->kind;
    if (c == 0)
        c = strcmp(a->account, b->account);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

static int by_kind_employee(const void *x, const void *y)
{
    const link_csv_row *a = x, *b = y;
    int c = b->valid - a->valid;
    if (c == 0)
        c = (int)a->kind - (int)b->kind;
    if (c == 0)
        c = strcmp(a->employee, b->employee);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* at, on the row's line (a row made by hand may not say where it is). */
static link_csv_at on_line(link_csv_at at, long line)
{
    at.line = line;
    return at;
}

lr_status link_csv_find_repeats(link_csv_row *rows, size_t n, link_csv_errors *es)
{
    if (n < 2)
        return LR_OK;
    qsort(rows, n, sizeof *rows, by_kind_employee);
    for (size_t i = 1; i < n && rows[i].valid; i++)
        if (rows[i].kind == rows[i - 1].kind &&
            strcmp(rows[i].employee, rows[i - 1].employee) == 0)
            link_csv_note(es, LCP_EMPLOYEE_TWICE, on_line(rows[i].at_employee, rows[i].line),
                          rows[i].employee, NULL, rows[i - 1].line);
    /* Manual FAQ "PC のユーザー名が重複している": one PC user name, one employee. */
    qsort(rows, n, sizeof *rows, by_kind_account);
    for (size_t i = 1; i < n && rows[i].valid; i++)
        if (rows[i].kind == rows[i - 1].kind && !rows[i].remove &&
            strcmp(rows[i].account, rows[i - 1].account) == 0 &&
            strcmp(rows[i].employee, rows[i - 1].employee) != 0)
            link_csv_note(es, LCP_ACCOUNT_TWICE, on_line(rows[i].at_account, rows[i].line),
                          rows[i].account,
                          rows[i - 1].employee, rows[i - 1].line);
    return LR_OK;
}

lr_status link_csv_write_header(lr_buf *b)
{
    return csv_write_row(b, header_names, LC_NCOLS, 1, "\r\n");
}

lr_status link_csv_write_row(lr_buf *b, link_kind kind, const char *employee, const char *last,
                             const char *first, const char *account)
{
    char code[2] = {(char)('0' + kind), '\0'};
    char name[260];
    const char *f[LC_NCOLS];
    snprintf(name, sizeof name, "%s %s", last, first);
    f[LC_KIND_LABEL] = link_kind_label(kind);
    f[LC_KIND_CODE] = code;
    f[LC_EMPLOYEE] = employee;
    f[LC_NAME] = name;
    f[LC_ACCOUNT] = account;
    return csv_write_row(b, f, LC_NCOLS, 1, "\r\n");
}

const char *link_csv_problem_name(link_csv_problem p)
{
    static const char *const names[] = {
        [LCP_SYNTAX] = "not_csv",
        [LCP_HEADER_MISSING] = "header_missing_column",
        [LCP_HEADER_UNKNOWN] = "header_unknown_column",
        [LCP_HEADER_TWICE] = "header_column_twice",
        [LCP_FIELDS] = "field_count",
        [LCP_KIND_LABEL] = "unknown_kind",
        [LCP_KIND_CODE] = "kind_code_mismatch",
        [LCP_EMPLOYEE_EMPTY] = "employee_empty",
        [LCP_EMPLOYEE_BAD] = "employee_invalid",
        [LCP_EMPLOYEE_UNKNOWN] = "unknown_employee",
        [LCP_EMPLOYEE_DELETED] = "employee_deleted",
        [LCP_EMPLOYEE_TWICE] = "employee_twice",
        [LCP_ACCOUNT_EMPTY] = "account_empty",
        [LCP_ACCOUNT_BAD] = "account_invalid",
        [LCP_ACCOUNT_TWICE] = "account_twice",
        [LCP_ACCOUNT_TAKEN] = "account_taken",
        [LCP_ACCOUNT_CASE] = "account_case",
        [LCP_ENCODING] = "encoding",
    };
    if ((size_t)p < sizeof names / sizeof names[0] && names[p])
        return names[p];
    return "unknown";
}

void link_csv_field_text(const link_csv_error *e, lr_lang lang, char *out, size_t outsz)
{
    const char *name = e->lc >= 0 && e->lc < LC_NCOLS ? header_names[e->lc]
                       : e->what == LCP_HEADER_UNKNOWN ? e->a
                                                       : NULL;
    if (e->field <= 0)
        snprintf(out, outsz, "%s", "");
    else if (name)
        snprintf(out, outsz, lang == LANG_JA ? "%d列目（%s）" : "field %d (%s)", e->field, name);
    else
        snprintf(out, outsz, lang == LANG_JA ? "%d列目" : "field %d", e->field);
}

/* Why the reader stopped (a csv_problem), in words with what to do. */
static void syntax_text(const link_csv_error *e, int ja, char *out, size_t outsz)
{
    const char *t;
    switch ((csv_problem)e->detail) {
    case CSV_TOO_MANY_FIELDS:
        t = ja ? "1 行の項目が 1024 個を超えています。CSV ファイルを選んでいるか確認してください"
               : "a row has more than 1024 fields; check that the file is a CSV file";
        break;
    case CSV_FIELD_TOO_LONG:
        t = ja ? "項目が長すぎます（65536 バイトまで）。引用符（\"）の閉じ忘れがないか確認してください"
               : "a field is longer than 65536 bytes; check for a quote (\") left open";
        break;
    case CSV_QUOTE_NOT_CLOSED:
        t = ja ? "引用符（\"）で始まる項目が閉じられていません。項目の終わりに \" を追加してください"
               : "a quoted field is not closed; add the missing '\"' at the end of the field";
        break;
    case CSV_AFTER_QUOTE:
        t = ja ? "引用符（\"）で閉じた項目のあとに文字があります。閉じた \" のあとはカンマか行の終わりにし"
                 "てください"
               : "there is text after a closing quote; a closing '\"' must be followed by a comma "
                 "or the end of the line";
        break;
    case CSV_QUOTE_IN_FIELD:
        t = ja ? "引用符で囲まれていない項目の中に \" があります。項目全体を \" で囲み、中の \" は \"\" と 2 "
                 "つ重ねてください"
               : "a quote inside an unquoted field; quote the whole field and double the quote "
                 "(\"\")";
        break;
    default:
        snprintf(out, outsz, ja ? "CSV として読み取れません: %s" : "the file cannot be read as CSV: %s",
                 e->a);
        return;
    }
    snprintf(out, outsz, "%s", t);
}

/* Why the bytes are not text we read (an enc_problem), with the fix. */
static void encoding_text(const link_csv_error *e, int ja, char *out, size_t outsz)
{
    const char *t;
    switch ((enc_problem)e->detail) {
    case ENC_IS_UTF16:
        t = ja ? "ファイルが UTF-16（メモ帳の「Unicode」）で保存されています。メモ帳で開き、[名前を付けて保"
                 "存] で文字コードを「ANSI」か「UTF-8」にして保存し直してください"
               : "the file is UTF-16 (Notepad's \"Unicode\"); open it in Notepad and use Save As "
                 "with the encoding \"ANSI\" or \"UTF-8\"";
        break;
    case ENC_IS_BINARY:
        t = ja ? "テキスト（CSV）ファイルではありません。Excel のブック（.xlsx）ではありませんか？ Excel "
                 "では [名前を付けて保存] で「CSV（コンマ区切り）」を選んでください"
               : "the file is not a text (CSV) file. Is it an Excel workbook (.xlsx)? In Excel, use "
                 "Save As and choose \"CSV (Comma delimited)\"";
        break;
    case ENC_BAD_BOM:
        t = ja ? "ファイルは UTF-8 の印（BOM）で始まりますが、UTF-8 でない文字があります。テキストエディ"
                 "ターで文字コードを「UTF-8」にして保存し直してください"
               : "the file starts with a UTF-8 BOM but holds bytes that are not UTF-8; save it "
                 "again as UTF-8 in a text editor";
        break;
    case ENC_IS_EUC_JP:
        t = ja ? "ファイルの文字コードが EUC-JP です。読み込めるのは CP932（Excel・メモ帳の「ANSI」）と "
                 "UTF-8 です。テキストエディターで文字コードを「UTF-8」にして保存し直すか、"
                 "iconv -f EUC-JP -t UTF-8 で変換してください"
               : "the file is EUC-JP; loginrec reads CP932 (Excel's and Notepad's \"ANSI\") and "
                 "UTF-8. Save it as UTF-8 in a text editor, or convert it with "
                 "iconv -f EUC-JP -t UTF-8";
        break;
    default:
        t = ja ? "文字コードを読み取れません（UTF-8 でも CP932 でもありません）。[CSV データ保存] で保存し"
                 "た CSV を編集し、メモ帳で「ANSI」か「UTF-8」で保存してください"
               : "the file is neither UTF-8 nor CP932; edit a CSV from [Download CSV] and save it "
                 "in Notepad as \"ANSI\" or \"UTF-8\"";
    }
    snprintf(out, outsz, "%s", t);
}

void link_csv_error_text(const link_csv_error *e, lr_lang lang, char *out, size_t outsz)
{
    const int ja = lang == LANG_JA;
    const char *a = e->a, *b = e->b;
    long o = e->other_line;

    switch (e->what) {
    case LCP_SYNTAX:
        syntax_text(e, ja, out, outsz);
        break;
    case LCP_ENCODING:
        encoding_text(e, ja, out, outsz);
        break;
    case LCP_HEADER_MISSING:
        snprintf(out, outsz,
                 ja ? "ヘッダーに「%s」列がありません。ヘッダーは " HEADER_LINE
                      " です（[CSV データ保存] で出力した CSV を編集してください）"
                    : "the header has no column '%s'; the header is " HEADER_LINE
                      " (edit a CSV exported by loginrec)",
                 a);
        break;
    case LCP_HEADER_UNKNOWN:
        snprintf(out, outsz,
                 ja ? "ヘッダーに不明な列「%s」があります。ヘッダーは " HEADER_LINE " です"
                    : "the header has an unknown column '%s'; the header is " HEADER_LINE,
                 a);
        break;
    case LCP_HEADER_TWICE:
        snprintf(out, outsz, ja ? "ヘッダーに「%s」列が 2 つあります" : "the header has column '%s' twice", a);
        break;
    case LCP_FIELDS:
        snprintf(out, outsz, ja ? "項目数が %s 個です（ヘッダーは %s 個）" : "the row has %s fields; the header has %s", a, b);
        break;
    case LCP_KIND_LABEL:
        snprintf(out, outsz,
                 ja ? "連携種別「%s」は不明です（LanScope連携・MaLion連携・SmartOn ID連携 のいずれか）"
                    : "the kind (連携種別) '%s' is unknown; expected LanScope連携, MaLion連携 or "
                      "SmartOn ID連携",
                 a);
        break;
    case LCP_KIND_CODE: {
        int want = kind_of_label(b);
        snprintf(out, outsz,
                 ja ? "種別コード「%s」が連携種別「%s」と合いません（%d のはずです）"
                    : "the kind code (種別コード) '%s' does not match the kind '%s' (it should be %d)",
                 a, b, want);
        break;
    }
    case LCP_EMPLOYEE_EMPTY:
        snprintf(out, outsz, ja ? "打刻先アカウントが空です" : "the employee code (打刻先アカウント) is empty");
        break;
    case LCP_EMPLOYEE_BAD:
        snprintf(out, outsz,
                 ja ? "打刻先アカウント「%.40s」が長すぎるか、制御文字を含みます"
                    : "the employee code (打刻先アカウント) '%.40s' is too long or contains "
                      "control characters",
                 a);
        break;
    case LCP_EMPLOYEE_UNKNOWN:
        if (b[0])
            snprintf(out, outsz,
                     ja ? "打刻先アカウント「%s」の従業員はいません（Excel で先頭の 0 が消えていませ"
                          "んか？「%s」がいます。CSV はメモ帳で編集してください）"
                        : "no employee has the code '%s' (did a spreadsheet drop leading zeros? "
                          "'%s' exists; edit the CSV in a text editor)",
                     a, b);
        else
            snprintf(out, outsz,
                     ja ? "打刻先アカウント「%s」の従業員はいません（勤革時連携で従業員を取り込んでから"
                          "紐づけてください）"
                        : "no employee has the code '%s' (sync employees from KING OF TIME first)",
                     a);
        break;
    case LCP_EMPLOYEE_DELETED:
        snprintf(out, outsz,
                 ja ? "従業員「%s」は勤革時から削除されています" : "employee '%s' was deleted from KING OF TIME",
                 a);
        break;
    case LCP_EMPLOYEE_TWICE:
        snprintf(out, outsz,
                 ja ? "従業員「%s」は %ld 行目にもあります（同じ連携種別で 1 行だけにしてください）"
                    : "employee '%s' is also on line %ld for the same kind; keep one row",
                 a, o);
        break;
    case LCP_ACCOUNT_EMPTY:
        snprintf(out, outsz,
                 ja ? "サービスアカウント（PC のユーザー名）が空です"
                    : "the service account (サービスアカウント, the PC user name) is empty");
        break;
    case LCP_ACCOUNT_BAD:
        snprintf(out, outsz,
                 ja ? "サービスアカウント「%.40s」が長すぎるか、制御文字を含みます"
                    : "the service account (サービスアカウント) '%.40s' is too long or contains "
                      "control characters",
                 a);
        break;
    case LCP_ACCOUNT_TWICE:
        if (ja)
            snprintf(out, outsz,
                     "サービスアカウント「%s」は %ld 行目で従業員「%s」にも指定されています。"
                     "PC のユーザー名が重複していると、別の人のログで打刻されます（マニュアル"
                     "「PC のユーザー名が重複している」）",
                     a, o, b);
        else
            snprintf(out, outsz,
                     "service account '%s' is also given to employee '%s' on line %ld. A PC "
                     "user name must belong to one employee, or one person's logons punch for "
                     "another (manual: duplicate PC user names)",
                     a, b, o);
        break;
    case LCP_ACCOUNT_TAKEN:
        snprintf(out, outsz,
                 ja ? "サービスアカウント「%s」は既に従業員「%s」に紐づいています。PC のユーザー名"
                      "が重複しています（マニュアル「PC のユーザー名が重複している」）。PC のユーザー"
                      "名を変えるか、同じ CSV で「%s」に別のアカウントを指定してください"
                    : "service account '%s' is already linked to employee '%s'. That is the "
                      "duplicate PC user name trouble of the manual: change the PC user name, or "
                      "give '%s' another account in the same file",
                 a, b, b);
        break;
    case LCP_ACCOUNT_CASE:
        /* accounts match exactly (manual §3): a case-only difference is
         * almost always a typo, so it is said, not refused */
        if (o > 0 && ja)
            snprintf(out, outsz,
                     "サービスアカウント「%s」は、%ld 行目の「%s」と大文字と小文字だけが違います。"
                     "アカウントは大文字・小文字まで完全に一致したときだけ紐づきます。入力ミスで"
                     "ないか確認してください",
                     a, o, b);
        else if (o > 0)
            snprintf(out, outsz,
                     "service account '%s' differs only in upper/lower case from '%s' on line "
                     "%ld. Accounts match exactly, case included: check that it is not a typo",
                     a, b, o);
        else if (ja)
            snprintf(out, outsz,
                     "サービスアカウント「%s」は、従業員「%s」の「%s」と大文字と小文字だけが違い"
                     "ます。アカウントは大文字・小文字まで完全に一致したときだけ紐づきます。入力"
                     "ミスでないか確認してください",
                     a, e->owner, b);
        else
            snprintf(out, outsz,
                     "service account '%s' differs only in upper/lower case from '%s', which "
                     "employee %s has. Accounts match exactly, case included: check that it is "
                     "not a typo",
                     a, b, e->owner);
        break;
    default:
        snprintf(out, outsz, "?");
    }
}
