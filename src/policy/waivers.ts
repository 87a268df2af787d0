import { expiryEnd } from '../util/time.js';
import type { Waiver } from '../model/desired-state.js';
import type { SourceLocation } from '../model/location.js';
import type { AppliedWaiver, CheckResult, WaiverReport } from '../model/run-result.js';

/**
 * Waiver lifecycle (documented in the user guide, pinned by waivers.test.ts):
 * - A waiver matches a check when `resource` is the check's resource address and `rule` is the
 *   check's rule (an attribute name or a policy rule id) or `*`.
 * - It is in force while now < end, where end is the `expires` instant, or — for a date-only
 *   `expires: 2027-01-31` — the end of that day in UTC (2027-02-01T00:00:00Z, exclusive).
 *   An `expires` that cannot be read is treated as already expired (fail closed).
 * - In force and ending within 14 days (end − now ≤ 14d): state `expiring`; it still applies
 *   and the report flags it. Otherwise `active`.
 * - Only a FAILING check becomes `waived`. An unknown check stays unknown: a waiver accepts a
 *   known deviation, it does not vouch for something nobody could verify.
 * - Expired: the check fails again and carries the waiver (state `expired`) so the report names it.
 * - A waiver that matches no failing or unknown check is `unused` (a warning: the drift it
 *   covered is gone, or it names a resource/rule that does not exist).
 */

export const EXPIRING_WINDOW_MS = 14 * 86_400_000;

export type WaiverTimeState = 'active' | 'expiring' | 'expired';

export function waiverTimeState(waiver: Pick<Waiver, 'expires'>, nowMs: number): WaiverTimeState {
  const end = expiryEnd(waiver.expires);
  if (end === undefined || nowMs >= end) return 'expired';
  return end - nowMs <= EXPIRING_WINDOW_MS ? 'expiring' : 'active';
}

export interface ResourceChecks {
  readonly address: string;
  readonly checks: readonly CheckResult[];
}

interface IndexedWaiver {
  readonly waiver: Waiver;
  readonly state: WaiverTimeState;
  used: boolean;
}

function compareWaivers(a: IndexedWaiver, b: IndexedWaiver): number {
  // A specific rule beats `*`; an applicable waiver beats an expired one; then the one lasting
  // longest; then source position — so the choice does not depend on declaration order.
  const specific = Number(a.waiver.rule === '*') - Number(b.waiver.rule === '*');
  if (specific !== 0) return specific;
  const applicable = Number(a.state === 'expired') - Number(b.state === 'expired');
  if (applicable !== 0) return applicable;
  const endA = expiryEnd(a.waiver.expires) ?? -Infinity;
  const endB = expiryEnd(b.waiver.expires) ?? -Infinity;
  if (endA !== endB) return endB - endA;
  return compareLocation(a.waiver, b.waiver);
}

function compareLocation(a: { readonly location: SourceLocation }, b: { readonly location: SourceLocation }): number {
  if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
  return a.location.line - b.location.line || a.location.column - b.location.column;
}

function compareReports(a: WaiverReport, b: WaiverReport): number {
  if (a.resource !== b.resource) return a.resource < b.resource ? -1 : 1;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return compareLocation(a, b);
}

function applied(waiver: Waiver, state: WaiverTimeState): AppliedWaiver {
  return {
    rule: waiver.rule,
    reason: waiver.reason,
    owner: waiver.owner,
    expires: waiver.expires,
    ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
    state,
    location: waiver.location,
  };
}

function report(waiver: Waiver, state: WaiverReport['state']): WaiverReport {
  return {
    resource: waiver.resource,
    rule: waiver.rule,
    owner: waiver.owner,
    expires: waiver.expires,
    reason: waiver.reason,
    ...(waiver.ticket !== undefined ? { ticket: waiver.ticket } : {}),
    state,
    location: waiver.location,
  };
}

/**
 * Waivers applied one resource at a time, so a run can stream its resources: `apply` rewrites one
 * resource's checks, `reports` gives every waiver's state once all resources went through. A
 * resource applied twice (a streamed run reads its resources more than once) counts once.
 */
export interface WaiverApplier {
  apply(resource: ResourceChecks): ResourceChecks;
  reports(): WaiverReport[];
}

export function createWaiverApplier(waivers: readonly Waiver[], now: Date): WaiverApplier {
  const nowMs = now.getTime();
  const byResource = new Map<string, IndexedWaiver[]>();
  const indexed: IndexedWaiver[] = [];
  for (const waiver of waivers) {
    const entry: IndexedWaiver = { waiver, state: waiverTimeState(waiver, nowMs), used: false };
    indexed.push(entry);
    const list = byResource.get(waiver.resource);
    if (list) list.push(entry);
    else byResource.set(waiver.resource, [entry]);
  }
  for (const list of byResource.values()) list.sort(compareWaivers);

  return {
    apply(resource) {
      const candidates = byResource.get(resource.address);
      if (candidates === undefined) return resource;
      let changed = false;
      const checks = resource.checks.map((check) => {
        if (check.status !== 'fail' && check.status !== 'unknown') return check;
        const match = candidates.find((c) => c.waiver.rule === '*' || c.waiver.rule === check.rule);
        if (match === undefined) return check;
        // Every waiver that covers a failing/unknown check counts as used, not only the winner.
        for (const c of candidates) if (c.waiver.rule === '*' || c.waiver.rule === check.rule) c.used = true;
        if (check.status === 'unknown') return check;
        changed = true;
        if (match.state === 'expired') return { ...check, waiver: applied(match.waiver, 'expired') };
        return { ...check, status: 'waived' as const, waiver: applied(match.waiver, match.state) };
      });
      return changed ? { address: resource.address, checks } : resource;
    },
    reports: () => indexed.map((entry) => report(entry.waiver, entry.used ? entry.state : 'unused')).sort(compareReports),
  };
}
