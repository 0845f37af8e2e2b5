{
  "targets": [
    {
      "target_name": "topickd_openblas",
      "sources": ["native/openblas_engine.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<!(node -p \"process.env.TOPICKD_CBLAS_DIR || '/usr/include'\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-O3", "-fno-math-errno", "-std=c++17", "-pthread"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-lopenblas", "-pthread"]
    }
  ]
}
