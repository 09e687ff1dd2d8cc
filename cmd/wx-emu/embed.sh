#!/bin/sh
# embed.sh FILE... — the files as the C arrays of emu_assets (emu.h),
# named by their base names, on standard output: wx-emu serves the phone
# page from its own binary while the page stays real files to edit, with
# od and sed, not xxd, which is no build dependency.
set -e
echo "/* Generated from $* by cmd/wx-emu/embed.sh; do not edit. */"
echo '#include "emu.h"'
i=0
for f; do
	echo "static const unsigned char a$i[] = {"
	od -An -v -tx1 "$f" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'
	echo "};"
	i=$((i + 1))
done
echo "const struct emu_asset emu_assets[] = {"
i=0
for f; do
	echo "	{ \"${f##*/}\", a$i, sizeof a$i },"
	i=$((i + 1))
done
echo "};"
echo "const size_t emu_nassets = sizeof emu_assets / sizeof *emu_assets;"
