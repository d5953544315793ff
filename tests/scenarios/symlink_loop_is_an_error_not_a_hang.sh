#!/usr/bin/env bash
# A symlink loop (more than 40 links, the kernel's MAXSYMLINKS) met while searching is reported as one
# "raison: error: PATH: ..." line, not followed forever, and the closure goes on (exit 1). What the
# loader then does is glibc's open_path (elf/dl-load.c): open() of a candidate failing with an error
# other than ENOENT/EACCES in a directory that exists ends the search of that whole list ("The file
# exists and is readable, but something went wrong.  return -1"), so a looping *file* first in a
# RUNPATH hides the good copy later in the same RUNPATH; a looping *directory* does not exist for
# the loader (here_any stays false) and the search goes on to the next directory.
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$R/opt/good/libf.so.1" libf.so.1 "$(lib_src f "f from /opt/good")"
cc_so "$R/opt/good/libd.so.1" libd.so.1 "$(lib_src d "d from /opt/good")"
cp "$R/opt/good/libf.so.1" "$B/libf.so"; cp "$R/opt/good/libd.so.1" "$B/libd.so"
mkdir -p "$R/opt/fileloop"
ln -s libf.so.1.b "$R/opt/fileloop/libf.so.1"; ln -s libf.so.1 "$R/opt/fileloop/libf.so.1.b"
ln -s dirloop2 "$R/opt/dirloop"; ln -s dirloop "$R/opt/dirloop2"
cc_exe "$R/usr/bin/file-loop" "$(main_src f)" "$B/libf.so" -Wl,--enable-new-dtags,-rpath,/opt/fileloop:/opt/good
cc_exe "$R/usr/bin/dir-loop" "$(main_src d)" "$B/libd.so" -Wl,--enable-new-dtags,-rpath,/opt/dirloop:/opt/good

for p in file-loop dir-loop; do
  rz closure "$R" --seed /usr/bin/$p --analyzers elf --list-loaded
  expect_rc 1 "$p"
  [ "$(grep -c '^raison: error: /opt/.*loop' "$T/err")" -ge 1 ] || { show "$p"; fail "$p: no error line naming the loop"; }
done
rz closure "$R" --seed /usr/bin/file-loop --analyzers elf --list-loaded
expect_loaded /usr/bin/file-loop /usr/bin/file-loop $LDSO $LIBC
assert_grep "$T/err" '^raison: incomplete: /usr/bin/file-loop: DT_NEEDED libf\.so\.1 not found'
agree_with_loader "$R" /usr/bin/file-loop
run_in "$R" /usr/bin/file-loop
[ "$RUN_RC" != 0 ] || fail "the real loader found libf.so.1 past the loop: the test's premise is wrong"
rz closure "$R" --seed /usr/bin/dir-loop --analyzers elf --list-loaded
expect_loaded /usr/bin/dir-loop /usr/bin/dir-loop $LDSO /opt/good/libd.so.1 $LIBC
agree_with_loader "$R" /usr/bin/dir-loop
expect_run "$R" "d from /opt/good" /usr/bin/dir-loop

# A seed that is itself a loop.
ln -s loop-b "$R/usr/bin/loop-a"; ln -s loop-a "$R/usr/bin/loop-b"
rz closure "$R" --seed /usr/bin/loop-a --analyzers elf --list
[ "$RC" = 1 ] || [ "$RC" = 3 ] || { show seed-loop; fail "looping seed: exit $RC"; }
assert_grep "$T/err" '^raison: .*loop-a'
echo PASS
