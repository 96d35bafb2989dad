// The counters of one host's ownership work (leases, sweeps, the ingress mailbox), on /metrics.

/** Counters of this host's ownership work since the runtime started. */
export interface OwnershipStats {
  /** Leases claimed (one per session, whether one by one or many at once). */
  claims: number;
  /** Claims refused because another live host holds the lease. */
  claimsRefused: number;
  /** Renewals of all this host's leases that succeeded, and that failed. */
  renewals: number;
  renewalFailures: number;
  /** Sessions given up because their lease was not renewed: lapsed, or not renewed before the margin. */
  lapsed: number;
  /** Commits the store refused as fenced (another host owned the session by then). */
  fencedCommits: number;
  /** Sweeper passes run, and passes that failed as a whole. */
  sweeps: number;
  sweepFailures: number;
  /** Requests this host forwarded to another host's session through the mailbox. */
  mailboxForwarded: number;
  /** Forwarded requests whose owner did not answer in time. */
  mailboxTimeouts: number;
  /** Mailbox requests this host answered as the session's owner. */
  mailboxAnswered: number;
  /** Mailbox requests this host took as owner and has not answered yet (a gauge). */
  mailboxDepth: number;
}

/** All counters at zero. */
export function createOwnershipStats(): OwnershipStats {
  return {
    claims: 0,
    claimsRefused: 0,
    renewals: 0,
    renewalFailures: 0,
    lapsed: 0,
    fencedCommits: 0,
    sweeps: 0,
    sweepFailures: 0,
    mailboxForwarded: 0,
    mailboxTimeouts: 0,
    mailboxAnswered: 0,
    mailboxDepth: 0,
  };
}
