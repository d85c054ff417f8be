#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database and the uploaded files, together.
#
#   DATABASE_URL=postgres://ssp_owner@127.0.0.1:5432/ssp_portal MEDIA_ROOT=/srv/ssp/media \
#     scripts/backup.sh /srv/backups
#
# Writes DIR/ssp-<UTC time>/ with:
#   database.dump  pg_dump in its custom format (-Fc), taken first
#   media.tar      the files under MEDIA_ROOT at the time of the dump
#   media.sha256   the SHA-256 of each of those files (sha256sum format, paths under MEDIA_ROOT)
#   SHA256SUMS     the SHA-256 of the three files above, to check the backup itself
# Use the owner role's DATABASE_URL (the app role cannot read the sequences). See
# docs/operations.md; scripts/restore.sh restores it into a new database and media folder.
#
# With SSP_STORAGE=s3 (and the SSP_S3_* of the portal) the files are read from the bucket through
# the storage API (`manage.py media_export`) instead of MEDIA_ROOT, into the same two files.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "Usage: DATABASE_URL=postgres://... MEDIA_ROOT=/path/to/media $0 BACKUP_DIR" >&2
  exit 2
fi
: "${DATABASE_URL:?DATABASE_URL must name the database to back up (the URL of the owner role)}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "DATABASE_URL is not a PostgreSQL URL: only PostgreSQL is backed up by this script." >&2; exit 2 ;;
esac
object_store=false
[ "${SSP_STORAGE:-filesystem}" = "s3" ] && object_store=true
if ! $object_store; then
  : "${MEDIA_ROOT:?MEDIA_ROOT must name the folder of the uploaded files}"
  if [ ! -d "$MEDIA_ROOT" ]; then
    echo "MEDIA_ROOT ($MEDIA_ROOT) is not a folder." >&2
    exit 2
  fi
fi
project=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$project/.venv/bin/python" ]; then PYTHON="$project/.venv/bin/python"; else PYTHON=python3; fi
fi

umask 077
mkdir -p "$1"
backup="$(cd "$1" && pwd)/ssp-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$backup"  # fails if a backup of this very second exists
trap 'echo "Backup failed; removing the incomplete $backup" >&2; rm -rf "$backup"' ERR

# The database first: every file it names was stored before it, so the media copied next has them.
pg_dump --format=custom --file="$backup/database.dump" --dbname="$DATABASE_URL"

# The media: list the files once, checksum them, and archive exactly those.
if $object_store; then
  (cd "$project" && "$PYTHON" manage.py media_export "$backup/media.tar" "$backup/media.sha256")
else
  list="$backup/.files"
  (cd "$MEDIA_ROOT" && find . -type f -print0 | LC_ALL=C sort -z) > "$list"
  (cd "$MEDIA_ROOT" && xargs -0 -r sha256sum -- < "$list") > "$backup/media.sha256"
  tar -C "$MEDIA_ROOT" --null --files-from="$list" -cf "$backup/media.tar"
  rm "$list"
fi

(cd "$backup" && sha256sum database.dump media.tar media.sha256 > SHA256SUMS)
trap - ERR
echo "Backup written to $backup ($(wc -l < "$backup/media.sha256") files, database $(du -h "$backup/database.dump" | cut -f1))."
