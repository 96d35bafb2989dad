// Test support for the slow-consumer test: clients over real sockets — a subscriber that never reads,
// a subscriber that reads slowly and resumes after overflow, a /healthz prober, forced-GC heap samples.

import { once } from 'node:events';
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readSse } from './sse-reader.js';

/** A raw socket that sends the GET of an event stream and never reads a byte of the answer. */
export interface StalledClient {
  /** Reads everything the server sent and resolves once the server closed the connection. */
  drain(): Promise<{ bytes: number; finished: boolean }>;
  destroy(): void;
}

/** Opens a subscriber that never reads (the request is sent; nothing is ever consumed). */
export async function openStalled(url: string, path: string): Promise<StalledClient> {
  const { port } = new URL(url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => undefined);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  socket.pause();
  return {
    async drain() {
      let bytes = 0;
      let tail = '';
      const closed = once(socket, 'close');
      socket.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        tail = (tail + chunk.toString('latin1')).slice(-16);
      });
      socket.resume();
      await closed;
      // A chunked response that the server finished ends with the last chunk `0\r\n\r\n`.
      return { bytes, finished: tail.endsWith('\r\n0\r\n\r\n') };
    },
    destroy: () => socket.destroy(),
  };
}

/** What a slow reader received. */
export interface SlowReading {
  /** The ids (durable seqs) received, in order, across reconnects. */
  readonly seqs: number[];
  /** Streams that ended with an `end` frame saying overflow. */
  readonly overflows: number;
  /** Connections that broke off without an `end` frame (the server gave up on a reader too slow to reach it). */
  readonly cuts: number;
}

/**
 * Reads a session's stream at about `bytesPerSecond` while `slow()` is true and, like an EventSource,
 * reconnects with Last-Event-ID whenever a stream ends or its connection breaks, until it has received
 * the seq `target()` names.
 */
export async function readSlowly(
  url: string,
  sessionId: string,
  options: {
    readonly bytesPerSecond: number;
    readonly slow: () => boolean;
    readonly target: () => number | null;
  },
): Promise<SlowReading> {
  const reading = { seqs: [] as number[], overflows: 0, cuts: 0 };
  let owed = 0;
  for (let failures = 0; failures < 20;) {
    const last = reading.seqs.at(-1);
    const headers: Record<string, string> =
      last === undefined ? {} : { 'last-event-id': `${last}` };
    try {
      const sse = readSse(await fetch(`${url}/v1/sessions/${sessionId}/events`, { headers }));
      failures = 0;
      for (let frame = await sse.next(); frame !== null; frame = await sse.next()) {
        if (frame.id !== undefined) reading.seqs.push(Number(frame.id));
        if (frame.event === 'end') {
          if (frame.data?.includes('overflow') === true) reading.overflows += 1;
          break;
        }
        const target = options.target();
        if (target !== null && (reading.seqs.at(-1) ?? 0) >= target) {
          await sse.cancel();
          return reading;
        }
        owed += frame.data?.length ?? 0;
        const ms = (owed / options.bytesPerSecond) * 1000;
        if (options.slow() && ms >= 5) {
          owed = 0;
          await sleep(ms);
        }
      }
    } catch {
      // Cut off, or a pooled connection the server had just closed: reconnect, as an EventSource does.
      reading.cuts += 1;
      failures += 1;
    }
  }
  throw new Error(`the slow reader could not reconnect: ${JSON.stringify(reading)}`);
}

/** Latencies of `/healthz`, probed back to back with a short pause, that can be paused around GCs. */
export function probeHealth(url: string): {
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<number[]>;
} {
  const latencies: number[] = [];
  let stopped = false;
  let gate: Promise<void> = Promise.resolve();
  let open = (): void => undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const loop = (async () => {
    while (!stopped) {
      await gate;
      inFlight = (async () => {
        const started = performance.now();
        const res = await fetch(`${url}/healthz`);
        await res.text();
        latencies.push(performance.now() - started);
      })();
      await inFlight;
      await sleep(20);
    }
  })();
  return {
    async pause() {
      gate = new Promise((resolve) => (open = resolve));
      await inFlight;
    },
    resume: () => open(),
    async stop() {
      stopped = true;
      open();
      await loop;
      return latencies;
    },
  };
}

/** `[p50, max]` of `values`, in ms with one decimal. */
export function p50max(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(1);
  return `p50 ${at(0.5)} ms, max ${at(1)} ms (${values.length} probes)`;
}

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap used after a full garbage collection, in MiB. */
export function heapAfterGc(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed / 2 ** 20;
}
