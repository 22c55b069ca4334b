// nvdimm-facts.ts -- what a Source tells about the NVDIMMs under it: device id, unsafe shutdown
// count and NUMA node (libpmem2: usc_ndctl.c, numa_ndctl.c)

/**
 * The NVDIMM facts of a {@link Source}, read from the sysfs region that holds its file or
 * device DAX.
 *
 * @example
 * ```ts
 * import { type NvdimmFacts, Source } from '@pmem2/source';
 * const facts: NvdimmFacts = Source.fromAnon(4096);
 * facts.numaNode(); // throws PMEM2_E_NOSUPP
 * ```
 * @see libpmem2: pmem2_source_device_id(3), pmem2_source_device_usc(3), pmem2_source_numa_node(3)
 */
export interface NvdimmFacts {
  /**
   * The device id of the NVDIMMs under the source: their unique ids (`nmem*\/nfit/id`)
   * concatenated, read from the sysfs region that holds the file or device DAX.
   *
   * @returns the concatenated unique ids (empty for a region without DIMMs).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources, for files not on an
   *   NVDIMM region, or a DIMM without a unique id; `PMEM2_E_INVALID_DEV_FORMAT` or `-errno`
   *   from the region lookup; `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * // a device DAX, or a file on an fsdax filesystem, gives a string such as
   * // '8089-a2-1740-00000c9f8089-a2-1740-00000ca0'; memory that is not on an NVDIMM has none
   * Source.fromAnon(4096).deviceId(); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_source_device_id(3)
   */
  deviceId(): string;

  /**
   * The unsafe shutdown count of the NVDIMMs under the source: the sum of their
   * `nmem*\/nfit/dirty_shutdown` counters.
   *
   * @returns the sum, as a bigint (C's `uint64_t`).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources, for files not on an
   *   NVDIMM region, or a DIMM without a counter; `PMEM2_E_INVALID_DEV_FORMAT` or `-errno`
   *   from the region lookup; `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * // on pmem, save src.deviceUsc() (a bigint such as 7n) with your data and compare it on the
   * // next start: a larger count means an unsafe shutdown; memory not on an NVDIMM has none
   * Source.fromAnon(4096).deviceUsc(); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_source_device_usc(3)
   */
  deviceUsc(): bigint;

  /**
   * The NUMA node of the NVDIMM region under the source (its sysfs `numa_node`).
   *
   * @returns the node number; −2 when the region has no `numa_node` attribute, −1 when it
   *   cannot be read (libndctl's NUMA_NO_ATTR and NUMA_NO_NODE).
   * @throws {@link @pmem2/errors!Pmem2Error} `PMEM2_E_NOSUPP` for anonymous sources;
   *   `PMEM2_E_DAX_REGION_NOT_FOUND` ("unknown region") for files not on an NVDIMM region;
   *   `PMEM2_E_INVALID_DEV_FORMAT` or `-errno` from the region lookup;
   *   `PMEM2_E_INVALID_FILE_HANDLE` after delete.
   * @example
   * ```ts
   * import { Source } from '@pmem2/source';
   * // on pmem this is the node of the NVDIMM region, such as 0; anonymous memory has none
   * Source.fromAnon(4096).numaNode(); // throws PMEM2_E_NOSUPP
   * ```
   * @see libpmem2: pmem2_source_numa_node(3)
   */
  numaNode(): number;
}
