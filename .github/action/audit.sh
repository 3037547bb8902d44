#!/usr/bin/env bash
# The audit step of action.yml: the audit once as SARIF (for code scanning), then, unless that is the
# format asked for, once more in that format for the job log. Findings (exit code 1) do not fail this
# step, so the SARIF is still uploaded; a usage or fatal error (2) does.
#
# Environment: SQL_RACE_BIN (the built CLI), INPUT_PATHS, INPUT_FORMAT, INPUT_ARGS, INPUT_SARIF_FILE,
# GITHUB_OUTPUT.
set -uo pipefail

read -r -a paths <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
read -r -a extra <<< "${INPUT_ARGS:-}"
format="${INPUT_FORMAT:-stylish}"
sarif="${INPUT_SARIF_FILE:-sql-race.sarif}"

audit() {
  node "$SQL_RACE_BIN" audit "${paths[@]}" ${extra[@]+"${extra[@]}"} --no-progress "$@"
}

audit --format sarif --output-file "$sarif"
code=$?
if [ "$code" -gt 1 ]; then
  echo "::error::sql-race audit failed with exit code $code (a usage or fatal error, see above)."
  exit "$code"
fi

if [ "$format" != sarif ]; then
  if [ "$format" = stylish ]; then audit --format stylish --color; else audit --format "$format"; fi
fi

{
  echo "exit-code=$code"
  echo "sarif-file=$sarif"
} >> "${GITHUB_OUTPUT:-/dev/null}"
