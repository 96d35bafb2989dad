// The zod schema of a JSON value, for the core's own schemas (input kinds, stored operations).

import { z } from 'zod';
import type { JsonValue } from './json.js';

/** Any {@link JsonValue}: null, boolean, number, string, or arrays and string-keyed objects of them. */
export const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(jsonValue),
    z.record(z.string(), jsonValue),
  ]),
);
