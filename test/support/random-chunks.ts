/**
 * Seeded random chunkings for the "streamed == one pass" tests: every failure
 * names its seed and can be replayed.
 */

/** mulberry32: a small seeded generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits `input` into consecutive pieces of `min`..`max` units: UTF-16 units
 * for text (so surrogate pairs get split too), bytes for bytes (so multi-byte
 * characters and `\r\n` get split). `min` 0 also feeds empty chunks.
 */
export function randomChunks<T extends string | Uint8Array>(input: T, random: () => number, max = 40, min = 1): T[] {
  const chunks: T[] = [];
  for (let at = 0; at < input.length; ) {
    const size = min + Math.floor(random() * (max - min + 1));
    chunks.push((typeof input === 'string' ? input.slice(at, at + size) : input.subarray(at, at + size)) as T);
    at += size;
  }
  return chunks;
}
