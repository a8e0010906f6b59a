{
  "targets": [
    {
      "target_name": "keygrade_reserves",
      "sources": ["hashing.c"],
      "defines": ["OPENSSL_SUPPRESS_DEPRECATED", "NAPI_VERSION=8"],
      "cflags": ["-std=c11", "-Wall", "-Wextra"],
      "xcode_settings": { "OTHER_CFLAGS": ["-std=c11", "-Wall", "-Wextra"] }
    }
  ]
}
