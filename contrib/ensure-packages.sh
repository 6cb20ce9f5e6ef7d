#!/bin/sh
# ensure-packages.sh — installs the Debian packages memtop's build or tests
# need and this machine lacks: as root with apt-get, otherwise it prints the
# apt-get line to run and fails. `make run` and `make check` call it.
#
#   ensure-packages.sh KIND:NAME:PACKAGE...
#
# KIND says how to tell whether PACKAGE is there: cmd (NAME is a command on
# PATH), pc (NAME is a pkg-config module), py (NAME is a module of $PYTHON,
# default python3) or file (NAME is a path that must exist).
set -u
python=${PYTHON:-python3}
missing=""
for spec in "$@"; do
	kind=${spec%%:*}
	rest=${spec#*:}
	name=${rest%%:*}
	pkg=${rest#*:}
	case $kind in
	cmd) command -v "$name" >/dev/null 2>&1 || missing="$missing $pkg" ;;
	pc) pkg-config --exists "$name" 2>/dev/null || missing="$missing $pkg" ;;
	py) "$python" -c "import $name" 2>/dev/null || missing="$missing $pkg" ;;
	file) [ -e "$name" ] || missing="$missing $pkg" ;;
	*) echo "ensure-packages.sh: unknown kind in '$spec'" >&2; exit 2 ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "memtop: installing missing packages:$missing"
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing || exit 1
else
	echo "memtop: missing packages; install them with:" >&2
	echo "  sudo apt-get install$missing" >&2
	exit 1
fi
