import { expiryEnd } from '../util/time.js';
import { SEVERITY_RANK } from '../engine/evaluate.js';
import type { ChangeEffect, ChangeKind, ControlChange } from '../model/comparison.js';
import type { DesiredState, ResourceConfig, Severity, Waiver } from '../model/desired-state.js';
import type { JsonValue } from '../model/json.js';
import type { SourceLocation } from '../model/location.js';
import type { Observation } from '../model/observation.js';
import { compareStrings } from '../model/order.js';
import { attributeSpec, resourceType } from '../resources/registry.js';
import type { AttributeSpec } from '../model/resource-types.js';
import type { PolicyPack, PolicyRule, PolicySelector } from '../policy/policy-pack.js';
import { compileSelector } from '../policy/selector.js';
import { relation } from './acceptance.js';
import type { CheckSpec, Relation } from './acceptance.js';

/**
 * The weakening detector of `--compare` (design.md §12): a pure function of the two
 * configurations (with their loaded policy packs), the snapshot and the as-of. It lists every
 * change to a control, each with its effect:
 *
 * - expectations and policy assertions per (resource or rule, attribute): operand changes by the
 *   accepted-set semantics of acceptance.ts; removed → weakens, added → tightens;
 * - severity lowered → weakens, raised → tightens;
 * - a policy pack dropped, a rule removed, a `where` narrowed (a configured resource no longer
 *   matched, or the selector syntactically narrower), a rule that stopped applying to a resource
 *   because its labels/provider changed, a precondition (`when`) that now holds for fewer values
 *   → weakens; the reverse tightens;
 * - a waiver added or its `expires` extended → weakens; removed or shortened → tightens;
 *   reason/owner/ticket edits are neutral;
 * - a resource removed while the snapshot still holds it → weakens; so does one the snapshot
 *   does not show gone (not observed, or its observation failed: fail closed); only an
 *   observation proving the instance absent makes the removal neutral; added → tightens.
 */

export interface CompareSide {
  readonly state: DesiredState;
  readonly packs: readonly PolicyPack[];
}

type Located = { readonly location?: SourceLocation; readonly base_location?: SourceLocation };

function change(effect: ChangeEffect, kind: ChangeKind, fields: Omit<ControlChange, 'effect' | 'kind'>): ControlChange {
  return { effect, kind, ...fields };
}

function spec(check: { readonly operator: CheckSpec['operator']; readonly expected: JsonValue }): JsonValue {
  return { [check.operator]: check.expected };
}

function show(check: CheckSpec): string {
  const v = check.expected;
  return `${check.operator}: ${typeof v === 'string' ? v : JSON.stringify(v)}`;
}

function attributeOf(type: string, attribute: string): AttributeSpec | undefined {
  if (attribute.startsWith('raw.')) return undefined;
  const t = resourceType(type);
  return t === undefined ? undefined : attributeSpec(t, attribute);
}

const RELATION_EFFECT: Readonly<Record<Relation, ChangeEffect>> = {
  same: 'neutral',
  narrower: 'tightens',
  wider: 'weakens',
  different: 'weakens',
};

function relationWords(r: Relation): string {
  switch (r) {
    case 'same':
      return 'accepts the same values';
    case 'narrower':
      return 'accepts fewer values (tightened)';
    case 'wider':
      return 'accepts values it used to reject (relaxed)';
    case 'different':
      return 'accepts values it used to reject (changed; also rejects some it accepted)';
  }
}

function severityChange(
  subject: string,
  before: Severity,
  after: Severity,
  where: Located,
  extra: { resource?: string; rule?: string },
): ControlChange | undefined {
  if (before === after) return undefined;
  const lowered = SEVERITY_RANK[after] < SEVERITY_RANK[before];
  return change(lowered ? 'weakens' : 'tightens', 'severity_changed', {
    ...extra,
    before,
    after,
    message: `${subject}: severity ${lowered ? 'lowered' : 'raised'} from ${before} to ${after}`,
    ...where,
  });
}

/** One check (an expectation or an assertion) in both versions. */
function compareCheck(
  out: ControlChange[],
  subject: string,
  kind: 'expectation_changed' | 'assertion_changed' | 'precondition_changed',
  base: CheckSpec,
  head: CheckSpec,
  attribute: AttributeSpec | undefined,
  now: Date,
  where: Located,
  extra: { resource?: string; rule?: string },
): void {
  const sameText = base.operator === head.operator && JSON.stringify(base.expected) === JSON.stringify(head.expected);
  if (sameText) return;
  const r = relation(base, head, attribute, now);
  // A precondition decides whether the rule applies: accepting fewer values means applying less.
  const effect =
    kind === 'precondition_changed'
      ? r === 'same'
        ? 'neutral'
        : r === 'narrower' || r === 'different'
          ? 'weakens'
          : 'tightens'
      : RELATION_EFFECT[r];
  const words =
    kind === 'precondition_changed'
      ? effect === 'weakens'
        ? 'the rule now applies to fewer resources'
        : effect === 'tightens'
          ? 'the rule now applies to more resources'
          : 'the rule applies as before'
      : relationWords(r);
  out.push(
    change(effect, kind, {
      ...extra,
      before: spec(base),
      after: spec(head),
      message: `${subject}: ${show(base)} → ${show(head)}: ${words}`,
      ...where,
    }),
  );
}

function byKey<T>(items: readonly T[], key: (t: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(key(item))) map.set(key(item), item);
  return map;
}

function compareExpectations(out: ControlChange[], b: ResourceConfig, h: ResourceConfig, now: Date): void {
  const before = byKey(b.expect, (e) => e.attribute);
  const after = byKey(h.expect, (e) => e.attribute);
  for (const [name, e] of before) {
    const subject = `${h.address} expects ${name}`;
    const n = after.get(name);
    if (n === undefined) {
      out.push(
        change('weakens', 'expectation_removed', {
          resource: h.address,
          rule: name,
          before: spec(e),
          after: null,
          message: `${subject}: check removed (was ${show(e)})`,
          location: h.location,
          base_location: e.location,
        }),
      );
      continue;
    }
    const where = { location: n.location, base_location: e.location };
    compareCheck(out, subject, 'expectation_changed', e, n, attributeOf(h.type, name), now, where, { resource: h.address, rule: name });
    const sev = severityChange(subject, e.severity, n.severity, where, { resource: h.address, rule: name });
    if (sev) out.push(sev);
  }
  for (const [name, n] of after) {
    if (before.has(name)) continue;
    out.push(
      change('tightens', 'expectation_added', {
        resource: h.address,
        rule: name,
        before: null,
        after: spec(n),
        message: `${h.address} expects ${name}: check added (${show(n)})`,
        location: n.location,
      }),
    );
  }
}

function compareResources(
  out: ControlChange[],
  base: DesiredState,
  head: DesiredState,
  observations: readonly Observation[],
  now: Date,
): void {
  const before = byKey(base.resources, (r) => r.address);
  const after = byKey(head.resources, (r) => r.address);
  const observed = byKey(observations, (o) => o.address);
  for (const [address, b] of before) {
    const h = after.get(address);
    if (h === undefined) {
      const o = observed.get(address);
      // Fail closed: only an observation proving the instance gone makes the removal harmless.
      const proven = o !== undefined && o.status === 'absent';
      const checks = `${b.expect.length} expectation(s) and the policy rules that applied to it no longer run`;
      out.push(
        change(proven ? 'neutral' : 'weakens', 'resource_removed', {
          resource: address,
          before: address,
          after: null,
          message: proven
            ? `${address} was removed from the configuration; the snapshot shows it no longer exists`
            : o === undefined
              ? `${address} was removed from the configuration and the snapshot does not show it gone: its ${checks}`
              : `${address} was removed from the configuration but ${o.status === 'ok' ? 'still exists in the snapshot' : 'the snapshot could not show it gone'}: its ${checks}`,
          base_location: b.location,
        }),
      );
      continue;
    }
    const scope = (r: ResourceConfig): JsonValue => ({ provider: r.provider, region: r.region ?? null, instance_id: r.instanceId ?? null });
    if (JSON.stringify(scope(b)) !== JSON.stringify(scope(h))) {
      out.push(
        change('neutral', 'resource_scope_changed', {
          resource: address,
          before: scope(b),
          after: scope(h),
          message: `${address} now reads ${JSON.stringify(scope(h))} (was ${JSON.stringify(scope(b))})`,
          location: h.location,
          base_location: b.location,
        }),
      );
    }
    compareExpectations(out, b, h, now);
  }
  for (const [address, h] of after) {
    if (before.has(address)) continue;
    out.push(
      change('tightens', 'resource_added', {
        resource: address,
        before: null,
        after: address,
        message: `${address} was added to the configuration (${h.expect.length} expectation(s))`,
        location: h.location,
      }),
    );
  }
}

interface IndexedRule {
  readonly rule: PolicyRule;
  readonly pack: PolicyPack;
}

function ruleKey(rule: PolicyRule): string {
  return `${rule.resourceType}\u0000${rule.id}`;
}

function indexRules(packs: readonly PolicyPack[]): Map<string, IndexedRule> {
  const map = new Map<string, IndexedRule>();
  for (const pack of packs) for (const rule of pack.rules) if (!map.has(ruleKey(rule))) map.set(ruleKey(rule), { rule, pack });
  return map;
}

function refLocation(state: DesiredState, pack: PolicyPack): SourceLocation | undefined {
  return state.policies.find((p) => p.path === pack.path)?.location;
}

function patternsWithin(inner: readonly string[] | undefined, outer: readonly string[] | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return inner.every((p) => outer.includes(p));
}

/** Syntactic containment of selectors: every condition of `outer` is in `inner` with no more patterns. */
function selectorWithin(inner: PolicySelector | undefined, outer: PolicySelector | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  if (!patternsWithin(inner.provider, outer.provider) || !patternsWithin(inner.name, outer.name)) return false;
  for (const [key, patterns] of Object.entries(outer.labels ?? {})) {
    if (!patternsWithin(inner.labels?.[key], patterns)) return false;
  }
  return true;
}

function compareWhere(out: ControlChange[], b: PolicyRule, h: PolicyRule, head: DesiredState, where: Located): void {
  if (JSON.stringify(b.where ?? null) === JSON.stringify(h.where ?? null)) return;
  const matchBase = compileSelector(b.where);
  const matchHead = compileSelector(h.where);
  const candidates = head.resources.filter((r) => r.type === h.resourceType);
  const lost = candidates.filter((r) => matchBase(r) && !matchHead(r)).map((r) => r.address);
  const gained = candidates.filter((r) => !matchBase(r) && matchHead(r)).map((r) => r.address);
  const narrower = selectorWithin(h.where, b.where);
  const wider = selectorWithin(b.where, h.where);
  const gains = gained.length > 0 ? `; now also applies to ${gained.join(', ')}` : '';
  let effect: ChangeEffect;
  let words: string;
  if (lost.length > 0) {
    effect = 'weakens';
    words = `where narrowed: no longer applies to ${lost.join(', ')}${gains}`;
  } else if (narrower && wider) {
    effect = 'neutral';
    words = 'where rewritten; it matches the same resources';
  } else if (narrower) {
    effect = 'weakens';
    words = 'where narrowed (no configured resource is affected yet)';
  } else if (wider) {
    effect = 'tightens';
    words = `where widened${gains}`;
  } else {
    // Neither selector provably contains the other: fail closed, a reviewer must look.
    effect = 'weakens';
    words = `where changed and is not provably wider, so it may stop matching resources${gains}`;
  }
  out.push(
    change(effect, 'rule_where_changed', {
      rule: h.id,
      before: (b.where ?? null) as JsonValue,
      after: (h.where ?? null) as JsonValue,
      message: `policy rule ${h.id}: ${words}`,
      ...where,
    }),
  );
}

function compareAssertions(out: ControlChange[], b: PolicyRule, h: PolicyRule, list: 'assert' | 'when', now: Date): void {
  const before = byKey(b[list], (a) => a.attribute);
  const after = byKey(h[list], (a) => a.attribute);
  const precondition = list === 'when';
  const subject = (name: string): string => `policy rule ${h.id} ${precondition ? 'applies when' : 'asserts'} ${name}`;
  for (const [name, a] of before) {
    const n = after.get(name);
    if (n === undefined) {
      // Removing an assertion checks less; removing a precondition makes the rule apply more widely.
      out.push(
        change(precondition ? 'tightens' : 'weakens', precondition ? 'precondition_removed' : 'assertion_removed', {
          rule: h.id,
          before: spec(a),
          after: null,
          message: `${subject(name)}: ${precondition ? 'precondition removed; the rule applies more widely' : 'assertion removed'} (was ${show(a)})`,
          location: h.location,
          base_location: a.location,
        }),
      );
      continue;
    }
    compareCheck(
      out,
      subject(name),
      precondition ? 'precondition_changed' : 'assertion_changed',
      a,
      n,
      attributeOf(h.resourceType, name),
      now,
      { location: n.location, base_location: a.location },
      { rule: h.id },
    );
  }
  for (const [name, n] of after) {
    if (before.has(name)) continue;
    out.push(
      change(precondition ? 'weakens' : 'tightens', precondition ? 'precondition_added' : 'assertion_added', {
        rule: h.id,
        before: null,
        after: spec(n),
        message: `${subject(name)}: ${precondition ? 'precondition added; the rule applies to fewer resources' : 'assertion added'} (${show(n)})`,
        location: n.location,
      }),
    );
  }
}

/**
 * A pack's identity across the two versions: the reference as written in `policies:`
 * (`builtin:baseline`, `./policies/team.yaml`), so a base read from another directory or a git
 * revision names the same pack the same way; the file name when no reference names it.
 */
function packKey(state: DesiredState, pack: PolicyPack): string {
  return state.policies.find((p) => p.path === pack.path)?.ref ?? pack.file;
}

function comparePolicies(out: ControlChange[], base: CompareSide, head: CompareSide, now: Date): void {
  const basePacks = byKey(base.packs, (p) => packKey(base.state, p));
  const headPacks = byKey(head.packs, (p) => packKey(head.state, p));
  for (const [ref, pack] of basePacks) {
    if (headPacks.has(ref)) continue;
    const at = refLocation(base.state, pack);
    out.push(
      change('weakens', 'policy_pack_removed', {
        before: ref,
        after: null,
        message: `policy pack ${ref} was dropped: its ${pack.rules.length} rule(s) no longer run${pack.rules.length ? ` (${pack.rules.map((r) => r.id).join(', ')})` : ''}`,
        ...(at ? { base_location: at } : {}),
      }),
    );
  }
  for (const [ref, pack] of headPacks) {
    if (basePacks.has(ref)) continue;
    const at = refLocation(head.state, pack);
    out.push(
      change('tightens', 'policy_pack_added', {
        before: null,
        after: ref,
        message: `policy pack ${ref} was added (${pack.rules.length} rule(s))`,
        ...(at ? { location: at } : {}),
      }),
    );
  }

  const baseRules = indexRules(base.packs);
  const headRules = indexRules(head.packs);
  const baseKey = (pack: PolicyPack): string => packKey(base.state, pack);
  const headKey = (pack: PolicyPack): string => packKey(head.state, pack);
  for (const [key, { rule: b, pack }] of baseRules) {
    const found = headRules.get(key);
    if (found === undefined) {
      // A rule of a dropped pack is reported with the pack.
      if (!headPacks.has(baseKey(pack))) continue;
      out.push(
        change('weakens', 'rule_removed', {
          rule: b.id,
          before: b.id,
          after: null,
          message: `policy rule ${b.id} (${b.title}) was removed from ${baseKey(pack)}`,
          base_location: b.location,
        }),
      );
      continue;
    }
    const h = found.rule;
    const where = { location: h.location, base_location: b.location };
    const sev = severityChange(`policy rule ${h.id}`, b.severity, h.severity, where, { rule: h.id });
    if (sev) out.push(sev);
    compareWhere(out, b, h, head.state, where);
    compareAssertions(out, b, h, 'assert', now);
    compareAssertions(out, b, h, 'when', now);
  }
  for (const [key, { rule: h, pack }] of headRules) {
    if (baseRules.has(key) || !basePacks.has(headKey(pack))) continue;
    out.push(
      change('tightens', 'rule_added', {
        rule: h.id,
        before: null,
        after: h.id,
        message: `policy rule ${h.id} (${h.title}) was added to ${headKey(pack)}`,
        location: h.location,
      }),
    );
  }

  // A rule whose selector did not change can still stop applying when a resource's labels,
  // name or provider change.
  const baseResources = byKey(base.state.resources, (r) => r.address);
  for (const [key, { rule: h }] of headRules) {
    const found = baseRules.get(key);
    if (found === undefined || JSON.stringify(found.rule.where ?? null) !== JSON.stringify(h.where ?? null)) continue;
    const matches = compileSelector(h.where);
    for (const r of head.state.resources) {
      const old = baseResources.get(r.address);
      if (old === undefined || r.type !== h.resourceType) continue;
      const was = matches(old);
      const is = matches(r);
      if (was === is) continue;
      out.push(
        change(was ? 'weakens' : 'tightens', was ? 'rule_no_longer_applies' : 'rule_now_applies', {
          resource: r.address,
          rule: h.id,
          before: was,
          after: is,
          message: `policy rule ${h.id} ${was ? 'no longer applies' : 'now applies'} to ${r.address} (its labels, name or provider changed)`,
          location: r.location,
          base_location: old.location,
        }),
      );
    }
  }
}

function waiverKey(w: Waiver): string {
  return `${w.resource}\u0000${w.rule}`;
}

/** Of several waivers for the same check the longest-lasting one is what applies. */
function indexWaivers(waivers: readonly Waiver[]): Map<string, Waiver> {
  const map = new Map<string, Waiver>();
  for (const w of waivers) {
    const had = map.get(waiverKey(w));
    if (had === undefined || (expiryEnd(w.expires) ?? -Infinity) > (expiryEnd(had.expires) ?? -Infinity)) map.set(waiverKey(w), w);
  }
  return map;
}

function compareWaivers(out: ControlChange[], base: DesiredState, head: DesiredState): void {
  const before = indexWaivers(base.waivers);
  const after = indexWaivers(head.waivers);
  const subject = (w: Waiver): string => `waiver for ${w.resource} ${w.rule === '*' ? '(every check)' : w.rule}`;
  for (const [key, w] of after) {
    const old = before.get(key);
    const extra = { resource: w.resource, rule: w.rule };
    if (old === undefined) {
      out.push(
        change('weakens', 'waiver_added', {
          ...extra,
          before: null,
          after: w.expires,
          message: `${subject(w)} added until ${w.expires} (owner ${w.owner}): ${w.reason}`,
          location: w.location,
        }),
      );
      continue;
    }
    const where = { location: w.location, base_location: old.location };
    const endBefore = expiryEnd(old.expires) ?? -Infinity;
    const endAfter = expiryEnd(w.expires) ?? -Infinity;
    if (endBefore !== endAfter) {
      const longer = endAfter > endBefore;
      out.push(
        change(longer ? 'weakens' : 'tightens', 'waiver_expiry_changed', {
          ...extra,
          before: old.expires,
          after: w.expires,
          message: `${subject(w)} ${longer ? 'extended' : 'shortened'}: expires ${old.expires} → ${w.expires}`,
          ...where,
        }),
      );
    }
    const details = (x: Waiver): JsonValue => ({ reason: x.reason, owner: x.owner, ticket: x.ticket ?? null });
    if (JSON.stringify(details(old)) !== JSON.stringify(details(w))) {
      out.push(
        change('neutral', 'waiver_details_changed', {
          ...extra,
          before: details(old),
          after: details(w),
          message: `${subject(w)}: reason, owner or ticket changed`,
          ...where,
        }),
      );
    }
  }
  for (const [key, w] of before) {
    if (after.has(key)) continue;
    out.push(
      change('tightens', 'waiver_removed', {
        resource: w.resource,
        rule: w.rule,
        before: w.expires,
        after: null,
        message: `${subject(w)} removed (was until ${w.expires})`,
        base_location: w.location,
      }),
    );
  }
}

const EFFECT_ORDER: Readonly<Record<ChangeEffect, number>> = { weakens: 0, tightens: 1, neutral: 2 };

function compareLocations(a: SourceLocation | undefined, b: SourceLocation | undefined): number {
  if (a === undefined || b === undefined) return Number(a === undefined) - Number(b === undefined);
  return compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column;
}

/** Every control change from base to head, weakening first, then by head line (base line for removals). */
export function detectChanges(base: CompareSide, head: CompareSide, observations: readonly Observation[], now: Date): ControlChange[] {
  const out: ControlChange[] = [];
  compareResources(out, base.state, head.state, observations, now);
  comparePolicies(out, base, head, now);
  compareWaivers(out, base.state, head.state);
  return out.sort(
    (a, b) =>
      EFFECT_ORDER[a.effect] - EFFECT_ORDER[b.effect] ||
      compareLocations(a.location ?? a.base_location, b.location ?? b.base_location) ||
      compareStrings(a.message, b.message),
  );
}
