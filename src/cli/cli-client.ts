// The client the client commands (`sessions`, `send`, `tail`) talk through: `burrow/client` for the
// server in their configuration.

import { createBurrowClient, type BurrowClient } from '../client/http-client.js';
import type { ClientConfig } from './client-config.js';

/** A typed client of the server in `config`. */
export function clientFor(config: ClientConfig): BurrowClient {
  return createBurrowClient({
    url: config.url,
    ...(config.token === null ? {} : { token: config.token }),
  });
}
