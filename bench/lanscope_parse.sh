#!/bin/bash
# The LanScope CSV parser against sqlite3's own CSV import, on the same
# generated 1,000,000-row CP932 file, in the same run. Both are timed as
# whole commands (read the file, parse every row) with the file in the page
# cache; median of RUNS. Usage: lanscope_parse.sh BUILD [RUNS] [ROWS]
set -eu
BUILD=$1
RUNS=${2:-5}
ROWS=${3:-${LANSCOPE_ROWS:-1000000}}
DIR="$BUILD/bench-tmp/lanscope"
mkdir -p "$DIR"
FILE="$DIR/lanscope-$ROWS.csv"
[ -f "$FILE" ] || python3 "$(dirname "$0")/gen_lanscope.py" "$FILE" "$ROWS"
cat "$FILE" > /dev/null

ms() { # ms COMMAND...: wall milliseconds of one run
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

baseline() {
    rm -f "$DIR/import.db"
    sqlite3 "$DIR/import.db" ".import --csv $FILE events"
}
ours=(); base=()
for _ in $(seq 1 "$RUNS"); do
    ours+=("$(ms "$BUILD/bench_lanscope" "$FILE")")
    base+=("$(ms baseline)")
done
read -r rows events _ < <("$BUILD/bench_lanscope" "$FILE")
o=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${base[@]}" | median)
awk -v rows="$rows" -v ev="$events" -v o="$o" -v b="$b" -v mb="$(($(stat -c %s "$FILE") / 1048576))" 'BEGIN {
    printf "file         %d rows, %d MiB CP932, %d events\n", rows, mb, ev
    printf "parser       %7.0f ms  %9.0f rows/s\n", o, rows / (o / 1000)
    printf "sqlite3      %7.0f ms  %9.0f rows/s  (.import --csv of the same file)\n", b, rows / (b / 1000)
    printf "ratio        %.2fx the baseline'"'"'s time\n", o / b
}'
