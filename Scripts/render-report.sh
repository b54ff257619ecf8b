#!/bin/bash
# Runs a shipped sweep (Examples/sweeps/h100-decode-bandwidth.xml: HBM bandwidth x SM count x
# batch), makes its HTML report with `einsim report`, renders it with headless Chromium (Debian's
# `chromium`, installed with apt when missing) and checks that every chart is visible: each chart's
# <svg> is laid out with a nonzero size inside the page, and the PNG is not blank.
#
#   bash Scripts/render-report.sh [OUT.png]     (EINSIM=path/to/einsim to use a built binary;
#                                                KEEP=1 keeps the work folder)
#
# Writes the screenshot to OUT.png (default: a temporary folder); docs/report-example.png is one
# (compressed with pngquant). Exit status: 0 every chart visible, 3 Chromium cannot be installed,
# anything else a failure (named on standard error).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT_PNG="${1:-}"

# Exit 3: Chromium is missing and cannot be installed here (CI reports that as a warning).
if ! command -v chromium >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null; } \
       || ! command -v chromium >/dev/null; then
        echo "render-report: chromium is not installed and apt-get could not install it" >&2
        exit 3
    fi
fi
if [ -z "${EINSIM:-}" ]; then
    swift build --product einsim >/dev/null
    EINSIM="$(swift build --show-bin-path)/einsim"
fi
export EINSIM_CASCADES="$ROOT/Examples/cascades" EINSIM_PROFILES="$ROOT/HardwareProfiles"

WORK=$(mktemp -d /tmp/einsim-report.XXXXXX)
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
[ -n "$OUT_PNG" ] || OUT_PNG="$WORK/report.png"

case "$EINSIM" in */*) EINSIM="$(cd "$(dirname "$EINSIM")" && pwd)/$(basename "$EINSIM")";; esac
SWEEP="$ROOT/Examples/sweeps/h100-decode-bandwidth.xml"
(cd "$WORK" && "$EINSIM" sweep "$SWEEP" --format jsonl --output h100-decode-bandwidth.jsonl \
   && "$EINSIM" report h100-decode-bandwidth.jsonl --html report.html --svg svg \
        --title "einsim report: Llama-3-8B decode on H100-class GPUs (Examples/sweeps/h100-decode-bandwidth.xml)")

# The report has no scripts; a copy with one measures every chart's box after layout.
python3 - "$WORK/report.html" "$WORK/measure.html" <<'EOF'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
probe = """<script>
window.addEventListener('load', function () {
  var lines = [];
  document.querySelectorAll('svg[data-chart]').forEach(function (s) {
    var r = s.getBoundingClientRect();
    lines.push(s.id + ' ' + Math.round(r.width) + ' ' + Math.round(r.height) + ' ' + Math.round(r.top + window.scrollY));
  });
  lines.push('page ' + document.documentElement.scrollWidth + ' ' + document.documentElement.scrollHeight);
  var pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = lines.join('\\n');
  document.body.appendChild(pre);
});
</script>
</body>"""
open(sys.argv[2], "w", encoding="utf-8").write(html.replace("</body>", probe))
EOF
CHROME=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --virtual-time-budget=5000)
"${CHROME[@]}" --window-size=1100,1000 --dump-dom "file://$WORK/measure.html" 2>/dev/null > "$WORK/dom.html"
LAYOUT=$(python3 - "$WORK/dom.html" "$WORK/report.html" <<'EOF'
import re, sys, html as h
dom = open(sys.argv[1], encoding="utf-8").read()
report = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r'<pre id="layout">(.*?)</pre>', dom, re.S)
if not m: sys.exit("render-report: the layout probe did not run (no <pre id=layout> in the DOM)")
charts = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" id="([^"]+)"', report)
boxes = {}
for line in h.unescape(m.group(1)).splitlines():
    name, *nums = line.split()
    boxes[name] = [int(n) for n in nums]
width, height = boxes.pop("page")
missing = [c for c in charts if c not in boxes]
small = [c for c, (w, hh, top) in boxes.items() if w < 200 or hh < 100 or top + hh > height]
if not charts or missing or small:
    sys.exit(f"render-report: charts not laid out: missing {missing}, too small or off the page {small}")
for c, (w, hh, top) in boxes.items(): print(f"{c} {w}x{hh} at y={top}", file=sys.stderr)
print(width, height, len(charts))
EOF
)
read -r PAGE_W PAGE_H NCHARTS <<<"$LAYOUT"
echo "render-report: $NCHARTS charts laid out on a ${PAGE_W}x${PAGE_H} page" >&2

# Screenshot of the whole page, then: a PNG, the page's size, and not blank (enough non-white pixels).
"${CHROME[@]}" --screenshot="$OUT_PNG" --window-size="$PAGE_W,$PAGE_H" "file://$WORK/report.html" 2>/dev/null >/dev/null
python3 - "$OUT_PNG" "$PAGE_W" "$PAGE_H" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n": sys.exit("render-report: the screenshot is not a PNG")
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT": idat += body
w, h, depth, color = ihdr[:4]
channels = {2: 3, 6: 4}.get(color)
if depth != 8 or channels is None: sys.exit(f"render-report: unexpected PNG format (depth {depth}, color type {color})")
raw, stride = zlib.decompress(idat), w * channels
prev, rows, i = bytearray(stride), 0, 0
ink = 0
for y in range(h):
    f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - channels] if x >= channels else 0; b = prev[x]; c = prev[x - channels] if x >= channels else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    ink += sum(1 for x in range(0, stride, channels) if min(line[x:x + 3]) < 200)
    prev = line
share = ink / (w * h)
if w < int(sys.argv[2]) or h < int(sys.argv[3]) * 0.95 or share < 0.02:
    sys.exit(f"render-report: the screenshot looks blank or cut ({w}x{h}, {share:.1%} ink)")
print(f"render-report: {sys.argv[1]}: {w}x{h} PNG, {len(data)} bytes, {share:.1%} of pixels inked", file=sys.stderr)
EOF
echo "render-report: ok" >&2
