#!/bin/sh
# Rewrites the import fixtures (README.md says what each is) into OUT, by default this
# directory: the same bytes on every run. Needs python3 with openpyxl (Debian python3-openpyxl),
# glibc's iconv and yaz-marcdump (Debian yaz), as scripts/bootstrap installs them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)
python=/usr/bin/python3
py() { "$python" "$here/fixtures.py" "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8 TZ=UTC PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1

# The 2,000-copy catalogue, and the same in each legacy encoding.
py catalogue "$out/catalogue-utf8.csv"
iconv -f UTF-8 -t VISCII -o "$out/catalogue-viscii.csv" "$out/catalogue-utf8.csv"
iconv -f UTF-8 -t CP1258 -o "$out/catalogue-cp1258.csv" "$out/catalogue-utf8.csv"
iconv -f UTF-8 -t TCVN5712-1 -o "$out/catalogue-tcvn5712.csv" "$out/catalogue-utf8.csv"
py convert "$out/catalogue-utf8.csv" tcvn3 "$out/catalogue-tcvn3.csv"
py convert "$out/catalogue-utf8.csv" vni "$out/catalogue-vni.csv"
py convert "$out/catalogue-utf8.csv" vps "$out/catalogue-vps.csv"

# Koha: 500 records in UTF-8, then one in MARC-8 (Leader/09 blank).
py koha-xml "$tmp/koha.xml"
yaz-marcdump -i marcxml -o marc "$tmp/koha.xml" > "$tmp/koha.mrc"
py marc8-xml "$tmp/marc8.xml"
yaz-marcdump -i marcxml -o marc -f UTF-8 -t MARC-8 -l 9=32 "$tmp/marc8.xml" > "$tmp/marc8.mrc"
cat "$tmp/koha.mrc" "$tmp/marc8.mrc" > "$out/koha.mrc"

# Five records, the third broken after yaz wrote it.
py broken-xml "$tmp/broken.xml"
yaz-marcdump -i marcxml -o marc "$tmp/broken.xml" > "$tmp/good.mrc"
py break-third "$tmp/good.mrc" "$out/broken.mrc" > /dev/null

# The workbook in legacy fonts, and what it must import as.
py xlsx "$out/legacy-fonts.xlsx"
py expected "$out/legacy-fonts-expected.csv"
