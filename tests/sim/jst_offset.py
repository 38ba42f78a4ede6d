#!/usr/bin/env python3
"""Prints the LOGINREC_TIME_OFFSET_S (seconds) that puts the clock of loginrec
and of the simulators at HH:MM[:SS] JST.

    export LOGINREC_TIME_OFFSET_S=$(python3 tests/sim/jst_offset.py 09:00)

The day is today's JST date as the clock reads it now: the real time plus
the LOGINREC_TIME_OFFSET_S already set, if any (so a whole test run can be
put on another day, or at another hour, and each test still lands where it
asks).
"""
import os
import sys
import time

h, m, s = (list(map(int, sys.argv[1].split(":"))) + [0])[:3]
real = time.time()
now = real + int(os.environ.get("LOGINREC_TIME_OFFSET_S") or 0)
jst_midnight = (now + 9 * 3600) // 86400 * 86400 - 9 * 3600
print(int(jst_midnight + h * 3600 + m * 60 + s - real))
