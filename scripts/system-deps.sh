#!/bin/sh
# Debian packages guidegen needs: fonts, Pango (WeasyPrint), HarfBuzz's subsetter
# (fast font subsetting), cups-client (guidegen print), poppler-utils (tests look
# at the PDFs), zbar-tools (tests decode the printed QR codes), cups with
# printer-driver-cups-pdf and cups-ipp-utils (tests print to a private CUPS server),
# chromium and chromium-driver (tests drive the desk page in a real browser), python3-venv.
# As root, installs what is missing; otherwise prints the exact apt-get line.
set -eu

PACKAGES="fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 cups-client
poppler-utils zbar-tools cups printer-driver-cups-pdf cups-ipp-utils chromium chromium-driver"

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    missing="$missing python3-venv"
fi

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "guidegen needs these Debian/Ubuntu packages or their equivalents:$missing" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "guidegen needs system packages. Run as root:" >&2
    echo "    apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
