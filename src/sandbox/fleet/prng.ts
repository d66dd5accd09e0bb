// A small seeded PRNG (mulberry32) and helpers. Every device draws from its own stream, seeded from
// (fleet seed, tenant, index), so device i can be computed alone: that is what makes lazy 100k fleets possible.

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes any number of integers or strings into one 32-bit seed (FNV-1a over the parts, then a finaliser). */
export function mix(...parts: (number | string)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === "number" ? `#${part}` : `$${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export function rngFor(...parts: (number | string)[]): Rng {
  return mulberry32(mix(...parts));
}

export function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** Picks by weight: entries are [weight, value]. */
export function weighted<T>(rng: Rng, entries: readonly (readonly [number, T])[]): T {
  const total = entries.reduce((s, [w]) => s + w, 0);
  let r = rng() * total;
  for (const [w, v] of entries) {
    r -= w;
    if (r < 0) return v;
  }
  return entries[entries.length - 1]![1];
}

const ALNUM = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function hex(rng: Rng, length: number): string {
  // Two hex digits per table lookup: Number#toString(16) is slow for values above 2^30 in V8.
  let s = "";
  for (let i = 0; i < length; i += 2) s += BYTE_HEX[Math.floor(rng() * 256)];
  return s.length === length ? s : s.substring(0, length);
}

export function alnum(rng: Rng, length: number, alphabet = ALNUM): string {
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
  return s;
}

export function digits(rng: Rng, length: number): string {
  return alnum(rng, length, "0123456789");
}

/** A version-4 style GUID. */
export function guid(rng: Rng): string {
  const variant = "89ab"[Math.floor(rng() * 4)];
  return `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${variant}${hex(rng, 3)}-${hex(rng, 12)}`;
}
