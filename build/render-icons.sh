#!/bin/sh
# Renders icon.svg into what electron-builder reads from this folder: icon.png (1024 px; also the
# window icon on Linux), icons/NxN.png (Linux), icon.ico (Windows) and icon.icns (macOS).
# Needs rsvg-convert, ImageMagick and png2icns: apt-get install librsvg2-bin imagemagick icnsutils
set -eu
cd "$(dirname "$0")"
mkdir -p icons
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
cp icons/1024x1024.png icon.png
convert icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png icons/128x128.png icons/256x256.png icon.ico
png2icns icon.icns icons/16x16.png icons/32x32.png icons/48x48.png icons/128x128.png icons/256x256.png icons/512x512.png icons/1024x1024.png >/dev/null
