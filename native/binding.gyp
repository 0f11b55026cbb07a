{
  "targets": [
    {
      "target_name": "relaxcert_kernels",
      "sources": ["src/binding.cc", "src/sgemm.cc", "src/minmax.cc", "src/conv.cc", "src/adam.cc",
                  "src/dual-dots.cc", "src/thread-pool.cc", "src/winograd.cc", "src/space-to-depth.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-Wno-psabi"],
      "cflags_cc!": ["-fno-exceptions"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17"] },
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/O2", "/std:c++17"] } }
    }
  ]
}
