#!/usr/bin/env python3
"""Writes the LanScope CSV test files in this folder, in the encodings the
LanScope Cat manager and people's editors write. Run it after changing it;
the files are committed so the tests need no Python.

    python3 tests/data/lanscope/make.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, text, encoding, bom=False, eol="\r\n"):
    data = text.replace("\n", eol).encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# One row per event, as the manager writes it: CP932, CRLF, every field
# quoted, extra columns we do not read, DOMAIN\user (0x5C in CP932),
# SYSTEM rows, log kinds other than 1 and 2, a note with a comma, a doubled
# quote and a line break inside quotes.
write("events_cp932.csv", """\
"サブマネージャno","エージェントno","日時","イベント日時","ログオンユーザ名","ログ種類","コンピュータ名","備考"
"1","101","2026/11/20 05:10:00.000","2026/11/20 08:58:12.000","CORP\\tarouk","1","PC-TARO","朝, 一番"
"1","102","2026/11/20 05:10:00.000","2026/11/20 08:59:00.000","SYSTEM","1","PC-TARO",""
"1","101","2026/11/20 05:10:00.000","2026/11/20 09:30:00.000","tarouk","7","PC-TARO","画面ロック"
"1","103","2026/11/20 05:10:00.000","2026/11/20 09:01:30.000","hanako","1","PC-HANA","彼女は""早番""
改行あり"
"1","101","2026/11/21 05:10:00.000","2026/11/20 18:05:44.000","CORP\\tarouk","2","PC-TARO",""
"1","103","2026/11/21 05:10:00.000","2026/11/20 17:30:00.000","hanako","2","PC-HANA",""
""", "cp932")

# One row per user and day (the 勤怠簿出力.sql grouping): UTF-8 with a BOM,
# LF, columns in another order, an empty start time, milliseconds and an
# ISO 8601 time with an offset.
write("days_utf8bom.csv", """\
ログオンユーザ名,終了日時,日付,開始日時
tarouk,2026/11/20 18:05:44.123,2026/11/20,2026/11/20 08:58:12
hanako,2026-11-20T17:30:00+09:00,2026/11/20,
"CORP\\jiro",,2026/11/20,2026/11/20 10:00
SYSTEM,2026/11/20 23:00:00,2026/11/20,2026/11/20 00:00:00
""", "utf-8", bom=True, eol="\n")

# The same events in UTF-8 without a BOM, LF, unquoted.
write("events_utf8.csv", """\
日時,イベント日時,ログオンユーザ名,ログ種類
2026/11/20 05:10:00,2026/11/20 08:58:12,tarouk,1
2026/11/21 05:10:00,2026/11/20 18:05:44,tarouk,2
""", "utf-8", eol="\n")

# Errors: each names its line and column.
write("err_layout.csv", """\
"社員番号","氏名","出勤"
"1000","勤怠 太郎","09:00"
""", "cp932")
write("err_missing_column.csv", """\
"日時","イベント日時","ログ種類"
"2026/11/20 05:10:00","2026/11/20 08:58:12","1"
""", "cp932")
write("err_date.csv", """\
"日時","イベント日時","ログオンユーザ名","ログ種類"
"2026/11/20 05:10:00","2026/11/20 08:58:12","tarouk","1"
"2026/11/20 05:10:00","2026/11/31 18:00:00","tarouk","2"
""", "cp932")
write("err_kind.csv", """\
"日時","イベント日時","ログオンユーザ名","ログ種類"
"2026/11/20 05:10:00","2026/11/20 08:58:12","tarouk","1"
"2026/11/20 05:10:00","2026/11/20 18:00:00","tarouk","ログオフ"
""", "cp932")
write("err_fields.csv", """\
"日時","イベント日時","ログオンユーザ名","ログ種類"
"2026/11/20 05:10:00","2026/11/20 08:58:12","tarouk","1"
"2026/11/20 05:10:00","2026/11/20 18:00:00","tarouk"
""", "cp932")
write("err_user.csv", """\
日付,ログオンユーザ名,開始日時,終了日時
2026/11/20,tarouk,2026/11/20 08:58:12,2026/11/20 18:05:44
2026/11/20,CORP\\,2026/11/20 09:00:00,2026/11/20 17:00:00
""", "utf-8", eol="\n")
write("err_quote.csv", """\
"日時","イベント日時","ログオンユーザ名","ログ種類"
"2026/11/20 05:10:00","2026/11/20 08:58:12","tarouk,"1"
""", "cp932")
write("err_empty.csv", "", "cp932")
