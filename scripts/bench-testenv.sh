#!/usr/bin/env bash
# Measures how long two test clusters take to become ready and the memory each uses.
set -euo pipefail
testenv=$1
dir=$(mktemp -d /tmp/liqo-bench-XXXX)
trap '"$testenv" down --dir "$dir/env"' EXIT
for run in 1 2 3; do
  start=$(date +%s.%N)
  "$testenv" up --dir "$dir/env" alpha beta >/dev/null
  end=$(date +%s.%N)
  printf 'run %d: two clusters ready in %.2f s\n' "$run" "$(echo "$end - $start" | bc)"
  if [ "$run" = 3 ]; then
    for c in alpha beta; do
      total=0
      while read -r name pid; do
        rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
        printf '  %s %-24s %6d MiB\n' "$c" "$name" $((rss / 1024))
        total=$((total + rss))
      done < <(python3 -c "import json,sys; [print(c['name'], c['pid']) for c in json.load(open(sys.argv[1]))['components']]" "$dir/env/$c/state.json")
      printf '  %s total RSS %d MiB\n' "$c" $((total / 1024))
    done
  fi
  "$testenv" down --dir "$dir/env"
done
