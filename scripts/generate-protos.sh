#!/usr/bin/env bash
# Regenerates the Swift code for Cohort's wire protocol (Sources/Transport/Protos/*.proto)
# into Sources/Transport/Generated/. The output is committed, so building Cohort needs
# neither protoc nor any SwiftPM build plugin; run this only after editing a .proto file.
#
# Needs: protoc (Debian: apt-get install -y protobuf-compiler) and a Swift toolchain. The two
# protoc plugins are built once, in release, from the checkouts SwiftPM resolved for this
# package (the exact versions Package.resolved pins: protoc-gen-swift from swift-protobuf,
# protoc-gen-grpc-swift-2 from grpc-swift-protobuf), copied out of .build/checkouts so that
# nothing is fetched, and cached in .build-protoc/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
protos="$root/Sources/Transport/Protos"
output="$root/Sources/Transport/Generated"
cache="${COHORT_PROTOC_CACHE:-$root/.build-protoc}"

if ! command -v protoc >/dev/null 2>&1; then
    echo "generate-protos: protoc not found; install it with: apt-get install -y protobuf-compiler" >&2
    exit 1
fi

# Package.resolved is not committed: resolve first, so a fresh clone has one.
(cd "$root" && swift package resolve >/dev/null)

# The version Package.resolved pins for a package identity.
pinned() {
    python3 - "$root/Package.resolved" "$1" <<'PY'
import json, sys
pins = json.load(open(sys.argv[1]))["pins"]
print(next(p["state"]["version"] for p in pins if p["identity"] == sys.argv[2]))
PY
}

# Builds `product` of the resolved checkout `name` (at `version`) once and prints the binary's path.
plugin() {
    local name="$1" version="$2" product="$3"
    local checkout="$cache/$name-$version"
    local binary="$checkout/.build/release/$product"
    if [[ ! -x "$binary" ]]; then
        rm -rf "$checkout"
        cp -R "$root/.build/checkouts/$name" "$checkout"
        rm -rf "$checkout/.build"
        (cd "$checkout" && swift build -c release --product "$product" >&2)
    fi
    echo "$binary"
}

mkdir -p "$cache"
swift_plugin="$(plugin swift-protobuf "$(pinned swift-protobuf)" protoc-gen-swift)"
grpc_plugin="$(plugin grpc-swift-protobuf "$(pinned grpc-swift-protobuf)" protoc-gen-grpc-swift-2)"

rm -f "$output"/*.pb.swift "$output"/*.grpc.swift
mkdir -p "$output"
cd "$protos"
protoc \
    --plugin=protoc-gen-swift="$swift_plugin" \
    --plugin=protoc-gen-grpc-swift="$grpc_plugin" \
    --swift_out="$output" --swift_opt=Visibility=Internal --swift_opt=FileNaming=DropPath \
    --grpc-swift_out="$output" --grpc-swift_opt=Visibility=Internal --grpc-swift_opt=FileNaming=DropPath \
    --grpc-swift_opt=Client=true --grpc-swift_opt=Server=true \
    -I . ./*.proto
echo "generate-protos: wrote $(ls "$output" | wc -l) files to ${output#$root/}"
