// Whether a host name or address stays on this machine: one rule for the address `serve` listens on
// and for the Host header of a request to a server without a token (DNS rebinding).

/** True for `localhost`, `::1`, IPv4 127.0.0.0/8 and its IPv4-mapped IPv6 form; spaces, case and brackets ignored. */
export function isLoopbackHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(v4);
  return (
    octets !== null && octets[1] === '127' && octets.slice(2).every((octet) => Number(octet) <= 255)
  );
}
