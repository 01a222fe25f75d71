#!/usr/bin/env bash
# Adds a migration for both database providers: eng/migrations.sh NAME
# (Until the first release, the project keeps a single migration: eng/migrations.sh --reset Initial.)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
if [ "${1:-}" = "--reset" ]; then
  shift
  rm -rf src/CodegenCicd/Data/Migrations
fi
name="${1:?usage: eng/migrations.sh [--reset] NAME}"
for provider in Sqlite PostgreSql; do
  dotnet ef migrations add "$name" --project src/CodegenCicd --context "${provider}AppDbContext" \
    --output-dir "Data/Migrations/$provider"
done
