#!/bin/sh
# Runs every fuzz target one after another (not in parallel: the fuzzer
# takes a core), then minimises each corpus and copies it to
# tests/fixtures/fuzz/<target>/, which tests/adversarial.rs replays.
#
#   cd fuzz && python3 make_seeds.py && ./run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Logs go to fuzz/logs/<target>.log; the last line of each run is
# libFuzzer's final stats ("Done N runs in S second(s)").
set -u
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-analyze import matching index event}
mkdir -p logs
for t in $targets; do
    mkdir -p corpus/$t
    # Start from the committed regression corpus as well as the seeds.
    cp -n ../tests/fixtures/fuzz/$t/* corpus/$t/ 2>/dev/null
    cargo +nightly fuzz run $t corpus/$t -- \
        -max_total_time=$secs -timeout=20 -rss_limit_mb=3072 -max_len=16384 \
        -print_final_stats=1 >logs/$t.log 2>&1
    echo "$t exit $?: $(grep -E '^(Done|stat::number_of_executed_units)' logs/$t.log | tr '\n' ' ')"
    ls artifacts/$t 2>/dev/null | sed "s|^|  artifact: artifacts/$t/|"
    cargo +nightly fuzz cmin $t corpus/$t -- -rss_limit_mb=3072 >logs/$t.cmin.log 2>&1
    rm -rf ../tests/fixtures/fuzz/$t
    mkdir -p ../tests/fixtures/fuzz/$t
    # Smallest inputs first, up to a budget that is fine to commit.
    total=0
    for f in $(ls -Sr corpus/$t); do
        size=$(stat -c %s corpus/$t/$f)
        [ $((total + size)) -gt ${BUDGET:-300000} ] && break
        cp corpus/$t/$f ../tests/fixtures/fuzz/$t/
        total=$((total + size))
    done
    echo "$t corpus: $(ls corpus/$t | wc -l) files minimised, $(ls ../tests/fixtures/fuzz/$t | wc -l) files ($(du -sk --apparent-size ../tests/fixtures/fuzz/$t | cut -f1) KB) kept in tests/fixtures/fuzz/$t"
done
