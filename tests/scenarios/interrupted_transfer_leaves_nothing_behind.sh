#!/usr/bin/env bash
# SIGINT while skopeo is fetching an image (an oci-archive being unpacked by skopeo into raison's
# transfer directory, its --tmpdir): raison ends with 130, skopeo is gone, and nothing is left in the
# temp directory (skopeo's own temporary files were inside the transfer directory).
source "$(dirname "$0")/lib.sh"
need_root
need_tool skopeo
IMG=$(debian_image)
skopeo copy -q "oci:$IMG:bookworm" "oci-archive:$T/in.tar:app" 2>"$T/sk.err" || { cat "$T/sk.err"; fail "making the oci-archive"; }
private_tmpdir
"$RAISON" shrink "oci-archive:$T/in.tar" -o "oci:$T/shrunk" >"$T/out" 2>"$T/err" & P=$!
for _ in $(seq 1200); do [ -n "$(ls -A "$TMPDIR"/raison-*/tmp 2>/dev/null)" ] && break; sleep 0.05; done
[ -n "$(ls -A "$TMPDIR"/raison-*/tmp 2>/dev/null)" ] || { kill $P; fail "skopeo's temporary files never appeared in the transfer directory"; }
kill -INT $P
RC=0; wait $P || RC=$?
expect_rc 130 "shrink interrupted during the transfer"
sleep 0.5
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
! pgrep -f "skopeo.*$T/in.tar" >/dev/null || fail "skopeo still runs"
[ ! -e "$T/shrunk" ] || fail "an output was written"
echo PASS
