# shellcheck shell=bash
# Prints the chaos suites' ledger (tests/Hub.Chaos/Infrastructure/ChaosReport.cs writes it) as a table:
# kind, scenario, how much was tried, how much was lost. Usage: chaos_table FILE
chaos_table() {
  local file=$1
  [ -s "$file" ] || { echo "(no chaos rows in $file)"; return 0; }
  awk -F'\t' '
    BEGIN { printf "%-7s | %-72s | %16s | %5s | %s\n", "kind", "scenario", "tried", "lost", "detail";
            printf "%s\n", "--------+--------------------------------------------------------------------------+------------------+-------+--------" }
    { printf "%-7s | %-72s | %9d %-6s | %5d | %s\n", $1, substr($2, 1, 72), $3, substr($4, 1, 6), $5, $6; lost += $5; tried[$1] += $3; rows++ }
    END { printf "%d scenarios; faults injected %d, inputs tried %d, access attempts %d, load units %d; lost %d\n",
            rows, tried["fault"], tried["input"], tried["access"], tried["load"], lost }' "$file"
}
