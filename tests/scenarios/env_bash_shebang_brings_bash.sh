#!/usr/bin/env bash
# A script starting "#!/usr/bin/env bash" runs env, which finds bash through PATH: raison keeps both
# env and the bash PATH names (reason: the PATH lookup), with their libraries, so a script using
# bash-only syntax runs in the output under chroot; a root without bash is reported incomplete.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root
make_root "$R"
cp -L /usr/bin/env "$R/usr/bin/env"
cp -L /bin/bash "$R/usr/bin/bash"
# Their libraries, from the host's (the same glibc make_root copies), into the root's default dir.
for lib in $(ldd /usr/bin/env /bin/bash | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
  [ -e "$R/usr/lib/$TRIPLET/$(basename "$lib")" ] || cp -L "$lib" "$R/usr/lib/$TRIPLET/"
done
cat >"$R/opt/hello.sh" <<'SH'
#!/usr/bin/env bash
declare -A greet=([who]=world)
words=(hello "${greet[who]}")
[[ ${words[1]} == w* ]] && echo "${words[*]^^}"
SH
chmod +x "$R/opt/hello.sh"

rz closure "$R" --seed /opt/hello.sh -o "$T/small"
expect_rc 0 "closure of a #!/usr/bin/env bash script"
[ -f "$T/small/usr/bin/env" ] || { show closure; fail "env not kept"; }
[ -f "$T/small/usr/bin/bash" ] || { show closure; fail "bash not kept"; }
python3 - "$T/small.manifest.json" <<'PY' || fail "reason of bash"
import json, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["files"]}
rs = files["/usr/bin/bash"]["reasons"]
assert any("PATH" in r["detail"] and "bash" in r["detail"] for r in rs), rs
PY
# bash's own libraries came with it (libtinfo on Debian).
for lib in $(ldd /bin/bash | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
  [ -e "$T/small/usr/lib/$TRIPLET/$(basename "$lib")" ] || fail "bash's $(basename "$lib") not kept"
done
expect_run "$T/small" "HELLO WORLD" /opt/hello.sh

# Without bash in the root, the PATH lookup fails and the closure says so.
rm "$R/usr/bin/bash"
rz closure "$R" --seed /opt/hello.sh --list
expect_rc 1 "closure of the script without bash"
assert_grep "$T/err" '^raison: incomplete: .*bash.*PATH'
echo PASS
