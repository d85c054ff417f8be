#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into a NEW database and a NEW media folder, then check it:
# the audit log's hash chain (manage.py audit_verify) and every submission receipt against the
# restored applications and files (manage.py receipts_verify).
#
#   createdb -O ssp_owner ssp_restored
#   DATABASE_URL=postgres://ssp_owner@127.0.0.1:5432/ssp_restored MEDIA_ROOT=/srv/ssp/media-restored \
#     scripts/restore.sh /srv/backups/ssp-20261201T000000Z
#
# The database must exist and be empty, and the media folder must be missing or empty: this
# script never writes over a portal in use. Objects are owned by the role of DATABASE_URL (the
# owner role); run `manage.py db_grant_app_role <app role>` on the restored database afterwards.
# PYTHON names the portal's interpreter (default: .venv/bin/python, else python3).
# With SSP_STORAGE=s3 the files go into the bucket and prefix of SSP_S3_*, which must be empty,
# through the storage API (`manage.py media_import`), instead of MEDIA_ROOT.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "Usage: DATABASE_URL=postgres://.../new_database MEDIA_ROOT=/new/media/folder $0 BACKUP_DIR" >&2
  exit 2
fi
: "${DATABASE_URL:?DATABASE_URL must name the new, empty database to restore into}"
object_store=false
[ "${SSP_STORAGE:-filesystem}" = "s3" ] && object_store=true
$object_store || : "${MEDIA_ROOT:?MEDIA_ROOT must name the new folder for the uploaded files}"
backup=$(cd "$1" && pwd)
project=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$project/.venv/bin/python" ]; then PYTHON="$project/.venv/bin/python"; else PYTHON=python3; fi
fi

echo "Checking the backup's own checksums"
(cd "$backup" && sha256sum --quiet --strict -c SHA256SUMS)

tables=$(psql --no-psqlrc -Atc "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')" "$DATABASE_URL")
if [ "$tables" != "0" ]; then
  echo "The database of DATABASE_URL has $tables tables: restore only into a new, empty database." >&2
  exit 1
fi
if ! $object_store && [ -e "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "MEDIA_ROOT ($MEDIA_ROOT) is not empty: restore only into a new media folder." >&2
  exit 1
fi

echo "Restoring the database"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$backup/database.dump"

echo "Restoring the uploaded files"
cd "$project"
export DATABASE_URL
if $object_store; then
  # Into the bucket and prefix of SSP_S3_*, which must be empty; each file checked as it goes.
  "$PYTHON" manage.py media_import "$backup/media.tar" "$backup/media.sha256"
else
  mkdir -p "$MEDIA_ROOT"
  tar -C "$MEDIA_ROOT" -xf "$backup/media.tar"
  (cd "$MEDIA_ROOT" && sha256sum --quiet --strict -c "$backup/media.sha256")
  export MEDIA_ROOT
fi

echo "Checking the audit log and the receipts of the restored copy"
"$PYTHON" manage.py audit_verify
"$PYTHON" manage.py receipts_verify
echo "Restored and verified. Next: manage.py db_grant_app_role <app role> on the restored database."
