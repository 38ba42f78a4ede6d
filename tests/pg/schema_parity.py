#!/usr/bin/python3
"""Schema parity: the SQLite and the PostgreSQL schemas, each as loginrec's
migrations leave it, compared table by table: columns (type family,
not-null, default), primary keys, unique keys and indexes (columns,
uniqueness, partial or not). The two dialects' migrations are hand-kept
twins; this says where they drift.

Usage: schema_parity.py SQLITE_FILE POSTGRES_URL
Prints each difference; exits 1 when any is not on ALLOWED.
"""
import re
import sqlite3
import subprocess
import sys

# Differences that are meant, each with why. Keys are what diff() prints.
ALLOWED = {
    # SQLite numbers any INTEGER PRIMARY KEY an INSERT leaves out; the
    # migration runner always gives the version, so neither numbers it.
    "column schema_migrations.version: default 'auto' in SQLite, None in PostgreSQL":
        "SQLite's rowid; never left out",
    # A company's send-slot row is keyed by the company's id, always given.
    "column kot_send_slots.company_id: default 'auto' in SQLite, None in PostgreSQL":
        "SQLite's rowid; the company id is always given",
    # The mail settings' one row is id 1, always given (CHECK (id = 1)).
    "column mail_settings.id: default 'auto' in SQLite, None in PostgreSQL":
        "SQLite's rowid; the one row's id is always given",
}

FAMILIES = {
    "integer": "int", "bigint": "int", "int": "int", "smallint": "int",
    "text": "text", "character varying": "text", "varchar": "text",
    "real": "real", "double precision": "real", "numeric": "real", "double": "real",
    "blob": "blob", "bytea": "blob", "boolean": "int",
}


def family(t):
    t = t.strip().lower()
    t = re.sub(r"\(.*\)", "", t).strip()
    return FAMILIES.get(t, t)


def norm_default(d):
    """A default as both dialects can agree on it: '' and 'x' literals
    without casts, numbers, NULL as none."""
    if d is None:
        return None
    d = str(d).strip()
    d = re.sub(r"::[a-z ]+(\[\])?", "", d)  # PostgreSQL's casts
    while d.startswith("(") and d.endswith(")"):
        d = d[1:-1].strip()
    if d.upper() == "NULL":
        return None
    if d.startswith("nextval("):
        return "auto"
    return d


def norm_where(w):
    if not w:
        return ""
    w = re.sub(r"::[a-z ]+(\[\])?", "", w).lower()
    # PostgreSQL prints NOT IN (...) as <> ALL (ARRAY[...])
    w = re.sub(r"<>\s*all\s*\(array\[(.*?)\]\)", r"not in (\1)", w)
    w = w.replace("(", "").replace(")", "").replace('"', "")
    return " ".join(w.split())


def sqlite_schema(path):
    db = sqlite3.connect(path)
    tables = {}
    for (name, sql) in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
        cols, pk = {}, []
        for cid, cname, ctype, notnull, dflt, pkpos in db.execute("PRAGMA table_info(%s)" % name):
            cols[cname] = [family(ctype), bool(notnull) or pkpos > 0, norm_default(dflt)]
            if pkpos:
                pk.append((pkpos, cname))
        pk = tuple(c for _, c in sorted(pk))
        if len(pk) == 1 and cols[pk[0]][0] == "int" and re.search(
                r"\b%s\s+INTEGER\s+PRIMARY\s+KEY(?![^,]*REFERENCES)" % re.escape(pk[0]), sql, re.I):
            cols[pk[0]][2] = "auto"  # the rowid: numbered by SQLite (a reference is given, not numbered)
        uniques, indexes = set(), {}
        for _, iname, unique, origin, partial in db.execute("PRAGMA index_list(%s)" % name):
            icols = tuple(r[2] for r in db.execute("PRAGMA index_info(%s)" % iname))
            if origin == "pk":
                continue
            if origin == "u":
                uniques.add(icols)
                continue
            isql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (iname,)).fetchone()[0]
            where = isql.split(" WHERE ", 1)[1] if " WHERE " in isql else ""
            indexes[iname] = (icols, bool(unique), norm_where(where))
        tables[name] = {"cols": {k: tuple(v) for k, v in cols.items()}, "pk": pk,
                        "uniques": uniques, "indexes": indexes}
    return tables


def psql(url, sql):
    out = subprocess.run(["psql", url, "-qAtX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def pg_schema(url):
    tables = {}
    for t, c, dtype, nullable, dflt, identity in psql(url, (
            "SELECT table_name, column_name, data_type, is_nullable, COALESCE(column_default, "
            "'<none>'), is_identity FROM information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position")):
        tab = tables.setdefault(t, {"cols": {}, "pk": (), "uniques": set(), "indexes": {}})
        tab["cols"][c] = (family(dtype), nullable == "NO",
                          "auto" if identity == "YES" else
                          norm_default(None if dflt == "<none>" else dflt))
    for t, iname, indexdef, isprimary, isconstraint in psql(url, (
            "SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid), x.indisprimary, "
            "EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) "
            "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = "
            "x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'")):
        m = re.search(r"USING \w+ \((.*?)\)(?: WHERE (.*))?$", indexdef)
        icols = tuple(x.strip().strip('"') for x in m.group(1).split(","))
        where = m.group(2) or ""
        tab = tables[t]
        if isprimary == "t":
            tab["pk"] = icols
        elif isconstraint == "t":
            tab["uniques"].add(icols)
        else:
            tab["indexes"][iname] = (icols, indexdef.startswith("CREATE UNIQUE"), norm_where(where))
    return tables


def diff(a, b):
    """Every difference of b (PostgreSQL) against a (SQLite), as lines."""
    out = []
    for t in sorted(set(a) | set(b)):
        if t not in a or t not in b:
            out.append("table %s: only in %s" % (t, "SQLite" if t in a else "PostgreSQL"))
            continue
        x, y = a[t], b[t]
        for c in sorted(set(x["cols"]) | set(y["cols"])):
            if c not in x["cols"] or c not in y["cols"]:
                out.append("column %s.%s: only in %s" % (t, c, "SQLite" if c in x["cols"] else "PostgreSQL"))
                continue
            for what, i in (("type", 0), ("not null", 1), ("default", 2)):
                if x["cols"][c][i] != y["cols"][c][i]:
                    out.append("column %s.%s: %s %r in SQLite, %r in PostgreSQL"
                               % (t, c, what, x["cols"][c][i], y["cols"][c][i]))
        if x["pk"] != y["pk"]:
            out.append("table %s: primary key %s in SQLite, %s in PostgreSQL" % (t, x["pk"], y["pk"]))
        for u in sorted(x["uniques"] ^ y["uniques"]):
            out.append("table %s: unique %s only in %s"
                       % (t, ",".join(u), "SQLite" if u in x["uniques"] else "PostgreSQL"))
        for i in sorted(set(x["indexes"]) | set(y["indexes"])):
            if i not in x["indexes"] or i not in y["indexes"]:
                out.append("index %s.%s: only in %s" % (t, i, "SQLite" if i in x["indexes"] else "PostgreSQL"))
            elif x["indexes"][i] != y["indexes"][i]:
                out.append("index %s.%s: %s in SQLite, %s in PostgreSQL" % (t, i, x["indexes"][i], y["indexes"][i]))
    return out


def main():
    a, b = sqlite_schema(sys.argv[1]), pg_schema(sys.argv[2])
    bad = 0
    for line in diff(a, b):
        if line in ALLOWED:
            print("allowed - %s (%s)" % (line, ALLOWED[line]))
        else:
            print("differs - %s" % line)
            bad += 1
    print("%d tables compared, %d difference(s) not allowed" % (len(a), bad))
    return 1 if bad else 0


sys.exit(main())
