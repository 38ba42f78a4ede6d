#!/bin/bash
# End to end: the link CSV as administrators use it (manuals §3). Export
# from the CLI and over HTTP, edit the file the way Notepad would (CP932,
# CRLF, quotes; UTF-8 with a BOM), upload it as multipart and as a raw
# body, see waiting events punched, and see a broken file refused whole.
. "$(dirname "$0")/lib.sh"

"$LR" init >/dev/null
TOKEN=$("$LR" company add ACM "Acme 株式会社")
"$LR" employee add ACM 0012 --last 勤怠 --first 花子 >/dev/null
"$LR" employee add ACM 1000 --last 勤怠 --first 太郎 >/dev/null
"$LR" link set ACM --kind lanscope 1000 tarouk >/dev/null
start_server
AUTH="Authorization: Bearer $TOKEN"

# an event for a PC user name nobody is linked to yet
cat > "$T/events.json" <<'JSON'
[{"source":"lanscope","account":"hanakok","host":"PC-02","op":"logon","time":"2026-11-16T09:01:00+09:00"},
 {"source":"lanscope","account":"hanakok","host":"PC-02","op":"logoff","time":"2026-11-16T18:30:00+09:00"}]
JSON
http POST /api/v1/ingest -H "$AUTH" -H "Content-Type: application/json" --data-binary @"$T/events.json"
expect_eq "events of an unlinked account are accepted" 2 "$(json_get "$BODY" 'j["unlinked"]')"

# --- export -------------------------------------------------------------
"$LR" links export ACM --kind lanscope -o "$T/cli.csv"
curl -sS -D "$T/headers" -H "$AUTH" "$URL/api/v1/links.csv?kind=lanscope" -o "$T/api.csv"
expect_eq "CLI and API exports are the same bytes" "$(md5sum <"$T/cli.csv")" "$(md5sum <"$T/api.csv")"
expect_eq "export is CP932 with CRLF" \
    '"LanScope連携","2","0012","勤怠 花子","0012"' \
    "$(iconv -f CP932 -t UTF-8 "$T/cli.csv" | sed -n 2p | tr -d '\r')"
expect_eq "every line ends in CRLF" 3 "$(grep -c $'\r$' "$T/cli.csv")"
expect_eq "download is named" 'attachment; filename="links-ACM-lanscope.csv"' \
    "$(sed -n 's/^Content-Disposition: //p' "$T/headers" | tr -d '\r')"

# --- edit as Notepad would, upload as multipart (dry run, then for real) --
python3 - "$T/cli.csv" "$T/edited.csv" <<'PY'
import sys
text = open(sys.argv[1], "rb").read().decode("cp932")
text = text.replace('"勤怠 花子","0012"', '"勤怠 花子","CORP\\hanakok"')
open(sys.argv[2], "wb").write(text.encode("cp932"))
PY
http POST "/api/v1/links/import?dry_run=1" -H "$AUTH" -H "Accept-Language: ja,en;q=0.5" \
    -F "file=@$T/edited.csv;type=text/csv"
expect_eq "dry run answers 200" 200 "$STATUS"
expect_eq "dry run says what would change, in Japanese" \
    "1件のアカウントを更新します（確認のみ。まだ変更していません）" "$(json_get "$BODY" 'j["summary"]')"
expect_eq "dry run lists old -> new" "0012: '' -> hanakok" \
    "$(json_get "$BODY" 'j["changes"][0]["employee"] + ": " + repr(j["changes"][0]["before"]) + " -> " + j["changes"][0]["after"]')"
expect_eq "dry run changed nothing" "$(md5sum <"$T/cli.csv")" \
    "$("$LR" links export ACM --kind lanscope | md5sum)"

http POST /api/v1/links/import -H "$AUTH" -F "file=@$T/edited.csv"
expect_eq "import answers 200" 200 "$STATUS"
expect_eq "import says N accounts updated" "1 accounts updated" "$(json_get "$BODY" 'j["summary"]')"
expect_eq "the file was read as CP932" "CP932" "$(json_get "$BODY" 'j["encoding"]')"
expect_eq "waiting events became punches" 2 "$(json_get "$BODY" 'j["punches"]["added"]')"
expect_eq "ledger has them" "0012,2026-11-16,clock_in,2026-11-16T09:01:00+09:00" \
    "$("$LR" punches ACM --from 2026-11-16 --to 2026-11-16 | grep '^0012' | head -1)"

# --- UTF-8 with a BOM, raw body, a broken file refused whole -------------
printf '\xEF\xBB\xBF連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n' > "$T/bad.csv"
printf 'LanScope連携,2,1000,勤怠 太郎,taro2\r\n' >> "$T/bad.csv"
printf 'LanScope連携,2,12,勤怠 花子,hana2\r\n' >> "$T/bad.csv"
BEFORE=$("$LR" links export ACM --kind lanscope --encoding utf-8)
http POST /api/v1/links/import -H "$AUTH" -H "Content-Type: text/csv" --data-binary @"$T/bad.csv"
expect_eq "a file with a bad row answers 422" 422 "$STATUS"
expect_eq "the problem is named with its line" "3 unknown_employee" \
    "$(json_get "$BODY" 'str(j["errors"][0]["line"]) + " " + j["errors"][0]["code"]')"
expect_eq "and nothing changed" "$BEFORE" "$("$LR" links export ACM --kind lanscope --encoding utf-8)"

OUT=$("$LR" links import ACM "$T/bad.csv" 2>&1) && RC=0 || RC=$?
expect_eq "CLI import of a bad file exits 1" 1 "$RC"
expect_eq "CLI names file, line and column" \
    "$T/bad.csv:3:14: field 3 (打刻先アカウント): no employee has the code '12' (did a spreadsheet drop leading zeros? '0012' exists; edit the CSV in a text editor)" \
    "$(printf '%s\n' "$OUT" | head -1)"

OUT=$(LANG=ja_JP.UTF-8 "$LR" links import ACM "$T/bad.csv" 2>&1) || true
expect_eq "in Japanese, the field as people count it" 1 \
    "$(printf '%s\n' "$OUT" | grep -c "^$T/bad.csv:3:14: 3列目（打刻先アカウント）: 打刻先アカウント「12」の従業員はいません")"
sed -i 's/,12,/,0012,/' "$T/bad.csv"
OUT=$(LANG=ja_JP.UTF-8 "$LR" links import ACM "$T/bad.csv")
expect_eq "CLI import in Japanese" "2件のアカウントを更新" "$(printf '%s\n' "$OUT" | grep 件)"

# --- the whole export sent back after editing one row (issue 19) ---------
# Unlinked employees show their employee code as the account; sent back
# unchanged, those rows link nobody.
"$LR" employee add ACM 2001 --last 山田 --first 一郎 >/dev/null
"$LR" employee add ACM 2002 --last 山田 --first 二郎 >/dev/null
"$LR" employee add ACM 2003 --last 山田 --first 三郎 >/dev/null
"$LR" links export ACM --kind lanscope -o "$T/all.csv"
python3 - "$T/all.csv" "$T/all-edited.csv" <<'PY'
import sys
text = open(sys.argv[1], "rb").read().decode("cp932")
text = text.replace('"山田 一郎","2001"', '"山田 一郎","ichiro"')
open(sys.argv[2], "wb").write(text.encode("cp932"))
PY
LINKS_BEFORE=$(db_sql 'SELECT count(*) FROM links')
http POST "/api/v1/links/import?dry_run=1" -H "$AUTH" -H "Accept-Language: ja" -F "file=@$T/all-edited.csv"
expect_eq "the whole export with one row edited: 1 to update, 4 unchanged" \
    "1件のアカウントを更新します（確認のみ。まだ変更していません） 1 4" \
    "$(json_get "$BODY" 'j["summary"], j["updated"], j["unchanged"]' | tr -d "(),'")"
expect_eq "the preview lists the unchanged rows, unlinked ones as such" \
    "0012:hana2 1000:taro2 2002:- 2003:-" \
    "$(json_get "$BODY" '" ".join("%s:%s" % (u["employee"], u["account"] or "-") for u in j["unchanged_rows"])')"
http POST /api/v1/links/import -H "$AUTH" -F "file=@$T/all-edited.csv"
expect_eq "applied: one account updated" "1 accounts updated" "$(json_get "$BODY" 'j["summary"]')"
expect_eq "and one link more, none named after an employee code" "$((LINKS_BEFORE + 1)) 0" \
    "$(db_sql 'SELECT count(*) FROM links') $(db_sql "SELECT count(*) FROM links WHERE account IN ('2002','2003')")"

# --- accounts that differ only in upper/lower case: accepted, warned -----
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\n' > "$T/case.csv"
printf 'LanScope連携,2,2002,山田 二郎,Taro2\n' >> "$T/case.csv"
printf 'LanScope連携,2,2003,山田 三郎,saburo\n' >> "$T/case.csv"
printf 'LanScope連携,2,0012,勤怠 花子,SABURO\n' >> "$T/case.csv"
http POST "/api/v1/links/import?dry_run=1" -H "$AUTH" -H "Accept-Language: en" -F "file=@$T/case.csv"
expect_eq "case-only differences are accepted (200), three lines warned" "200 2 3 4" \
    "$STATUS $(json_get "$BODY" '" ".join(str(w["line"]) for w in j["warnings"])')"
expect_eq "the warning names the upper/lower-case difference and the stored account" True \
    "$(json_get "$BODY" '"upper/lower case" in j["warnings"][0]["message"] and "taro2" in j["warnings"][0]["message"] and "1000" in j["warnings"][0]["message"]')"
expect_eq "the in-file one names the other line" True \
    "$(json_get "$BODY" '"line 4" in j["warnings"][1]["message"] and "line 3" in j["warnings"][2]["message"]')"
OUT=$(LANG=ja_JP.UTF-8 "$LR" links import ACM "$T/case.csv" --dry-run 2>&1)
expect_eq "CLI: the warning in Japanese, by line" 1 \
    "$(grep -c "^$T/case.csv:2:[0-9]*: 注意: 5列目（サービスアカウント）: .*taro2.*大文字と小文字" <<<"$OUT")"

# --- removing a link: "-" in the file, and loginrec link delete -----------
printf '連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\nLanScope連携,2,2001,山田 一郎,-\nLanScope連携,2,2002,山田 二郎,-\n' > "$T/remove.csv"
http POST /api/v1/links/import -H "$AUTH" -F "file=@$T/remove.csv"
expect_eq "'-' removes 2001's link; 2002 had none: unchanged" "200 1 1 ichiro -> (none)" \
    "$STATUS $(json_get "$BODY" '"%d %d %s -> %s" % (j["updated"], j["unchanged"], j["changes"][0]["before"], j["changes"][0]["after"] or "(none)")')"
expect_eq "2001 has no link now" 0 "$(db_sql "SELECT count(*) FROM links l JOIN employees e ON e.id = l.employee_id WHERE e.code = '2001'")"
OUT=$("$LR" link delete ACM --kind lanscope 0012)
expect_eq "link delete says what it removed" True "$(case "$OUT" in *"hana2"*0012*) echo True;; *) echo False;; esac)"
expect_eq "0012 has no link now, and it is audited" "0 1" \
    "$(db_sql "SELECT count(*) FROM links l JOIN employees e ON e.id = l.employee_id WHERE e.code = '0012'") $(db_sql "SELECT count(*) FROM audit_log WHERE action = 'link.delete'")"
RC=0; OUT=$("$LR" link delete ACM --kind lanscope 0012 2>&1) || RC=$?
expect_eq "deleting a link that is not there fails, saying so" "1 True" \
    "$RC $(case "$OUT" in *"no lanscope link"*) echo True;; *) echo False;; esac)"

# --- bad requests ---------------------------------------------------------
http POST /api/v1/links/import -H "$AUTH" -H "Content-Type: application/json" --data-binary '[]'
expect_eq "JSON is not a CSV upload" 415 "$STATUS"
http POST /api/v1/links/import -H "$AUTH" -F "note=hello"
expect_eq "multipart without a file is refused" 400 "$STATUS"
http GET "/api/v1/links.csv?kind=foo" -H "$AUTH"
expect_eq "unknown kind is refused" 400 "$STATUS"
http GET /api/v1/links.csv -H "Authorization: Bearer wrong"
expect_eq "a wrong token is refused" 401 "$STATUS"

finish
