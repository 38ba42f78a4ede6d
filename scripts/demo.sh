#!/bin/sh
# Creates a demo database: company DMO (デモ株式会社) with two divisions,
# four employees (one not linked yet), links for LanScope and MaLion, and
# the last seven days of logon/logoff events — all through the public CLI,
# so it doubles as an example of setting loginrec up.
#
#   scripts/demo.sh BUILD_DIR DB_PATH
# Writes the company's ingest token to DB_PATH.demo-token and its LanScope
# access token to DB_PATH.demo-lanscope-token and the password of the admin
# UI's administrator "admin" to DB_PATH.demo-admin (mode 0600).
set -eu
BUILD=$1
DB=$2
LR="$BUILD/loginrec --db $DB"
mkdir -p "$(dirname "$DB")"

$LR init >/dev/null
umask 077
$LR company add DMO "デモ株式会社" --tz Asia/Tokyo --breaks on >"$DB.demo-token"
$LR company token DMO --lanscope >"$DB.demo-lanscope-token" 2>/dev/null
# the admin UI's administrator, with a random password kept next to the database
head -c 12 /dev/urandom | base64 | tr -d '/+=' >"$DB.demo-admin"
$LR user add DMO admin --password-stdin <"$DB.demo-admin" >/dev/null
$LR division set DMO HQ --name 本社 --day-change 00:00 >/dev/null
$LR division set DMO DEV --name 開発部 --day-change 05:00 >/dev/null
$LR employee add DMO 1000 --last 勤怠 --first 太郎 --division HQ >/dev/null
$LR employee add DMO 1001 --last 勤怠 --first 花子 --division HQ >/dev/null
$LR employee add DMO 0012 --last 山田 --first 一郎 --division DEV >/dev/null
$LR employee add DMO 1003 --last 佐藤 --first 次郎 --division DEV >/dev/null
$LR link set DMO --kind lanscope 1000 tarouk >/dev/null
$LR link set DMO --kind malion 1001 'CORP\hanako' >/dev/null
$LR link set DMO --kind lanscope 0012 yamada >/dev/null

# one event as JSON: source account host op day(YYYY-MM-DD) time(HH:MM:SS)
ev() { printf '%s{"source":"%s","account":"%s","host":"%s","op":"%s","time":"%sT%s+09:00","version":"demo"}\n' \
    "$sep" "$1" "$2" "$3" "$4" "$5" "$6"; sep=","; }

json="$(dirname "$DB")/demo-events.json"
sep=""
{
    echo "["
    for i in 7 6 5 4 3 2 1; do
        d=$(date -d "$i days ago" +%F)
        m=$((i % 4))
        ev lanscope tarouk PC-TARO logon "$d" "08:5$m:00"
        ev lanscope tarouk PC-TARO logoff "$d" "12:0$m:00"
        ev lanscope tarouk PC-TARO logon "$d" "12:5$m:00"
        ev lanscope tarouk PC-TARO logoff "$d" "18:1$m:30"
        ev malion hanako PC-HANA logon "$d" "09:1$m:00"
        ev malion hanako PC-HANA file_copy "$d" "10:00:00"
        if [ "$i" -ne 1 ]; then ev malion hanako PC-HANA logoff "$d" "17:4$m:00"; fi
        # 山田: late nights that end after midnight (day change 05:00)
        n=$(date -d "$((i - 1)) days ago" +%F)
        ev lanscope yamada PC-DEV01 logon "$d" "10:3$m:00"
        ev lanscope yamada PC-DEV01 logoff "$n" "01:1$m:00"
        # 佐藤 has not been linked yet: kept and shown as unlinked
        ev lanscope jiro PC-DEV02 logon "$d" "09:00:00"
        ev lanscope jiro PC-DEV02 logoff "$d" "18:00:00"
    done
    echo "]"
} >"$json"
$LR ingest DMO "$json" >/dev/null
rm -f "$json"
