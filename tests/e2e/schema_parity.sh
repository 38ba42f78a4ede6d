#!/bin/bash
# Schema parity (issue 20): the SQLite and PostgreSQL schemas as loginrec's
# migrations leave them, compared by tests/pg/schema_parity.py: tables,
# columns (type family, not-null, default), primary keys, unique keys and
# indexes. A difference not on its commented allow-list fails.
. "$(dirname "$0")/lib.sh"
[ -n "$PG_DB" ] || { echo "schema_parity needs LR_TEST_BACKEND=postgres"; exit 1; }
"$LR" init >/dev/null                          # PostgreSQL: the test's database
LOGINREC_KEY_FILE="$T/sqlite.key" "$LR" --db "$T/parity.db" init >/dev/null
if out=$(python3 "$(dirname "$0")/../pg/schema_parity.py" "$T/parity.db" "$LOGINREC_DB"); then
    ok "the two schemas agree: $(tail -1 <<<"$out")"
else
    printf '%s\n' "$out"
    not_ok "the two schemas differ"
fi
# the comparison itself sees a difference: one more column on one side
sqlite3 "$T/parity.db" "ALTER TABLE links ADD COLUMN drift TEXT"
out=$(python3 "$(dirname "$0")/../pg/schema_parity.py" "$T/parity.db" "$LOGINREC_DB") && rc=0 || rc=$?
expect_eq "a column only one dialect has is a difference" "1 1" \
    "$rc $(grep -c '^differs - column links.drift: only in SQLite' <<<"$out")"
finish
