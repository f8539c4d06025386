#!/usr/bin/env bash
# Builds `seam/ticket-sync:local` locally (no image registry is reachable here): a FROM-scratch
# image holding this machine's node binary, the shared libraries it loads and the dynamic loader,
# the built connector (dist/connectors/ticket-sync, without its tests) and the only packages it
# imports at runtime: ajv, ajv-formats and ajv's four dependencies. The entrypoint is node and the
# default command the connector, so a different command (`--variant no-jitter` after main.js, or
# `-e '…'`) runs under the same node. Run it with host networking, configured by env:
#   docker run --rm --network host -e HELPDESK_BASE_URL=http://127.0.0.1:P … seam/ticket-sync:local
# Needs a running docker daemon (DOCKER_HOST), the repo's node_modules and `npx tsc -p .` first.
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE="$(readlink -f "$(command -v node)")"
TAG="${1:-seam/ticket-sync:local}"
PACKAGES=(ajv ajv-formats fast-deep-equal fast-uri json-schema-traverse require-from-string)
[ -f dist/connectors/ticket-sync/main.js ] || { echo "dist/connectors/ticket-sync/main.js missing: run npx tsc -p . first" >&2; exit 2; }
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
root="$ctx/root"
mkdir -p "$root/app/dist/connectors/ticket-sync" "$root/app/node_modules" "$root/tmp"
chmod 1777 "$root/tmp"
cp --parents "$NODE" "$root/"
# Every shared library node loads, and the dynamic loader, at the paths ldd reports.
ldd "$NODE" | awk '/=> \//{print $3}' | sort -u | while read -r lib; do cp -L --parents "$lib" "$root/"; done
cp -L --parents /lib64/ld-linux-x86-64.so.2 "$root/"
find dist/connectors/ticket-sync -name '*.js' ! -name '*.test.js' -exec cp {} "$root/app/dist/connectors/ticket-sync/" \;
for pkg in "${PACKAGES[@]}"; do cp -a "node_modules/$pkg" "$root/app/node_modules/"; done
# The compiled connector is ESM: the repo's package.json says so, the image's must too.
echo '{ "type": "module" }' > "$root/app/package.json"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY root/ /
WORKDIR /app
ENTRYPOINT ["$NODE"]
CMD ["dist/connectors/ticket-sync/main.js"]
DOCKERFILE
docker build -q -t "$TAG" "$ctx"
echo "built $TAG ($(du -sh "$root" | cut -f1) of files: node $(du -sh "$NODE" | cut -f1), node_modules $(du -sh "$root/app/node_modules" | cut -f1))"
