// JSON values: the only shape that crosses the core's boundary into stores and the wire.

/** A JSON-serialisable value. Every persisted or transmitted payload is one of these. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };
