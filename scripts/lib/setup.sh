# Shared set-up for scripts/2cs and scripts/test: makes sure the system
# packages the build needs are present, installing them when run as root.
# Sourced, not run.

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
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "2cs needs ${missing[*]} to build. Install with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}
