import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * The client's address, believing X-Forwarded-For for `trustedHops` proxies (TRUST_PROXY), as
 * Express does for `req.ip`; Socket.IO handshakes use it too, so every limit counts alike.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string {
  const address = proxyAddr(req, (_address, hop) => hop < trustedHops);
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
