/**
 * A stable, distinct IPv4 address in 10.0.0.0/8 for a simulated client's name, sent as
 * `cf-connecting-ip` (wrangler dev passes it through). Simulated viewers are clients of their
 * own, as real pages are: a room caps the sockets one address may hold (LIVE.maxSocketsPerAddress).
 */
export function clientAddressFor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  h >>>= 8;
  return `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
}

/** Node's WebSocket (undici) takes request headers as a non-standard init option. */
export function webSocketAs(url: string, address: string): WebSocket {
  return new WebSocket(url, { headers: { "cf-connecting-ip": address } } as unknown as string[]);
}
