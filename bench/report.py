#!/usr/bin/env python3
"""Gathers the benchmarks' figures into one results.json and draws them.

    report.py RESULTS_DIR

Each benchmark left RESULTS_DIR/parts/NAME.json, one object
{"value", "unit", "baseline", "ratio", "detail"}. This writes
RESULTS_DIR/results.json (one object, an entry per benchmark, in the order
of ORDER and then the rest by name), prints a table, and draws
RESULTS_DIR/results.png with gnuplot: each benchmark's ratio to its
baseline (what the ratio means is in each entry's detail.ratio_means).
"""
import json
import os
import subprocess
import sys

ORDER = ["ingest_e2e", "ingest_api", "day_engine", "latency", "durability", "memory", "log_view"]
KEYS = ("value", "unit", "baseline", "ratio", "detail")

out = sys.argv[1]
parts = os.path.join(out, "parts")
found = {f[:-5]: json.load(open(os.path.join(parts, f)))
         for f in sorted(os.listdir(parts)) if f.endswith(".json")}
names = [n for n in ORDER if n in found] + sorted(n for n in found if n not in ORDER)
results = {}
for n in names:
    e = found[n]
    missing = [k for k in KEYS if k not in e]
    if missing:
        sys.exit("report: %s lacks %s" % (n, ", ".join(missing)))
    results[n] = {k: e[k] for k in KEYS}
with open(os.path.join(out, "results.json"), "w") as f:
    json.dump(results, f, indent=1, ensure_ascii=False)
    f.write("\n")

missing = [n for n in ORDER if n not in results]
print("%-16s %14s %-10s %14s %8s  %s" % ("benchmark", "value", "unit", "baseline", "ratio", "ratio means"))
for n in names:
    e = results[n]
    fmt = lambda v: "-" if v is None else ("%.4g" % v)
    print("%-16s %14s %-10s %14s %8s  %s" % (n, fmt(e["value"]), e["unit"], fmt(e["baseline"]),
                                             fmt(e["ratio"]), e["detail"].get("ratio_means", "")))
if missing:
    print("not run: " + ", ".join(missing))

# the chart: one bar per benchmark with a ratio
rows = [(n, results[n]["ratio"]) for n in names if results[n]["ratio"] is not None]
data = os.path.join(out, "results.dat")
with open(data, "w") as f:
    for i, (n, r) in enumerate(rows):
        f.write('%d "%s" %g\n' % (i, n, r))
script = """
set terminal pngcairo size 1000,520 font "sans,10" noenhanced
set output "%s"
set title "loginrec benchmarks: our cost / the baseline's, measured in the same run (1 = as good as the baseline; log scale)"
set style fill solid 0.7 border -1
set boxwidth 0.6
set logscale y
set grid ytics
set ylabel "ratio (see results.json: detail.ratio_means)"
set xtics rotate by -20
set yrange [0.1:100]
plot "%s" using 1:3:xtic(2) with boxes notitle lc rgb "#3b6ea5", \\
     "" using 1:3:(sprintf("%%.2f", $3)) with labels offset 0,1 notitle, \\
     1 with lines dt 2 lc rgb "#888888" title "= baseline"
""" % (os.path.join(out, "results.png"), data)
try:
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    print("chart: %s" % os.path.join(out, "results.png"))
except (OSError, subprocess.CalledProcessError) as e:
    print("report: no chart (%s); gnuplot-nox draws it" % e)
