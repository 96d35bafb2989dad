// Whether a host name or address stays on this machine (the server refuses anything else without a token).

import { isIP } from 'node:net';

/** True for `localhost`, 127.0.0.0/8, `::1` and the IPv4-mapped loopback addresses. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}
