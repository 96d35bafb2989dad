// The per-host ownership metrics of /metrics (issue 11): the leases this host holds, its claims,
// renewals, leases given up by the lease guard, fenced commits, sweeper runs and the ingress mailbox
// (requests forwarded, timed out, answered, and taken but not yet answered). Read from the runtime's
// diagnostics at scrape time; nothing when the store does not arbitrate ownership.

import type { Runtime } from '../../runtime/runtime-api.js';
import { renderFamily } from './prometheus.js';

/** The ownership families in Prometheus text (empty without leases). */
export function renderOwnershipMetrics(runtime: Runtime): string {
  const o = runtime.diagnostics().ownership;
  if (o === null) return '';
  const one = (value: number) => [{ labels: {}, value }];
  return [
    renderFamily('burrow_host_info', 'gauge', 'This host’s id as a lease owner (always 1).', [
      { labels: { host: o.hostId }, value: 1 },
    ]),
    renderFamily(
      'burrow_leases_held',
      'gauge',
      'Sessions registered on this host under its lease.',
      one(o.leasesHeld),
    ),
    renderFamily(
      'burrow_lease_claims_total',
      'counter',
      'Lease claims by this host, by result (refused: another live host holds the lease).',
      [
        { labels: { result: 'claimed' }, value: o.claims },
        { labels: { result: 'refused' }, value: o.claimsRefused },
      ],
    ),
    renderFamily(
      'burrow_lease_renewals_total',
      'counter',
      'Renewals of all this host’s leases (one statement each), by result.',
      [
        { labels: { result: 'ok' }, value: o.renewals },
        { labels: { result: 'failed' }, value: o.renewalFailures },
      ],
    ),
    renderFamily(
      'burrow_leases_lapsed_total',
      'counter',
      'Sessions this host gave up (turn cancelled) because it could not renew their lease in time.',
      one(o.lapsed),
    ),
    renderFamily(
      'burrow_fenced_commits_total',
      'counter',
      'Commits the store refused as fenced: another host owned the session by then.',
      one(o.fencedCommits),
    ),
    renderFamily(
      'burrow_sweeper_runs_total',
      'counter',
      'Recovery sweeps run by this host (each looks for sessions whose owner is gone).',
      one(o.sweeps),
    ),
    renderFamily(
      'burrow_sweeper_failures_total',
      'counter',
      'Recovery sweeps that failed as a whole (listing or claiming failed).',
      one(o.sweepFailures),
    ),
    renderFamily(
      'burrow_mailbox_depth',
      'gauge',
      'Mailbox requests for sessions this host owns that it took and has not answered yet (a request waits untaken at most one mailbox poll).',
      one(o.mailboxDepth),
    ),
    renderFamily(
      'burrow_mailbox_forwarded_total',
      'counter',
      'Requests this host posted to the mailbox for the host owning their session.',
      one(o.mailboxForwarded),
    ),
    renderFamily(
      'burrow_mailbox_forward_timeouts_total',
      'counter',
      'Forwarded requests whose owner did not answer in time (answered store_unavailable).',
      one(o.mailboxTimeouts),
    ),
    renderFamily(
      'burrow_mailbox_answered_total',
      'counter',
      'Mailbox requests this host answered as the owner of their session.',
      one(o.mailboxAnswered),
    ),
  ].join('');
}
