#!/bin/sh
# Fails when our C code uses a function we do not allow (see STYLE.md):
# unbounded copies and formats, non-reentrant tokenising, unchecked number
# parsing.
root=${1:-.}
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|strtok|atoi|atol|gets)\s*\(' \
    "$root/src" "$root/tests" --include='*.c' --include='*.h' || true)
if [ -n "$hits" ]; then
    echo "banned functions used (use snprintf, strtol, ... instead):"
    echo "$hits"
    exit 1
fi
echo "no banned functions"
