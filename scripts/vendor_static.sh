#!/bin/sh
# Copy the front-end libraries labsite serves itself (no CDN) from node_modules into static/vendor/.
#
# Run after changing package.json:  npm ci && sh scripts/vendor_static.sh
# The output is committed, so a machine with only Python (`make run`) never needs npm.
#
# KaTeX's stylesheet lists woff2, woff and ttf for each font. Every browser labsite supports reads
# woff2, so only those are copied, and the stylesheet is rewritten to name only them: whitenoise's
# manifest storage refuses a stylesheet whose url() points at a file that does not exist.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC="$ROOT/node_modules/katex/dist"
DEST="$ROOT/static/vendor/katex"

if [ ! -f "$SRC/katex.min.js" ]; then
    echo "vendor_static: $SRC/katex.min.js is missing; run 'npm ci' first." >&2
    exit 1
fi

rm -rf "$DEST"
mkdir -p "$DEST/contrib" "$DEST/fonts"
cp "$SRC/katex.min.js" "$DEST/katex.min.js"
cp "$SRC/contrib/auto-render.min.js" "$DEST/contrib/auto-render.min.js"
cp "$SRC"/fonts/*.woff2 "$DEST/fonts/"
sed -E 's/,url\(fonts\/[A-Za-z0-9_-]+\.woff\) format\("woff"\)//g; s/,url\(fonts\/[A-Za-z0-9_-]+\.ttf\) format\("truetype"\)//g' \
    "$SRC/katex.min.css" > "$DEST/katex.min.css"
cp "$ROOT/node_modules/katex/LICENSE" "$DEST/LICENSE"

if grep -Eq 'url\(fonts/[^)]*\.(woff|ttf)\)' "$DEST/katex.min.css"; then
    echo "vendor_static: katex.min.css still names woff/ttf fonts; update the sed expression." >&2
    exit 1
fi
version=$(node -p "require('$ROOT/node_modules/katex/package.json').version" 2>/dev/null || echo unknown)
echo "$version" > "$DEST/VERSION"
echo "vendor_static: KaTeX $version copied to static/vendor/katex/"
