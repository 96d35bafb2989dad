// Id minting: UUID version 7 (time-ordered), as 02 asks for input ids.

import { randomBytes } from 'node:crypto';

// Random hex is drawn from a pooled buffer: one crypto call per few hundred ids keeps minting cheap.
let pool = '';
let offset = 0;

function randomHex(length: number): string {
  if (offset + length > pool.length) {
    pool = randomBytes(4096).toString('hex');
    offset = 0;
  }
  const hex = pool.slice(offset, offset + length);
  offset += length;
  return hex;
}

const VARIANT = ['8', '9', 'a', 'b'] as const;

/** A UUID v7 for time `ms` (milliseconds since the epoch): 48-bit time, version 7, variant 10, 74 random bits. */
export function uuidv7(ms: number): string {
  const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const random = randomHex(19);
  const variant = VARIANT[Number.parseInt(random.charAt(3), 16) & 3] as string;
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}
