// The dashboard: `/` and `/static/<file>`, plain files from src/server/static (no build step), served
// with a strict Content-Security-Policy. The page is public; the data it shows needs the token.
// Two modules, `event-types.js` and `phases.js`, are rendered from the core's lists so the page never
// keeps a copy.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PHASES } from '../../core/machine/state.js';
import { RUNTIME_EVENT_TYPES } from '../../core/runtime-event.js';
import { problemResponse } from '../problem.js';
import type { RouteSpec } from './route-spec.js';

const CONTENT_TYPES = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
} as const;

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/** The names of the dashboard's files (the `{file}` of `/static/{file}`). */
export const DASHBOARD_FILE_PATTERN = '^[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)$';

/** Dashboard modules rendered from the code instead of read from the directory. */
const RENDERED: Readonly<Record<string, string>> = {
  'event-types.js': `/** Every event type the runtime emits (03), rendered by the server. */\nexport const EVENT_TYPES = ${JSON.stringify(RUNTIME_EVENT_TYPES)};\n`,
  'phases.js': `/** The visible phases of a session, in lifecycle order, rendered by the server. */\nexport const PHASES = ${JSON.stringify(PHASES)};\n`,
};

/**
 * Where the dashboard files are: next to this module (source tree, or a build that copied them), else
 * the source tree seen from `dist/server/` (a build that did not copy them).
 */
export function dashboardDir(): string {
  const candidates = [
    new URL('../static/', import.meta.url),
    new URL('../../../src/server/static/', import.meta.url),
  ];
  const found = candidates.find((url) => existsSync(new URL('index.html', url)));
  return fileURLToPath(found ?? (candidates[0] as URL));
}

/** The dashboard routes. */
export function dashboardRoutes(dir: string = dashboardDir()): RouteSpec[] {
  const encoder = new TextEncoder();
  const cache = new Map<string, Uint8Array>(
    Object.entries(RENDERED).map(([file, text]) => [file, encoder.encode(text)]),
  );
  const serve = async (file: string): Promise<Response> => {
    const match = new RegExp(DASHBOARD_FILE_PATTERN).exec(file);
    if (match === null) return problemResponse('route_not_found', `no dashboard file ${file}`);
    let body = cache.get(file);
    if (body === undefined) {
      try {
        body = new Uint8Array(await readFile(`${dir}/${file}`));
      } catch {
        return problemResponse('route_not_found', `no dashboard file ${file}`);
      }
      cache.set(file, body);
    }
    return new Response(body, {
      headers: {
        'content-type': CONTENT_TYPES[match[1] as keyof typeof CONTENT_TYPES],
        ...SECURITY_HEADERS,
      },
    });
  };
  return [
    {
      method: 'GET',
      path: '/',
      operationId: 'dashboard',
      summary: 'The dashboard page.',
      tag: 'dashboard',
      auth: 'none',
      success: [{ status: 200, description: 'HTML.', contentType: 'text/html' }],
      errors: [],
      handle: () => serve('index.html'),
    },
    {
      method: 'GET',
      path: '/static/:file',
      operationId: 'dashboardFile',
      summary: 'A dashboard script, stylesheet or image.',
      tag: 'dashboard',
      auth: 'none',
      success: [
        { status: 200, description: 'The file.', contentType: Object.values(CONTENT_TYPES) },
      ],
      errors: ['route_not_found'],
      handle: (c) => serve(c.req.param('file') ?? ''),
    },
    {
      method: 'GET',
      path: '/favicon.ico',
      operationId: 'favicon',
      summary: "The dashboard's icon (an SVG), for browsers that ask for /favicon.ico.",
      tag: 'dashboard',
      auth: 'none',
      success: [{ status: 200, description: 'The icon.', contentType: CONTENT_TYPES.svg }],
      errors: [],
      handle: () => serve('favicon.svg'),
    },
  ];
}
