{
  "targets": [
    {
      "target_name": "pmem2_native",
      "sources": [
        "csrc/binding.c",
        "csrc/binding_info.c",
        "csrc/binding_map.c",
        "csrc/binding_mem.c",
        "csrc/binding_persist.c",
        "csrc/binding_persist_ops.c",
        "csrc/binding_crc.c",
        "csrc/crc32.c",
        "csrc/binding_rsv.c",
        "csrc/binding_advice.c",
        "csrc/advice.c",
        "csrc/binding_faults.c",
        "csrc/guarded_call.c",
        "csrc/napi_args.c",
        "csrc/handles.c",
        "csrc/records.c",
        "csrc/map_release.c",
        "csrc/shared_maps.c",
        "csrc/binding_share.c",
        "csrc/granularity.c",
        "csrc/mmap.c",
        "csrc/cpu.c",
        "csrc/guard.c",
        "csrc/fault_table.c",
        "csrc/fault_retry.c",
        "csrc/file_ops.c",
        "csrc/persist.c",
        "csrc/memops.c",
        "csrc/memops_generic.c",
        "csrc/memops_sse2.c",
        "csrc/memops_avx.c",
        "csrc/memops_avx512f.c",
        "csrc/memops_movdir64b.c",
        "csrc/flush_x86_64.c",
        "csrc/flush_aarch64.c",
        "csrc/flush_generic.c"
      ],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden"],
      "cflags_c": ["-std=gnu11"],
      "ldflags": ["-pthread", "-Wl,-z,nodelete"]
    }
  ]
}
