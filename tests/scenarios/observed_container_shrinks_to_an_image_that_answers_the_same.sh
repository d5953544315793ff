#!/usr/bin/env bash
# A podman container already running an HTTP service (python3 -m http.server, from the bookworm test
# image, in its own network namespace) is observed by `raison observe` while the test makes requests
# to it: the snapshot alone names every object /proc/PID/maps maps (read here independently) and the
# program holding the listening socket; the container keeps its PID, runs on and answers the same.
# `raison shrink web --observe` then observes again, saves the image through podman and shrinks it:
# the shrunk image, loaded and run by podman with the same command, answers every request with the
# same status and body, and the file it served is one that only the observation explained.
source "$(dirname "$0")/lib.sh"
need_root
need_tool podman
need_tool strace
need_tool nsenter
private_tmpdir
IMG=$(debian_image)
trap 'pod rm -f -t 0 web small >/dev/null 2>&1; rm -rf "$T"' EXIT

# raison asks podman through its own configuration: the same private store as `pod`.
# The image goes in as a docker-archive with a name of its own: `podman pull oci:PATH` names the image
# after PATH, which podman refuses when it has capitals (mktemp's cache directories do).
skopeo copy -q "oci:$IMG:bookworm" "docker-archive:$T/in.tar:localhost/raison-observe:in" 2>"$T/pod.err" \
  || { cat "$T/pod.err"; fail "skopeo copy of the test image"; }
pod load -q -i "$T/in.tar" >/dev/null 2>"$T/pod.err" || { cat "$T/pod.err"; fail "podman load"; }
pod image inspect --format '{{.Id}}' localhost/raison-observe:in >"$T/id" 2>"$T/pod.err" || { cat "$T/pod.err"; fail "podman image inspect"; }
printf '[storage]\ndriver="vfs"\ngraphroot="%s"\nrunroot="%s"\n' "$T/podman/root" "$T/podman/run" >"$T/podman/storage.conf"
export CONTAINERS_CONF=$T/podman/containers.conf CONTAINERS_STORAGE_CONF=$T/podman/storage.conf
ID=$(cat "$T/id")
SERVE=(-m http.server 8000 --bind 127.0.0.1 --directory /usr/share/doc/python3)
run_service() {  # NAME IMAGE: runs the service detached, and waits until it answers
  pod run -d --name "$1" --entrypoint python3 "$2" "${SERVE[@]}" >/dev/null 2>"$T/pod.err" || { cat "$T/pod.err"; fail "podman run $1"; }
  local i
  for i in $(seq 60); do fetch "$1" / >/dev/null 2>&1 && return; sleep 1; done
  pod logs "$1"; fail "$1 does not answer on port 8000"
}
pid_of() { pod inspect --format '{{.State.Pid}}' "$1"; }
# fetch NAME PATH: status and body of GET PATH, asked from inside the container's network namespace
# (by the host's python3, so that a shrunk image needs no HTTP client of its own).
fetch() {
  nsenter -n -t "$(pid_of "$1")" python3 -c '
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen("http://127.0.0.1:8000" + sys.argv[1], timeout=20); code, body = r.status, r.read()
except urllib.error.HTTPError as e:
    code, body = e.code, e.read()
sys.stdout.write("%d\n" % code); sys.stdout.flush(); sys.stdout.buffer.write(body)' "$2"
}
PATHS=(/copyright /changelog.Debian.gz /no-such-file)
answers() { local p; for p in "${PATHS[@]}"; do echo "== $p"; fetch "$1" "$p"; echo; done; }

run_service web "$ID"
PID=$(pid_of web)
answers web >"$T/before" || fail "requests to the running service"
grep -q '^200$' "$T/before" && grep -q '^404$' "$T/before" || { cat "$T/before"; fail "no 200 and 404 answers"; }

# A container no engine knows is one clear line.
rz observe no-such-container -o "$T/x.log" --for 1
expect_rc 3 "observe of an unknown container"
assert_eq 1 "$(wc -l <"$T/err")" "lines for an unknown container"
assert_grep "$T/err" '^raison: no-such-container: no container of that name or ID \(podman (does not know it|nor docker knows it)\)$'

# Observe for a few seconds while requests come in.
grep / "/proc/$PID/maps" | awk '{ print $6 }' | grep -v ' (deleted)$' | sort -u >"$T/maps"
timeout "$HANG_GUARD" "$RAISON" observe web -o "$T/obs.log" --for 6 2>"$T/obs.err" & obs=$!
for i in $(seq 100); do grep -q 'watching' "$T/obs.err" && break; sleep 0.1; done
answers web >"$T/during" || fail "requests during the observation"
rc=0; wait $obs || rc=$?
[ "$rc" = 0 ] || { cat "$T/obs.err"; fail "raison observe: exit $rc"; }
cat "$T/obs.err" >&2

# The snapshot alone: every object mapped, and the program with the listening socket.
awk -F'\t' -v e="# mapped by pid $PID" '$2 == e { print $1 }' "$T/obs.log" | sort -u >"$T/snap-maps"
missing=$(comm -23 "$T/maps" "$T/snap-maps")
[ -z "$missing" ] || fail "mapped by pid $PID but not in the snapshot: $missing"
[ "$(wc -l <"$T/maps")" -gt 5 ] || fail "only $(wc -l <"$T/maps") objects mapped: $(cat "$T/maps")"
assert_grep "$T/obs.log" "^/usr/bin/python3.11	# exe of pid $PID, listening on tcp port 8000\$"
# The watch: the file served while it watched, with the call and the pid that opened it.
assert_grep "$T/obs.log" '^/usr/share/doc/python3/copyright	# openat by pid [0-9]+$'

# Without --for, the watch lasts until SIGINT, then the log is written as after a duration.
"$RAISON" observe web -o "$T/int.log" 2>"$T/int.err" & obs=$!
for i in $(seq 100); do grep -q 'watching' "$T/int.err" && break; sleep 0.1; done
assert_grep "$T/int.err" '^raison: watching 1 process until SIGINT$'
fetch web /changelog.Debian.gz >/dev/null
kill -INT $obs
rc=0; wait $obs || rc=$?
[ "$rc" = 0 ] || { cat "$T/int.err"; fail "raison observe stopped by SIGINT: exit $rc"; }
assert_grep "$T/int.log" '^/usr/share/doc/python3/changelog.Debian.gz	# openat by pid [0-9]+$'

# The container is unchanged: same PID, running, same answers.
assert_eq "$PID true" "$(pod inspect --format '{{.State.Pid}} {{.State.Running}}' web)" "web's pid and state after observe"
answers web >"$T/after"
cmp -s "$T/before" "$T/after" || fail "web answers differently after the observation"
cmp -s "$T/before" "$T/during" || fail "web answered differently while observed"

# The live root reads as a directory root (nothing is written): the listening program resolves there.
rz closure "/proc/$PID/root" --seed /usr/bin/python3.11 --list
expect_rc 0 "closure of the live root /proc/$PID/root"
assert_grep "$T/out" '^/usr/lib/x86_64-linux-gnu/libc\.so\.6$'
assert_eq "$PID true" "$(pod inspect --format '{{.State.Pid}} {{.State.Running}}' web)" "web's pid and state after closure of its root"

# The whole story in one command: observe (with requests), save the image, shrink it.
timeout "$HANG_GUARD" "$RAISON" shrink web --observe 6 -o "docker-archive:$T/small.tar:raison/web:v1" >"$T/sh.out" 2>"$T/sh.err" & sh=$!
for i in $(seq 100); do grep -q 'watching' "$T/sh.err" && break; sleep 0.1; done
answers web >/dev/null || fail "requests during shrink --observe"
rc=0; wait $sh || rc=$?
[ "$rc" = 0 ] || { cat "$T/sh.err"; fail "raison shrink --observe: exit $rc"; }
cat "$T/sh.err" >&2
note "files only the observation explained:"; sed 's/^/#   /' "$T/sh.out" >&2
assert_grep "$T/sh.out" '^only observed: /usr/share/doc/python3/copyright$'
[ -z "$(ls -A "$TMPDIR")" ] || fail "left in TMPDIR: $(ls -A "$TMPDIR")"
assert_eq "$PID true" "$(pod inspect --format '{{.State.Pid}} {{.State.Running}}' web)" "web's pid and state after shrink --observe"

# The shrunk image, run by podman with the same command, answers the same.
pod load -q -i "$T/small.tar" >/dev/null 2>"$T/pod.err" || { cat "$T/pod.err"; fail "podman load"; }
run_service small raison/web:v1
answers small >"$T/small"
cmp -s "$T/before" "$T/small" || { diff <(cat -v "$T/before") <(cat -v "$T/small") | head; fail "the shrunk image answers differently"; }
orig=$(pod image inspect --format '{{.Size}}' "$ID")
small=$(pod image inspect --format '{{.Size}}' raison/web:v1)
note "image size: original $orig bytes, shrunk $small bytes"
[ $((small * 2)) -lt "$orig" ] || fail "shrunk to $small of $orig bytes, not under half"
