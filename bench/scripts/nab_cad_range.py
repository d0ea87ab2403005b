#!/usr/bin/env python3
"""Runs NAB's CAD OSE detector (from a NAB checkout) with a chosen input range and writes its scores in
NAB's results layout, for `bench/run nab --scores OUT/<mode>`.

NAB hands every detector the file's minimum and maximum before the first point. A causal detector
cannot know them, so this measures what that knowledge is worth to CAD OSE:

  oracle    the whole file's min and max, as NAB does
  causal    min and max of the probationary 15%, later values clamped into that range
  headroom  the same, with one more span of headroom above the maximum

Usage: bench/scripts/nab_cad_range.py NAB_CHECKOUT CORPUS_DIR OUT_DIR MODE
"""
import csv
import json
import math
import os
import sys


def main(nab, corpus, out, mode):
    sys.path.insert(0, nab)
    from nab.detectors.context_ose.cad_ose import ContextualAnomalyDetectorOSE

    with open(os.path.join(corpus, "windows.json")) as f:
        names = list(json.load(f))
    for name in names:
        with open(os.path.join(corpus, name)) as f:
            rows = list(csv.DictReader(f))
        values = [float(r["value"]) for r in rows]
        probation = int(min(math.floor(0.15 * len(values)), 0.15 * 5000))
        if mode == "oracle":
            lo, hi = min(values), max(values)
        elif mode in ("causal", "headroom"):
            lo, hi = min(values[:probation]), max(values[:probation])
            if mode == "headroom":
                hi += hi - lo
        else:
            raise SystemExit("unknown mode " + mode)
        detector = ContextualAnomalyDetectorOSE(minValue=lo, maxValue=hi, restPeriod=probation / 5.0)
        category, base = name.split("/")
        target = os.path.join(out, mode, category)
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, mode + "_" + base), "w") as f:
            f.write("timestamp,value,anomaly_score\n")
            for row, v in zip(rows, values):
                clamped = v if mode == "oracle" else min(max(v, lo), hi)
                score = detector.getAnomalyScore({"value": clamped})
                f.write("%s,%s,%r\n" % (row["timestamp"], row["value"], score))
        print(name, file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
