// Request body schemas of the HTTP API (strict: unknown fields are refused). Input submissions reuse
// the runtime's own `inputSubmissionSchema`.
//
// The bounds keep every body these schemas accept well under the default 1 MiB body limit, even with
// every character escaped or multi-byte: a body over a bound is then always refused by its schema
// (400, naming the bound), never first by its size (413).

import { z } from 'zod';
import { idSchema } from './params.js';

// eslint-disable-next-line no-control-regex -- names are printable, like ids
const printable = /^[^\u0000-\u001f\u007f]+$/;
const name = z.string().min(1).max(128).regex(printable, 'must not contain control characters');
const names = z.array(name).max(256);

/** `POST /v1/sessions`: an optional id (minted when absent). */
export const registerBodySchema = z.strictObject({ id: idSchema.optional() });

/** `interrupt`, `cancel-after-boundary`, `stop`: an optional reason. */
export const reasonBodySchema = z.strictObject({ reason: z.string().min(1).max(1000).optional() });

/** Control operations without parameters (`retire`, `recycle`, `reset`, `destroy`): `{}` or no body. */
export const emptyBodySchema = z.strictObject({});

/** `PUT /silent-intents`: the complete new set. */
export const silentIntentsBodySchema = z.strictObject({ intents: names });

const toolEntry = z.strictObject({ name, provenance: name });

/** `PUT /visibility/catalog`: the complete new tool catalog. */
export const catalogBodySchema = z.strictObject({ tools: z.array(toolEntry).max(512) });

const filter = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('all') }),
  z.strictObject({ type: z.literal('allow'), names }),
  z.strictObject({ type: z.literal('deny'), names }),
]);

/** `PUT /visibility/filter`: the filter to stage (visible from the next boundary). */
export const filterBodySchema = z.strictObject({ filter });

/** `POST /visibility/deferred`: deferred tools to load at the next boundary. */
export const deferredBodySchema = z.strictObject({ names });

const side = z.strictObject({
  revision: z.number().int().min(0),
  filter,
  deferred: names,
});

/** `PUT /visibility/published`: the committed visible set, both sides. */
export const publishedBodySchema = z.strictObject({ active: side, staged: side });
