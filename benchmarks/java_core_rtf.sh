#!/usr/bin/env bash
# Java-side time of the Android core's live unet1d path (Unet1dStream, 1 s chunks) on SECONDS (default 600) of Lead I at 500 Hz with a
# stand-in model; prints "seconds windows java_ms". Needs javac (JDK 17). From the repository root:
#   bash benchmarks/java_core_rtf.sh 600
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
javac -d "$out" $(find "$root/android_demo/core/src/main/java" -name '*.java') "$root/benchmarks/java/CoreBenchmark.java"
mapfile -t rows < <(cd "$root" && python -c '
from ecgtf.preprocessing.signal import bandpass_sos
for r in bandpass_sos(0.5, 40.0, 500.0, 4): print(",".join(repr(float(v)) for v in r))')
java -cp "$out" CoreBenchmark "$seconds" "${rows[@]}"
