// Reads a request body under a byte limit (declared Content-Length and the bytes actually streamed),
// parses it as JSON and validates it with a strict zod schema. Every refusal is a BurrowError.

import type { z } from 'zod';
import { BurrowError } from '../core/errors.js';

/** Formats zod issues as `path: message` lines (the `issues` detail of `validation_failed`). */
export function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
}

function tooLarge(limit: number, size?: number): BurrowError {
  const what = size === undefined ? 'the request body' : `the request body (${size} bytes)`;
  return new BurrowError('payload_too_large', `${what} is over the limit of ${limit} bytes`, {
    limit,
  });
}

/** The body's bytes, refusing anything over `limit` before reading more than `limit + 1 chunk`. */
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d{1,15}$/.test(declared.trim())) {
      throw new BurrowError('validation_failed', 'Content-Length is not a byte count', {
        issues: ['content-length: not a non-negative integer'],
      });
    }
    const size = Number(declared.trim());
    if (size > limit) throw tooLarge(limit, size);
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      // A chunked body (or one that lies about its length) is cut off as soon as it passes the limit.
      if (total > limit) {
        await reader.cancel('payload too large').catch(() => undefined);
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * How deep a request body's arrays and objects may nest. Validation and storage walk values
 * recursively; a body nested thousands of levels deep (which fits in a few kilobytes) is refused here
 * instead of exhausting the stack there.
 */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests arrays or objects deeper than `max` levels (iterative: no recursion). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Parses `bytes` as UTF-8 JSON; an empty body is `undefined`. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return undefined;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new BurrowError('validation_failed', 'the request body is not valid UTF-8', {
      issues: ['(body): not UTF-8'],
    });
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new BurrowError('validation_failed', 'the request body is not valid JSON', {
      issues: ['(body): malformed JSON'],
    });
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new BurrowError(
      'validation_failed',
      `the request body nests deeper than ${MAX_JSON_DEPTH} levels`,
      { issues: [`(body): nested deeper than ${MAX_JSON_DEPTH} levels`] },
    );
  }
  return value;
}

/**
 * Reads, parses and validates a JSON body. With `emptyAs`, an empty body stands for that value (routes
 * whose body is optional); otherwise an empty body is refused.
 *
 * @example
 * const body = await readJsonBody(c.req.raw, 1024 * 1024, reasonBodySchema, {});
 */
export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  limit: number,
  schema: S,
  emptyAs?: z.input<S>,
): Promise<z.output<S>> {
  const raw = parseJsonBytes(await readBodyBytes(request, limit));
  if (raw === undefined && emptyAs === undefined) {
    throw new BurrowError('validation_failed', 'a JSON request body is required', {
      issues: ['(body): required'],
    });
  }
  const parsed = schema.safeParse(raw === undefined ? emptyAs : raw);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    throw new BurrowError('validation_failed', `invalid request body: ${issues.join('; ')}`, {
      issues,
    });
  }
  return parsed.data;
}
