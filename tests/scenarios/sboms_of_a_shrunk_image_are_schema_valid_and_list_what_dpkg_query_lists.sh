#!/usr/bin/env bash
# The bookworm image shrunk for its Python script, with an SPDX 2.3 and a CycloneDX 1.5 SBOM: both
# validate against the official JSON schemas (tests/data/sbom, Debian's python3-jsonschema); the
# CycloneDX JavaScript library accepts the CycloneDX one and packageurl-js parses its purls back; the
# deb packages each lists, with versions, are what dpkg-query --admindir lists in the output image;
# every kept regular file is in the SPDX one with its SHA-256; `raison sbom MANIFEST` writes the same
# bytes as `shrink --sbom`, and two runs agree (no wall-clock time).
source "$(dirname "$0")/lib.sh"
need_root
need_tool node
need_tool umoci
private_tmpdir
DATA=$TESTS_DIR/data/sbom
export NODE_PATH=$TESTS_DIR/.node/node_modules
[ -d "$NODE_PATH/@cyclonedx/cyclonedx-library" ] || fail "tests/.node has no @cyclonedx/cyclonedx-library: run tests/install-deps.sh"
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is missing: run tests/install-deps.sh"
IMG=$(debian_image)

RC=0
"$RAISON" shrink "oci:$IMG:bookworm" -o "oci:$T/small:small" --sbom "spdx:$T/small.spdx.json" --sbom "cyclonedx:$T/small.cdx.json" \
  >"$T/out" 2>"$T/err" || RC=$?
expect_rc 0 "shrink with SBOMs"
cat "$T/err" >&2

/usr/bin/python3 "$DATA/validate.py" spdx "$T/small.spdx.json" || fail "the SPDX SBOM does not validate against SPDX 2.3's schema"
/usr/bin/python3 "$DATA/validate.py" cyclonedx "$T/small.cdx.json" || fail "the CycloneDX SBOM does not validate against CycloneDX 1.5's schema"
node "$DATA/read_cyclonedx.js" "$T/small.cdx.json" >"$T/cdx.pkgs" || fail "the CycloneDX library rejects the SBOM"

# The output image's own database, read by dpkg-query from the unpacked layer.
mkdir -p "$T/rootfs"
tar -xzf "$(oci_blob "$T/small" small 0)" -C "$T/rootfs" || fail "cannot unpack the output layer"
dpkg-query --admindir="$T/rootfs/var/lib/dpkg" -W -f '${Package} ${Version}\n' 2>"$T/dq.err" | sort >"$T/dpkg.pkgs"
[ ! -s "$T/dq.err" ] || { cat "$T/dq.err"; fail "dpkg-query warned on the output"; }
[ "$(wc -l <"$T/dpkg.pkgs")" -gt 10 ] || fail "dpkg-query lists only $(wc -l <"$T/dpkg.pkgs") packages"
python3 - "$T/small.spdx.json" >"$T/spdx.pkgs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d['packages']:
    for r in p.get('externalRefs', []):
        if r['referenceType'] == 'purl' and r['referenceLocator'].startswith('pkg:deb/'):
            print(p['name'], p['versionInfo'])
PY
sort -o "$T/spdx.pkgs" "$T/spdx.pkgs"
sed -n 's/^deb //p' "$T/cdx.pkgs" | sort >"$T/cdx.deb"
assert_eq "$(cat "$T/dpkg.pkgs")" "$(cat "$T/spdx.pkgs")" "dpkg-query -W on the output vs the SPDX SBOM's deb packages"
assert_eq "$(cat "$T/dpkg.pkgs")" "$(cat "$T/cdx.deb")" "dpkg-query -W on the output vs the CycloneDX SBOM's deb packages"
note "$(wc -l <"$T/dpkg.pkgs") deb packages in the output, the same in both SBOMs"

# Every regular file of the output layer is in the SPDX SBOM with its SHA-256, and has a reason.
python3 - "$T/rootfs" "$T/small.spdx.json" <<'PY' || fail "SPDX files"
import hashlib, json, os, sys
rootfs, spdx = sys.argv[1:]
d = json.load(open(spdx))
files = {f['fileName'][1:]: f for f in d['files']}
n = 0
for dirpath, dirs, names in os.walk(rootfs):
    for name in names:
        p = os.path.join(dirpath, name)
        if os.path.islink(p) or not os.path.isfile(p): continue
        rel = p[len(rootfs):]
        f = files.get(rel)
        if f is None:
            st = os.lstat(p)
            if st.st_nlink > 1: continue  # a hardlink: its first name carries the checksum
            sys.exit(f'{rel} is not in the SPDX SBOM')
        digest = hashlib.sha256(open(p, 'rb').read()).hexdigest()
        assert f['checksums'][0] == {'algorithm': 'SHA256', 'checksumValue': digest}, rel
        assert f['annotations'][0]['comment'].startswith('kept because: '), rel
        n += 1
contains = sum(1 for r in d['relationships'] if r['relationshipType'] == 'CONTAINS')
depends = sum(1 for r in d['relationships'] if r['relationshipType'] == 'DEPENDS_ON')
assert depends > 10, depends
print(f'# {n} files checked against the SPDX SBOM; {contains} CONTAINS, {depends} DEPENDS_ON', file=sys.stderr)
PY

# From the manifest alone, the same bytes; and the same again from a second run.
rz sbom "$T/small.manifest.json" --format spdx -o "$T/again.spdx.json"
expect_rc 0 "raison sbom --format spdx"
cmp "$T/small.spdx.json" "$T/again.spdx.json" || fail "raison sbom differs from shrink --sbom (spdx)"
rz sbom "$T/small.manifest.json" --format cyclonedx -o "$T/again.cdx.json"
expect_rc 0 "raison sbom --format cyclonedx"
cmp "$T/small.cdx.json" "$T/again.cdx.json" || fail "raison sbom differs from shrink --sbom (cyclonedx)"
grep -q '"created": "1970-01-01T00:00:00Z"' "$T/small.spdx.json" || fail "the SPDX SBOM is not stamped with the reproducible time"
