#!/bin/sh
# Make .venv hold a working install of labsite for the Python that `make` chose.
#
# Rebuilt from scratch when its interpreter is not that Python (another version, or one that
# was removed) or when the last install did not finish; reinstalled in place when
# pyproject.toml changed; otherwise left alone (a no-op in well under a second).
set -eu
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
STAMP="$VENV/.installed"
PENDING="$VENV/.installing"

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "make: no Python interpreter '$PYTHON'; install Python 3.11 or newer, or run make PYTHON=/path/to/python3" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "make: $("$PYTHON" --version 2>&1) is too old; labsite needs Python 3.11 or newer (make PYTHON=python3.12)" >&2
  exit 1
fi
want=$("$PYTHON" -c 'import sys; print(sys.implementation.name, *sys.version_info[:3])')

rebuild=""
if [ -e "$PENDING" ]; then
  rebuild="the last install did not finish"
elif [ ! -x "$VENV/bin/python" ]; then
  rebuild="there is no $VENV yet"
else
  have=$("$VENV/bin/python" -c 'import sys; print(sys.implementation.name, *sys.version_info[:3])' 2>/dev/null || echo broken)
  if [ "$have" != "$want" ]; then
    rebuild="$VENV has Python '$have', not '$want'"
  fi
fi

if [ -n "$rebuild" ]; then
  echo "== $VENV: building it anew ($rebuild)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
elif [ -f "$STAMP" ] && [ "$STAMP" -nt pyproject.toml ]; then
  exit 0
fi

touch "$PENDING"
if ! { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
       "$VENV/bin/python" -m pip install --quiet -e '.[dev]'; }; then
  echo "make: installing into $VENV failed (see above); the next make builds $VENV anew" >&2
  exit 1
fi
rm -f "$PENDING"
touch "$STAMP"
