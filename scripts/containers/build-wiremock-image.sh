#!/usr/bin/env bash
# Builds `wiremock/wiremock:3.13.2` locally (no image registry is reachable here): a FROM-scratch
# image holding this machine's Java 17 runtime, the shared libraries it loads, its config under
# /etc/java-17-openjdk (Debian links java.security there), and the WireMock jar from the `wiremock`
# npm package. Run it with host networking, listening on 127.0.0.1 only:
#   docker run -d --network host wiremock/wiremock:3.13.2 --port 8080 --bind-address 127.0.0.1 --disable-banner --root-dir /tmp
# Needs a running docker daemon (DOCKER_HOST) and the repo's node_modules. Part of issue 8, whose
# testcontainers wiring is not built yet.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
JAR="$(ls node_modules/wiremock/build/wiremock-standalone-*.jar | head -1)"
TAG="${1:-wiremock/wiremock:3.13.2}"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
root="$ctx/root"
mkdir -p "$root$JAVA_HOME_DIR" "$root/lib64" "$root/lib/x86_64-linux-gnu" "$root/wm" "$root/tmp" "$root/etc"
cp -a "$JAVA_HOME_DIR/." "$root$JAVA_HOME_DIR/"
for dir in /etc/java-17-openjdk; do [ -d "$dir" ] && cp -aL "$dir" "$root/etc/"; done
# Every shared library the runtime's binaries and modules load, and the dynamic loader.
find -L "$JAVA_HOME_DIR" -name '*.so' -o -path '*/bin/java' | while read -r f; do ldd "$f" 2>/dev/null | awk '/=> \//{print $3}'; done | sort -u | while read -r lib; do cp -L "$lib" "$root/lib/x86_64-linux-gnu/"; done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
cp "$JAR" "$root/wm/wiremock-standalone.jar"
cat > "$ctx/Dockerfile" <<DOCKERFILE
FROM scratch
COPY root/ /
ENTRYPOINT ["$JAVA_HOME_DIR/bin/java", "-jar", "/wm/wiremock-standalone.jar"]
DOCKERFILE
docker build -q -t "$TAG" "$ctx"
echo "built $TAG ($(du -sh "$root" | cut -f1) of files)"
