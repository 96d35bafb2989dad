// The ledger's identity rules (02 rule 4, issue 10): an input id and an idempotency key each name one
// input of a session for as long as it is known; a reused one deduplicates when the content is the
// same and conflicts otherwise. (That a record's history only grows is core/ledger/history.ts.)

import { canonicalJson } from '../canonical-json.js';
import type { InputHeader, InputPayload } from '../input-kinds.js';
import type { InputRecord } from './input-record.js';
import type { Ledger } from './input-ledger.js';
import { findInput } from './input-ledger.js';

/** What the shell found for an input id and an idempotency key (null: not found, or not asked). */
export interface KnownInputs {
  readonly byId: InputRecord | null;
  readonly byKey: InputRecord | null;
}

/** Nothing found: what the shell passes when it did not need to ask the store. */
export const NOTHING_KNOWN: KnownInputs = { byId: null, byKey: null };

/** What an admission is, as far as identity goes: new, the same as a known input, or a conflict. */
export type IdentityVerdict =
  | { readonly status: 'new' }
  | { readonly status: 'deduplicated'; readonly existing: InputRecord }
  | { readonly status: 'conflict'; readonly existing: InputRecord; readonly message: string };

/**
 * The content of an input, the one definition both the id rule and the key rule compare: its
 * payload and every header field the caller chooses (origin, durability, idempotency key, whenBusy,
 * supersede key, metadata, debounce, time to live), defaults resolved, as canonical JSON. The id,
 * the session and the creation time are not content.
 */
export function contentOf(header: InputHeader, payload: InputPayload): string {
  const { origin, durability, idempotencyKey, whenBusy, supersedeKey, metadata } = header;
  const { debounceMs, ttlMs } = header;
  return canonicalJson({
    payload,
    origin,
    durability,
    idempotencyKey,
    whenBusy,
    supersedeKey,
    metadata,
    debounceMs,
    ttlMs,
  });
}

/**
 * The lookups the store must answer for an admission because memory cannot: the caller-supplied id
 * and the idempotency key, each only when memory does not hold it and the ledger has forgotten
 * records. A runtime-minted id is never looked up (it is new by construction), so the common path
 * (minted id, no key) never reads the store.
 */
export function storeLookups(
  ledger: Ledger,
  header: InputHeader,
  idSupplied: boolean,
): { readonly inputId: string | null; readonly idempotencyKey: string | null } {
  if (!ledger.forgotten) return { inputId: null, idempotencyKey: null };
  const id = header.inputId;
  const key = header.idempotencyKey;
  return {
    inputId: idSupplied && findInput(ledger, id) === undefined ? id : null,
    idempotencyKey: key !== null && !ledger.idempotency.has(key) ? key : null,
  };
}

/** What memory holds for the id and the key, completed by what the store answered (`stored`). */
export function knownInputs(ledger: Ledger, header: InputHeader, stored: KnownInputs): KnownInputs {
  const key = header.idempotencyKey;
  const keyed = key === null ? undefined : ledger.idempotency.get(key);
  return {
    byId: findInput(ledger, header.inputId) ?? stored.byId,
    byKey: (keyed === undefined ? undefined : findInput(ledger, keyed)) ?? stored.byKey,
  };
}

/**
 * Decides identity. A known id wins: same content deduplicates to it, anything else conflicts (a
 * different payload, header or idempotency key). Otherwise a known key: same content deduplicates
 * to the key's input (whatever id the caller proposed, as 02 says), else conflicts. When the id and
 * the key name two different inputs, the two rules disagree: conflict.
 */
export function resolveIdentity(
  header: InputHeader,
  payload: InputPayload,
  known: KnownInputs,
): IdentityVerdict {
  const { byId, byKey } = known;
  const existing = byId ?? byKey;
  if (existing === null) return { status: 'new' };
  if (byId !== null && byKey !== null && byId.header.inputId !== byKey.header.inputId) {
    return {
      status: 'conflict',
      existing: byId,
      message: `input id '${byId.header.inputId}' and idempotency key '${byKey.header.idempotencyKey ?? ''}' name different inputs`,
    };
  }
  if (contentOf(existing.header, existing.payload) === contentOf(header, payload))
    return { status: 'deduplicated', existing };
  const what =
    byId !== null
      ? `input id '${byId.header.inputId}'`
      : `idempotency key '${header.idempotencyKey ?? ''}'`;
  return {
    status: 'conflict',
    existing,
    message: `${what} was already used for a different input`,
  };
}
