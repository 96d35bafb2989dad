// Migration 3 (PostgreSQL): the ingress mailbox (issue 11, item 3).

/**
 * Requests for a session's owner, posted by a host that does not own it. `taken_fence` is the lease
 * fence under which an owner took the request (null: not taken), so a request its owner took and
 * never answered is taken again by the next owner, whose fence is higher. The partial index serves
 * the owner's poll; answered rows are deleted by their poster, or pruned.
 */
export const PG_MIGRATION_0003 = `
CREATE TABLE mailbox (
  request_id text PRIMARY KEY,
  seq bigserial NOT NULL,
  runtime_id text NOT NULL,
  from_host text NOT NULL,
  body text NOT NULL,
  posted_at_ms bigint NOT NULL,
  taken_fence bigint,
  answer text,
  answered_at_ms bigint
);
CREATE INDEX mailbox_unanswered ON mailbox (runtime_id, seq) WHERE answer IS NULL;
CREATE INDEX mailbox_answered ON mailbox (answered_at_ms) WHERE answer IS NOT NULL;
`;
