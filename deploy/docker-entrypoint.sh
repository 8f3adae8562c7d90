#!/bin/sh
# Container entry point: make the search index baked into the image available
# under SPARRING_DATA_DIR, then run the command (by default the bot service).
#
# The image builds the index at /app/var/index. At run time SPARRING_DATA_DIR
# (default /data) holds the index and the conversation state; when a volume is
# mounted there it hides whatever the image had, so the baked index is copied
# in whenever the copy is missing or differs (a new image with new content).
# The state files next to it are never touched.
set -eu

baked="${SPARRING_BAKED_INDEX:-/app/var/index}"
data="${SPARRING_DATA_DIR:-/data}"
target="$data/index"

if [ -f "$baked/manifest.json" ] && [ "$target" != "$baked" ]; then
    if ! cmp -s "$baked/manifest.json" "$target/manifest.json" 2>/dev/null; then
        echo "entrypoint: copying the search index into $target" >&2
        mkdir -p "$data"
        tmp="$data/.index.tmp.$$"
        rm -rf "$tmp" "$data/.index.old"
        cp -R "$baked" "$tmp"
        if [ -e "$target" ]; then
            mv "$target" "$data/.index.old"
        fi
        mv "$tmp" "$target"
        rm -rf "$data/.index.old"
    fi
fi

exec "$@"
