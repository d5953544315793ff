#!/bin/sh
# make-man.sh RAISON OUT: the man page raison.1 from the program's own --version, --help and each
# command's --help (Debian's help2man), so that it says what the binary does. Run by meson at build
# time (src/cli/meson.build). The date is that of the last commit when there is one (reproducible).
set -eu
raison=$1 out=$2
inc=$(mktemp)
trap 'rm -f "$inc"' EXIT
{
  echo '[COMMANDS]'
  for cmd in $("$raison" --help | sed -n '/^Subcommands:/,$p' | awk 'NR > 1 && /^  [a-z]/ {print $1}'); do
    echo ".SS $cmd"
    echo '.nf'
    # roff: a backslash is \e; a line starting with . or ' is text, not a request.
    "$raison" "$cmd" --help | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
    echo '.fi'
  done
  echo '[SEE ALSO]'
  echo 'The README of the source tree: the manifest schema, the JSON outputs (raison-why/1, raison-closure/1, raison-verify/1), the rules files.'
} >"$inc"
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git -C "$(dirname "$0")" rev-parse >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH=$(git -C "$(dirname "$0")" log -1 --format=%ct)
  export SOURCE_DATE_EPOCH
fi
help2man --no-info --section 1 --name 'explain every file of a root, and build roots that hold only what they need' \
  --include "$inc" --output "$out" "$raison"
