#!/usr/bin/env bash
# A candidate of another ELF class or machine is skipped and the search goes on (elf/dl-load.c,
# open_verify: "wrong ELF class" / machine mismatch make open_path try the next directory).
# The RUNPATH lists a 32-bit copy (gcc -m32, when gcc-multilib is installed) and an aarch64 copy
# (an x86-64 library whose e_machine is rewritten to EM_AARCH64) before the right one.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$R/opt/w/lib64/libw.so.1" libw.so.1 "$(lib_src w "x86-64 copy")"
cp "$R/opt/w/lib64/libw.so.1" "$B/libw.so"
mkdir -p "$R/opt/w/arm"
cp "$B/libw.so" "$R/opt/w/arm/libw.so.1"
printf '\xb7\x00' | dd of="$R/opt/w/arm/libw.so.1" bs=1 seek=18 conv=notrunc status=none  # e_machine = 183
file -L "$R/opt/w/arm/libw.so.1" | grep -q aarch64 || fail "fixture: e_machine not rewritten"
dirs=/opt/w/arm:/opt/w/lib64
if echo 'int main(void){return 0;}' | $CC -m32 -x c - -o "$B/m32" 2>/dev/null; then
  CC="$CC -m32" cc_so "$R/opt/w/lib32/libw.so.1" libw.so.1 "$(lib_src w "32-bit copy")"
  file -L "$R/opt/w/lib32/libw.so.1" | grep -q '32-bit' || fail "fixture: not 32-bit"
  dirs=/opt/w/lib32:$dirs
else
  skip "gcc -m32 does not work here (needs gcc-multilib; tests/install-deps.sh installs it)"
fi
cc_exe "$R/usr/bin/prog" "$(main_src w)" "$B/libw.so" -Wl,--enable-new-dtags,-rpath,$dirs

rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded --list
expect_rc 0 "closure"
expect_loaded /usr/bin/prog /usr/bin/prog $LDSO /opt/w/lib64/libw.so.1 $LIBC
assert_lacks "$T/out" /opt/w/arm/libw.so.1
assert_lacks "$T/out" /opt/w/lib32/libw.so.1
agree_with_loader "$R" /usr/bin/prog
expect_run "$R" "x86-64 copy" /usr/bin/prog

# Only wrong copies left: not found, and the message says why each candidate was passed over.
rm "$R/opt/w/lib64/libw.so.1"
rz closure "$R" --seed /usr/bin/prog --analyzers elf --list-loaded
expect_rc 1 "only wrong copies"
assert_grep "$T/err" '^raison: incomplete: /usr/bin/prog: DT_NEEDED libw\.so\.1 not found; tried: .*/opt/w/arm/libw\.so\.1 \(skipped: aarch64'
if [ "${dirs#/opt/w/lib32}" != "$dirs" ]; then
  assert_grep "$T/err" '/opt/w/lib32/libw\.so\.1 \(skipped: [^)]*32-bit\)'
fi
assert_grep <(real_loaded "$R" /usr/bin/prog) '^libw\.so\.1 => not found$'
echo PASS
