#!/bin/bash
# Retention (issue 25, part 6): `loginrec purge CODE --before DATE`
# refuses a date that would remove records younger than five years (労働基準
# 法 第109条) unless --force; writes what it removes to the archive CSV
# first (never over a file); removes events, punches and what hangs on
# them, nothing after the date; is audited; a failure changes nothing. A
# company's retention (5 years or more) is applied by loginrecd by itself.
. "$(dirname "$0")/lib.sh"
"$LR" init > /dev/null
"$LR" company add ACM "Acme" > /dev/null
"$LR" employee add ACM 1001 --last 勤怠 --first 太郎 > /dev/null
"$LR" link set ACM --kind lanscope 1001 taro > /dev/null
ev() { printf '{"source":"lanscope","account":"taro","host":"PC-1","op":"%s","time":"%sT%s:00+09:00"}' "$1" "$2" "$3"; }
days="2019-11-20 2020-03-02 2021-06-01 2026-11-20"
{ printf '['; sep=""
  for d in $days; do printf '%s%s,%s' "$sep" "$(ev logon "$d" 09:00)" "$(ev logoff "$d" 18:00)"; sep=","; done
  printf ']'; } > "$T/events.json"
"$LR" ingest ACM "$T/events.json" > /dev/null
counts() { db_sql "SELECT (SELECT count(*) FROM log_events) || ' ' || (SELECT count(*) FROM punches) || ' ' || (SELECT count(*) FROM outbox)"; }
expect_eq "8 events, 8 punches, 8 outbox rows to start with" "8 8 8" "$(counts)"

LIMIT=$(python3 - <<'PY'
import datetime, os, time
now = time.time() + int(os.environ.get("LOGINREC_TIME_OFFSET_S", "0"))
d = datetime.datetime.fromtimestamp(now, datetime.timezone(datetime.timedelta(hours=9))).date()
print(d.replace(year=d.year - 5, day=28 if (d.month, d.day) == (2, 29) else d.day).isoformat())
PY
)
out=$("$LR" purge ACM --before 2023-01-01 --archive "$T/a.csv" 2>&1) && rc=0 || rc=$?
expect_eq "a date younger than five years: refused, citing 第109条 and the latest date allowed; nothing removed" \
    "1 1 8 8 8 0" \
    "$rc $(printf '%s' "$out" | grep -c "younger than 5 years: 労働基準法 第109条 .* The latest date allowed today is $LIMIT; --force removes them anyway") $(counts) $([ -e "$T/a.csv" ] && echo 1 || echo 0)"
out=$("$LR" purge ACM --before 2020-01-01 2>&1) && rc=0 || rc=$?
expect_eq "an archive, or --no-archive, must be named" 2 "$rc"

out=$("$LR" purge ACM --before 2021-01-01 --archive "$T/a.csv")
expect_eq "purge before 2021-01-01: the 2019 and 2020 days go, with their punches and outbox rows" \
    "purged ACM before 2021-01-01: 4 events, 4 punches, 0 乖離 days, 4 other rows; 8 rows archived in $T/a.csv|4 4 4" \
    "$out|$(counts)"
expect_eq "the archive: UTF-8 with a BOM, a header, each event as its source wrote it and each punch" \
    "record,id,time,work_day,employee,source,account,host,op,punch_kind,state,at,detail|event 2019-11-20T09:00:00+09:00 logon|event 2020-03-02T18:00:00+09:00 logoff|punch 2019-11-20 1001 clock_in|punch 2020-03-02 1001 clock_out|8" \
    "$(python3 - "$T/a.csv" <<'PY'
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
ev = [r for r in rows[1:] if r[0] == "event"]
pu = [r for r in rows[1:] if r[0] == "punch"]
print("|".join([",".join(rows[0]), " ".join([ev[0][0], ev[0][2], ev[0][8]]), " ".join([ev[-1][0], ev[-1][2], ev[-1][8]]),
                " ".join([pu[0][0], pu[0][3], pu[0][4], pu[0][9]]), " ".join([pu[-1][0], pu[-1][3], pu[-1][4], pu[-1][9]]), str(len(rows) - 1)]))
PY
)"
expect_eq "nothing before the date is left, everything after it is" "0 0 2021-06-01 2026-11-20" \
    "$(db_sql "SELECT count(*) FROM log_events WHERE ts_utc < 1609426800") $(db_sql "SELECT count(*) FROM punches WHERE work_day < '2021-01-01'") $(db_sql "SELECT DISTINCT work_day FROM punches ORDER BY work_day" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "audited, with what it removed and where it was archived" 1 \
    "$(db_sql "SELECT count(*) FROM audit_log WHERE action = 'purge' AND actor = 'cli' AND detail = 'before 2021-01-01: 4 events, 4 punches, 0 乖離, 4 other rows; archive $T/a.csv'")"
if [ -z "$PG_DB" ]; then
    expect_eq "no reference left dangling" "" "$(sqlite3 "$LOGINREC_DB" 'PRAGMA foreign_key_check')"
fi
expect_eq "the events' chain still verifies: the purge recorded where it resumes" 1 \
    "$("$LR" verify ACM | grep -c '^ACM: 4 events, every link matches; head #[0-9]* [0-9a-f]*; 1 purge(s) of older events recorded$')"
sum=$(md5sum < "$T/a.csv")
out=$("$LR" purge ACM --before 2021-01-01 --archive "$T/a.csv" 2>&1) && rc=0 || rc=$?
expect_eq "an archive is never written over" "1 1 $sum" "$rc $(printf '%s' "$out" | grep -c 'exists: an archive is never written over') $(md5sum < "$T/a.csv")"
out=$("$LR" purge ACM --before 2021-12-01 --archive "$T/no/such/dir/b.csv" 2>&1) && rc=0 || rc=$?
expect_eq "an archive that cannot be written: nothing removed, nothing left" "1 4 4 4 0" \
    "$rc $(counts) $(find "$T" -name '*.part-*' | wc -l)"

out=$("$LR" purge ACM --before 2026-11-01 --no-archive --force)
expect_eq "--force removes younger records, and the audit says it was forced" "2 2 2 2 1" \
    "$(printf '%s' "$out" | grep -o '[0-9]* events' | cut -d' ' -f1) $(printf '%s' "$out" | grep -o '[0-9]* punches' | cut -d' ' -f1) $(counts | cut -d' ' -f1-2) $(db_sql "SELECT count(*) FROM audit_log WHERE detail LIKE 'before 2026-11-01 (forced): %; archive none'")"

# --- retention: loginrecd purges by itself --------------------------------------
out=$("$LR" retention ACM 3 2>&1) && rc=0 || rc=$?
expect_eq "a retention under five years: refused" "1 1" "$rc $(printf '%s' "$out" | grep -c 'the retention must be 0 years (kept for ever) or 5 to 100 (労働基準法 第109条')"
"$LR" retention ACM 5 > /dev/null
{ printf '['; sep=""
  for d in 2019-11-20 2021-06-01 2026-11-28; do printf '%s%s,%s' "$sep" "$(ev logon "$d" 09:00)" "$(ev logoff "$d" 18:00)"; sep=","; done
  printf ']'; } > "$T/more.json"
"$LR" ingest ACM "$T/more.json" > /dev/null
start_server --no-kot --malion-interval 0 --purge-archive-dir "$T/archive"
for _ in $(seq 1 100); do grep -q "retention of company ACM" "$T/server.log" && break; sleep 0.1; done
expect_eq "loginrecd purges past the retention by itself (late records of old days too), archived" \
    "1 1 4 8" \
    "$(grep -c "retention of company ACM (5 years): before $LIMIT, 4 events, 4 punches, 0 乖離 removed; archive $T/archive/ACM-before-$LIMIT.csv" "$T/server.log") $([ -s "$T/archive/ACM-before-$LIMIT.csv" ] && echo 1) $(counts | cut -d' ' -f1) $(grep -c '^\(event\|punch\),' "$T/archive/ACM-before-$LIMIT.csv")"
expect_eq "audited as retention; purged_before keeps the latest bound (the forced one)" "2026-11-01 1" \
    "$(db_sql "SELECT purged_before FROM companies WHERE code = 'ACM'") $(db_sql "SELECT count(*) FROM audit_log WHERE actor = 'retention' AND action = 'purge'")"
expect_eq "the chain verifies after the purges that took events from its middle" 0 "$("$LR" verify ACM > /dev/null; echo $?)"
stop_server

# a purge that takes the chain's head (the last event stored is an old one)
printf '[%s]' "$(ev logon 2019-12-02 09:00)" > "$T/late.json"
"$LR" ingest ACM "$T/late.json" > /dev/null
"$LR" purge ACM --before 2021-01-01 --no-archive > /dev/null
expect_eq "a purge that removed the head: the chain verifies" 0 "$("$LR" verify ACM > /dev/null; echo $?)"
printf '[%s]' "$(ev logon 2026-11-29 09:00)" > "$T/next.json"
"$LR" ingest ACM "$T/next.json" > /dev/null
expect_eq "and goes on from it with the next event" 1 \
    "$("$LR" verify ACM | grep -c '^ACM: 5 events, every link matches')"

# two purges, an event that arrived late between them: the record the
# first made (place 3 follows the late event) is kept by the second
for d in 2019-01-01 2018-12-31 2019-01-02; do
    printf '[%s]' "$(ev logon "$d" 12:00)" > "$T/one.json"
    "$LR" ingest ACM "$T/one.json" > /dev/null
done
"$LR" purge ACM --before 2019-01-01 --no-archive > /dev/null
"$LR" purge ACM --before 2019-01-02 --no-archive > /dev/null
expect_eq "two purges around a late event: the chain verifies" 0 "$("$LR" verify ACM > /dev/null; echo $?)"
finish
