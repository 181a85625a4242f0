#!/usr/bin/env bash
# Packs what scripts/gpu-check.sh needs from the npm registry and nodejs.org into one file, for a GPU machine that
# reaches neither (an air-gapped cluster): this machine's Node (binary + the Node-API headers the addon compiles
# against) and node_modules without the packages the check never loads (listed below). The GPU machine needs a C++ compiler, make, python3
# and a CUDA libtorch (LIBTORCH or python3's torch); then:
#   scripts/offline-bundle.sh medslip-offline.tar.xz          (here, after npm run setup)
#   MEDSLIP_OFFLINE_BUNDLE=medslip-offline.tar.xz scripts/gpu-check.sh OUT_DIR      (there)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:?usage: scripts/offline-bundle.sh FILE.tar.xz}"
[[ -d "$root/node_modules" ]] || { echo "offline-bundle: node_modules is missing: run npm run setup first" >&2; exit 1; }
node_bin="$(command -v node)"
node_include="$(dirname "$(dirname "$(readlink -f "$node_bin")")")/include/node"
[[ -f "$node_include/node_api.h" ]] || { echo "offline-bundle: Node's headers are not at $node_include (install Node from nodejs.org or your distribution's nodejs-dev)" >&2; exit 1; }

stage="$(mktemp -d -t medslip-bundle.XXXXXX)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/node/bin" "$stage/node/include/node"
cp "$(readlink -f "$node_bin")" "$stage/node/bin/node"
# node-gyp --nodedir reads common.gypi and config.gypi; a Node-API addon includes only the node_api/js_native_api headers
cp "$node_include"/{common.gypi,config.gypi,node_api.h,node_api_types.h,js_native_api.h,js_native_api_types.h,node_version.h} "$stage/node/include/node/"
# npm and npx are not needed: gpu-check runs node directly
# Left out: the browser test's Chromium driver and its dependencies, the TypeScript compiler (tsx strips types),
# onnxruntime and the ONNX protobufs (the export and the ONNX bench row; the GPU check runs neither).
left_out=(puppeteer-core @puppeteer chromium-bidi devtools-protocol zod 'bare-*' typescript @rollup
  onnxruntime-web onnxruntime-node onnx-proto protobufjs)
tar -C "$root" -cf - "${left_out[@]/#/--exclude=node_modules/}" node_modules | tar -C "$stage" -xf -
tar -C "$stage" -cf - node node_modules | xz -T0 -6 >"$target.tmp"
mv "$target.tmp" "$target"
echo "offline-bundle: $target ($(du -h "$target" | cut -f1)): node $("$node_bin" --version) and node_modules"
