#!/usr/bin/env bash
# Provisioning for the test command and CI: one script, so `npm test` on a fresh
# machine and `.ci/run` on a clean clone need and install the same things.
#
#   bash scripts/provision.sh                 # Node 22+ and the test services, or a clear stop
#   bash scripts/provision.sh --node -- CMD   # Node 22+ only, then run CMD with it on PATH
#   source scripts/provision.sh               # both, and PATH stays set for the caller (.ci/run)
#
# Node: when the node on PATH is older than 22, Node 24 from the npm registry is
# used from (or installed into) $ORDERGRAPH_NODE_PREFIX (default ~/.cache/node24).
#
# Test services come from Debian's packages. When one is missing it is installed
# with apt-get where that is possible (root, or sudo without a password),
# printing what it installs; otherwise the script stops at once with the exact
# command to run, so the suite never starts half-broken.
# ORDERGRAPH_PROVISION_INSTALL=never reports instead of installing.
# The tests honour the same overrides: REDIS_SERVER (a redis-server binary) and
# CHROMIUM_PATH (a Chromium binary).

# The Debian package each test service comes from, and how the tests find it.
ORDERGRAPH_SERVICES=(
  "redis-server|redis-server|shared-cache and coordination tests"
  "chromium|chromium|GraphiQL browser test"
)

provision_fail() {
  echo "provision: $*" >&2
  return 1
}

provision_node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

# Puts a Node 22+ first on PATH, installing Node 24 from the npm registry when needed.
provision_node() {
  local major prefix
  major="$(provision_node_major)"
  [ "${major}" -ge 22 ] && return 0
  prefix="${ORDERGRAPH_NODE_PREFIX:-${HOME}/.cache/node24}"
  local fix="npm install --prefix ${prefix} node@24 && export PATH=${prefix}/node_modules/.bin:\$PATH"
  if [ ! -x "${prefix}/node_modules/.bin/node" ]; then
    local found
    found="$(node --version 2>/dev/null || echo "no node")"
    if ! command -v npm >/dev/null 2>&1; then
      provision_fail "ordergraph needs Node.js 22 or newer, and this machine has ${found} and no npm to fetch one. Run: ${fix}"
      return 1
    fi
    echo "provision: node ${found} is older than 22: installing node@24 from the npm registry into ${prefix}" >&2
    if ! npm install --prefix "${prefix}" --no-save --no-audit --no-fund --loglevel=error node@24 >&2; then
      provision_fail "could not install Node 24. Run: ${fix}"
      return 1
    fi
  fi
  export PATH="${prefix}/node_modules/.bin:${PATH}"
  if [ "$(provision_node_major)" -lt 22 ]; then
    provision_fail "${prefix}/node_modules/.bin/node is not Node 22 or newer. Run: ${fix}"
    return 1
  fi
}

# Where a service's binary is (the tests' override variable first, then PATH), or a failure.
provision_find() {
  local override=""
  case "$1" in
    redis-server) override="${REDIS_SERVER:-}" ;;
    chromium) override="${CHROMIUM_PATH:-}" ;;
  esac
  command -v "${override:-$1}" 2>/dev/null
}

# Installs missing test services from Debian's packages, or stops with the command to run.
provision_services() {
  local entry binary package purpose missing=() why=()
  for entry in "${ORDERGRAPH_SERVICES[@]}"; do
    IFS="|" read -r binary package purpose <<<"${entry}"
    if ! provision_find "${binary}" >/dev/null; then
      missing+=("${package}")
      why+=("${binary} (${purpose})")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  local command="apt-get update && apt-get install -y ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
  fi
  if [ "${ORDERGRAPH_PROVISION_INSTALL:-auto}" = "never" ] || [ "${sudo}" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    local prefix=""
    [ "$(id -u)" -ne 0 ] && prefix="sudo "
    local needs="" item
    for item in "${why[@]}"; do needs="${needs:+${needs}, }${item}"; done
    provision_fail "the tests need ${needs}, not found on this machine. Install with: ${prefix}apt-get update && ${prefix}apt-get install -y ${missing[*]}"
    return 1
  fi
  echo "provision: installing ${missing[*]} from Debian's packages (missing: ${why[*]})" >&2
  if ! { ${sudo} apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${sudo} apt-get install -y -qq "${missing[@]}"; } >&2; then
    provision_fail "installing ${missing[*]} failed. Run: ${command}"
    return 1
  fi
  for entry in "${ORDERGRAPH_SERVICES[@]}"; do
    IFS="|" read -r binary package purpose <<<"${entry}"
    provision_find "${binary}" >/dev/null || { provision_fail "${package} is installed but ${binary} is still not found"; return 1; }
  done
}

# Sourced (.ci/run): provision and leave PATH set. Executed: provision, then run the command after `--`.
if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  provision_node && provision_services
  return $?
fi

set -euo pipefail
node_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --node) node_only=1; shift ;;
    --) shift; break ;;
    *) provision_fail "unknown argument $1 (usage: provision.sh [--node] [-- command ...])"; exit 2 ;;
  esac
done
provision_node || exit 1
if [ "${node_only}" -eq 0 ]; then provision_services || exit 1; fi
if [ $# -gt 0 ]; then exec "$@"; fi
