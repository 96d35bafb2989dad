// The client side of the HTTP API for `sessions`, `send` and `tail`: bearer token, problem bodies, exit codes.

import { toError } from '../core/errors.js';
import type { ClientConfig } from './config.js';
import { CliError, EXIT } from './exit-codes.js';

/** A successful JSON response. */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
}

/** An `application/problem+json` body as the server sends it. */
export interface Problem {
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly status?: number;
  readonly [key: string]: unknown;
}

/** Talks to one server. */
export interface ApiClient {
  readonly url: string;
  /** Sends a JSON request; a problem response throws a {@link CliError} (exit 1), no answer exit 3. */
  json(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<ApiResponse>;
  /** Opens a streaming GET (SSE) and returns the raw response once its headers arrived. */
  stream(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response>;
}

/** The socket-level reason of a failed fetch (`ECONNREFUSED`, ...), if there is one. */
function networkReason(error: unknown): string | null {
  if (!(error instanceof TypeError)) return null;
  const cause = (error as { cause?: unknown }).cause;
  if (typeof cause === 'object' && cause !== null) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    return toError(cause).message;
  }
  return error.message;
}

/** Turns a fetch failure into exit 3 (unreachable), and leaves aborts alone. */
export function unreachable(url: string, error: unknown): unknown {
  const reason = networkReason(error);
  if (reason === null) return error;
  return new CliError(EXIT.unreachable, `cannot reach the server at ${url} (${reason})`, {
    url,
    reason,
  });
}

/** Reads a problem (or any error body) into a CliError with exit 1. */
export async function problemError(response: Response): Promise<CliError> {
  const text = await response.text();
  let problem: Problem = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) problem = parsed as Problem;
  } catch {
    problem = { detail: text.slice(0, 500) };
  }
  const code = problem.code ?? `http_${response.status}`;
  const detail = problem.detail ?? problem.title ?? response.statusText;
  return new CliError(EXIT.failure, `${code}: ${detail}`, {
    status: response.status,
    problem,
  });
}

/** A client for the server in `config`. */
export function createApiClient(config: ClientConfig): ApiClient {
  const auth: Record<string, string> =
    config.token === null ? {} : { authorization: `Bearer ${config.token}` };
  const send = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(`${config.url}${path}`, init);
    } catch (error: unknown) {
      throw unreachable(config.url, error);
    }
  };
  return {
    url: config.url,
    async json(method, path, body, signal) {
      const response = await send(path, {
        method,
        headers: {
          accept: 'application/json',
          ...auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal }),
      });
      if (!response.ok) throw await problemError(response);
      const text = await response.text();
      return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
    async stream(path, headers, signal) {
      const response = await send(path, {
        headers: { accept: 'text/event-stream', ...auth, ...headers },
        signal,
      });
      if (!response.ok) throw await problemError(response);
      return response;
    },
  };
}
