# Shared set-up for scripts/2cs, scripts/test and scripts/fuzz/schemathesis:
# makes sure the system packages the build (or the fuzzing) needs are present,
# installing them when run as root. Sourced, not run.

required_debian_packages=(libedit-dev pkg-config)

ensure_toolchain() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "2cs needs the Swift toolchain (6.0 or later) on PATH: see https://www.swift.org/install/linux/" >&2
    exit 1
  fi
}

ensure_system_packages() {
  local missing=()
  for package in "${required_debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  install_debian_packages "to build" "${missing[@]}"
}

# Installs Debian packages with apt-get when run as root; otherwise says how and exits.
install_debian_packages() { # why they are needed, packages...
  local why="$1"
  shift
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $* with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
  else
    echo "2cs needs $* $why. Install with:" >&2
    echo "  sudo apt-get install -y $*" >&2
    exit 1
  fi
}

# Makes a Python virtual environment at the given folder, unless one is there: Debian's python3 makes one only
# with python3-venv installed.
ensure_python_venv() { # folder
  [[ -x $1/bin/python ]] && return 0
  if ! command -v python3 >/dev/null 2>&1 || ! python3 -m venv "$1" >/dev/null 2>&1; then
    rm -rf "$1"
    install_debian_packages "for the fuzzing scripts" python3 python3-venv
    python3 -m venv "$1"
  fi
}
