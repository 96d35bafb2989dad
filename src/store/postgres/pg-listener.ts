// Wake-ups on PostgreSQL (issue 11, items 3 and 5): one dedicated LISTEN connection per store. A
// notification is a hint to read the store now; everything it hints at is also found by polling, so
// a connection that drops (a restart, pg_terminate_backend, a network cut) only delays readers until
// their next poll while the listener reconnects with a back-off.

import pg from 'pg';
import type { Pool } from 'pg';
import type { StoreWakeup, WakeupSubscription } from '../mailbox-types.js';
import { parseRuntimeId } from '../runtime-store.js';
import type { PgSchema } from './pg-schema.js';

/** Back-off between reconnection attempts: first and longest wait. */
const RETRY_MS = { first: 50, max: 2_000 };

/** The wake-up a NOTIFY payload (`e:`, `m:` or `a:` and a runtime or request id) stands for. */
export function wakeupOf(payload: string | undefined): StoreWakeup | null {
  if (payload === undefined || payload.length < 3 || payload[1] !== ':') return null;
  const key = payload.slice(2);
  switch (payload[0]) {
    case 'e':
    case 'm': {
      const runtimeId = parseRuntimeId(key);
      if (runtimeId === null) return null;
      return { kind: payload[0] === 'e' ? 'events' : 'mailbox', runtimeId };
    }
    case 'a':
      return { kind: 'answer', requestId: key };
    default:
      return null;
  }
}

/**
 * Listens on the store's channel on a connection of its own (opened with the pool's settings, outside
 * the pool, so it never takes a slot commits need) and calls `onWake` for each notification.
 */
export function listenPg(
  pool: Pool,
  schema: PgSchema,
  onWake: (wake: StoreWakeup) => void,
): WakeupSubscription {
  let closed = false;
  let client: pg.Client | null = null;
  let connects = 0;
  let drops = 0;
  let retry = RETRY_MS.first;
  let timer: NodeJS.Timeout | null = null;

  const drop = (dead: pg.Client): void => {
    if (client !== dead) return;
    client = null;
    drops += 1;
    dead.removeAllListeners('notification');
    void dead.end().catch(() => undefined); // the connection is gone or going; nothing to wait for
    schedule();
  };
  const schedule = (): void => {
    if (closed || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retry);
    retry = Math.min(retry * 2, RETRY_MS.max);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client(pool.options);
    // An 'error' with no listener would crash the process; a dropped connection is expected here.
    next.on('error', () => drop(next));
    next.on('end', () => drop(next));
    next.on('notification', (message) => {
      const wake = wakeupOf(message.payload);
      if (wake !== null) onWake(wake);
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${schema.channel}`);
      if (closed) {
        await next.end();
        return;
      }
      connects += 1;
      retry = RETRY_MS.first;
    } catch {
      drop(next);
    }
  };
  void connect(); // its failures schedule the next attempt

  return {
    statistics: () => ({ connects, drops }),
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const last = client;
      client = null;
      last?.removeAllListeners('notification');
      await last?.end().catch(() => undefined);
    },
  };
}
