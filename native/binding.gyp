{
  "targets": [{
    "target_name": "medslip",
    "sources": ["addon.cc", "tensor.cc", "ops.cc", "autograd.cc", "runtime.cc", "distributed.cc"],
    "include_dirs": [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      "<!@(node locate-libtorch.mjs include)"
    ],
    "libraries": ["-L<!(node locate-libtorch.mjs libdir)", "<!@(node locate-libtorch.mjs libs)", "-Wl,-rpath,<!(node locate-libtorch.mjs libdir)"],
    "cflags!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++14", "-std=gnu++17"],
    "cflags_cc": ["-std=c++17", "-fexceptions", "-frtti", "-O2", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
    "defines": ["USE_C10D_GLOO", "NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "_GLIBCXX_USE_CXX11_ABI=1"]
  }]
}
