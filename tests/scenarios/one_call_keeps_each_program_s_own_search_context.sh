#!/usr/bin/env bash
# Many programs in one call share the loader searches already made (a name searched in the same context
# is searched once), but only within the same context: the DT_RPATH lists inherited up the chain of
# loaders with their $ORIGIN, or the object's own DT_RUNPATH, decide the answer. Here one name,
# libctx.so.1, has four answers in one call, each checked against glibc's own loader: the default
# directory's (no list); /opt/a/lib/ctx's and /opt/b/lib/ctx's (one library, copied to both
# directories, whose RPATH "$ORIGIN/ctx" is the same string); and /opt/c/lib's through an RPATH
# inherited by a library that has none (while a program with a RUNPATH does not pass it down, and
# gets the default directory's).
source "$(dirname "$0")/lib.sh"
need_root
R=$T/root; make_root "$R"
cc_so "$B/libctx.so" libctx.so.1 "$(lib_src ctx unused)"
cc_so "$R/usr/lib/$TRIPLET/libctx.so.1" libctx.so.1 "$(lib_src ctx "default directory")"
cc_so "$R/opt/a/lib/ctx/libctx.so.1" libctx.so.1 "$(lib_src ctx "a's lib")"
cc_so "$R/opt/b/lib/ctx/libctx.so.1" libctx.so.1 "$(lib_src ctx "b's lib")"
cc_so "$R/opt/c/lib/libctx.so.1" libctx.so.1 "$(lib_src ctx "c's lib")"
# libmid has no list of its own; liborigin has RPATH $ORIGIN/ctx.
cc_so "$R/opt/c/lib/libmid.so.1" libmid.so.1 'const char *ctx(void); const char *mid(void) { return ctx(); }' "$B/libctx.so"
cc_so "$R/opt/a/lib/liborigin.so.1" liborigin.so.1 'const char *ctx(void); const char *org(void) { return ctx(); }' \
  "$B/libctx.so" -Wl,--disable-new-dtags,-rpath,'$ORIGIN/ctx'
cp "$R/opt/a/lib/liborigin.so.1" "$R/opt/b/lib/liborigin.so.1"
cp "$R/opt/c/lib/libmid.so.1" "$B/libmid.so"; cp "$R/opt/a/lib/liborigin.so.1" "$B/liborigin.so"
cc_exe "$R/usr/bin/plain" "$(main_src ctx)" "$B/libctx.so"
cc_exe "$R/usr/bin/a" "$(main_src org)" "$B/liborigin.so" -Wl,--disable-new-dtags,-rpath,/opt/a/lib
cc_exe "$R/usr/bin/b" "$(main_src org)" "$B/liborigin.so" -Wl,--disable-new-dtags,-rpath,/opt/b/lib
cc_exe "$R/usr/bin/inherits" "$(main_src mid)" "$B/libmid.so" -Wl,--disable-new-dtags,-rpath,/opt/c/lib
cc_exe "$R/usr/bin/runpath" "$(main_src mid)" "$B/libmid.so" -Wl,--enable-new-dtags,-rpath,/opt/c/lib
has_tag "$R/usr/bin/a" RPATH; has_tag "$R/opt/b/lib/liborigin.so.1" RPATH; has_tag "$R/usr/bin/runpath" RUNPATH

progs=(/usr/bin/plain /usr/bin/a /usr/bin/b /usr/bin/inherits /usr/bin/runpath)
seeds=(); for p in "${progs[@]}"; do seeds+=(--seed "$p"); done
rz closure "$R" --analyzers elf --list-loaded "${seeds[@]}"
expect_rc 0 "five programs in one call"
cp "$T/out" "$T/together"
expect_loaded /usr/bin/plain /usr/bin/plain $LDSO /usr/lib/$TRIPLET/libctx.so.1 $LIBC
expect_loaded /usr/bin/a /usr/bin/a $LDSO /opt/a/lib/liborigin.so.1 $LIBC /opt/a/lib/ctx/libctx.so.1
expect_loaded /usr/bin/b /usr/bin/b $LDSO /opt/b/lib/liborigin.so.1 $LIBC /opt/b/lib/ctx/libctx.so.1
expect_loaded /usr/bin/inherits /usr/bin/inherits $LDSO /opt/c/lib/libmid.so.1 $LIBC /opt/c/lib/libctx.so.1
expect_loaded /usr/bin/runpath /usr/bin/runpath $LDSO /opt/c/lib/libmid.so.1 $LIBC /usr/lib/$TRIPLET/libctx.so.1
for p in "${progs[@]}"; do agree_with_loader "$R" "$p"; done
expect_run "$R" "default directory" /usr/bin/plain
expect_run "$R" "a's lib" /usr/bin/a
expect_run "$R" "b's lib" /usr/bin/b
expect_run "$R" "c's lib" /usr/bin/inherits
expect_run "$R" "default directory" /usr/bin/runpath

# Each program alone: the same objects as in the one call (the shared searches change no answer).
for p in "${progs[@]}"; do
  want=$(awk -F'\t' -v e="$p" 'NF == 2 && $1 == e { print $2 }' "$T/together")
  rz closure "$R" --analyzers elf --list-loaded --seed "$p"
  expect_rc 0 "$p alone"
  assert_eq "$want" "$(loaded "$p")" "objects of $p alone and in one call with the others"
done
echo PASS
