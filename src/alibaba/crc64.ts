// Function Compute reports a code package's checksum as CRC-64/ECMA-182 in its reflected form (the
// CRC-64 that OSS and xz use), printed as an unsigned decimal. Comparing our zip's CRC with it tells
// whether the deployed code is already this code, without downloading it.

const POLY = 0xc96c5795d7870f42n;
const MASK = 0xffffffffffffffffn;

/** The byte-at-a-time table, built once when the module loads (it loads only to deploy code). */
const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, n) => {
  let crc = BigInt(n);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  return crc;
});

export function crc64(data: Uint8Array): string {
  const lookup = TABLE;
  let crc = MASK;
  for (const byte of data) {
    crc = (lookup[Number((crc ^ BigInt(byte)) & 0xffn)] ?? 0n) ^ (crc >> 8n);
  }
  return ((crc ^ MASK) & MASK).toString();
}
