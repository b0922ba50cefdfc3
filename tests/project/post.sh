#!/bin/sh
# make post's copies (scripts/post.py): every patch and cover letter of
# every series, authored and signed off by the poster alone, the new
# test's copyright line naming the poster, patches/ untouched; refused
# without an identity, with one that is not "Name <mail>", and with the
# series' shared identity.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
poster="Ada Poster <ada@example.org>"
before=$(cd "$TOP" && git status --porcelain -- patches)

python3 "$TOP/scripts/post.py" "$poster" "$out" || bad "post.py failed"
n=$(grep -vc '^#' "$TOP/patches/series")
series=$(ls "$TOP/patches" | grep -v '^series$' | wc -l)
got=$(find "$out" -name '*.patch' | wc -l)
echo "post: $got files for $n patches and $series cover letters"
[ "$got" = $((n + series)) ] || bad "$got files, not $((n + series))"
for f in $(find "$out" -name '*.patch'); do
    name=${f#$out/}
    grep -q "^From: $poster\$" "$f" || bad "$name: author is not the poster"
    case $name in
    */0000-cover-letter.patch) ;;
    *) [ "$(grep -c "^Signed-off-by: $poster\$" "$f")" = 1 ] ||
           bad "$name: not signed off once by the poster" ;;
    esac
    [ "$(grep -c '^Signed-off-by:' "$f")" = "$(grep -c "^Signed-off-by: $poster\$" "$f")" ] ||
        bad "$name: a sign-off other than the poster's"
    ! grep -q 'large-guests series authors' "$f" ||
        bad "$name: the copyright line still names the series' authors"
done
grep -rq "Copyright (c) [0-9]* Ada Poster\$" "$out" ||
    bad "no copyright line names the poster"
[ "$(cd "$TOP" && git status --porcelain -- patches)" = "$before" ] ||
    bad "patches/ changed"
for who in "" "nobody" "$(sed -n 's/^From: //p' "$TOP/patches/fixes/0001-"*.patch | head -n 1) $(sed -n '3s/^ //p' "$TOP/patches/fixes/0001-"*.patch)"; do
    if python3 "$TOP/scripts/post.py" "$who" "$out/refused" > "$out/err" 2>&1; then
        bad "post.py accepted \"$who\""
    else
        echo "refused \"$who\": $(cat "$out/err")"
    fi
done
[ $fail = 0 ] && echo PASSED
exit $fail
