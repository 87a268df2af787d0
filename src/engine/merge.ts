import { InputError } from '../model/errors.js';
import type { ObservationSnapshot } from '../model/observation.js';
import { compareStrings } from '../model/order.js';
import type { RunResult, RunSummary, WaiverReport } from '../model/run-result.js';
import { createSnapshot } from './snapshot.js';

/**
 * `driftwatch merge` (design.md §12): shard results back into one run result. Pure. The merged result
 * is the one a single run would have given: resources sorted by address, counts summed, and the exit
 * code as a single run decides it — drift at or above `fail_on` anywhere wins (2), then any unknown (3)
 * — which per shard is already decided, so the worst shard's code is the run's. Anything that would
 * make the union mean something else is refused: shards of different configurations, `as_of` or
 * `fail_on`, a resource in two shards, a shard missing or given twice.
 */

export interface NamedResult {
  readonly file: string;
  readonly result: RunResult;
}

const EXIT_RANK: Readonly<Record<RunSummary['exit_code'], number>> = { 0: 0, 3: 1, 2: 2 };

function refuse(message: string, hint: string): never {
  throw new InputError(message, hint);
}

export function mergeResults(inputs: readonly NamedResult[]): RunResult {
  const [first] = inputs;
  if (first === undefined)
    refuse('merge: no run results given', 'Pass the JSON result of every shard: driftwatch merge shard-1.json shard-2.json …');
  const hint = 'Run every shard with the same configuration, --as-of and --fail-on, then merge all N results once.';
  const seenShards = new Map<number, string>();
  for (const { file, result } of inputs) {
    if (result.shard === undefined)
      refuse(`${file} is not a shard result (it has no "shard")`, 'Merge the results of runs with --shard I/N.');
    if (result.shard.count !== first.result.shard?.count)
      refuse(
        `${file} is shard ${result.shard.index}/${result.shard.count}, but ${first.file} is of ${first.result.shard?.count ?? '?'} shards`,
        hint,
      );
    if (result.shard.config_digest !== first.result.shard?.config_digest)
      refuse(`${file} was run on a different configuration than ${first.file}`, hint);
    if (result.as_of !== first.result.as_of) refuse(`${file} has as_of ${result.as_of}, but ${first.file} has ${first.result.as_of}`, hint);
    if ((result.fail_on ?? 'low') !== (first.result.fail_on ?? 'low'))
      refuse(`${file} was run with --fail-on ${result.fail_on ?? 'low'}, ${first.file} with ${first.result.fail_on ?? 'low'}`, hint);
    const other = seenShards.get(result.shard.index);
    if (other !== undefined) refuse(`${file} and ${other} are both shard ${result.shard.index}/${result.shard.count}`, hint);
    seenShards.set(result.shard.index, file);
  }
  const count = first.result.shard?.count ?? 0;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seenShards.has(i));
  if (missing.length > 0)
    refuse(`merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`, hint);

  const owner = new Map<string, string>();
  const accounts = new Map<string, string>();
  for (const { file, result } of inputs) {
    for (const account of result.shard?.accounts ?? []) {
      const other = accounts.get(account);
      if (other !== undefined) refuse(`account ${account} is in both ${other} and ${file}`, hint);
      accounts.set(account, file);
    }
    for (const r of result.resources) {
      const other = owner.get(r.address);
      if (other !== undefined) refuse(`${r.address} is in both ${other} and ${file}`, hint);
      owner.set(r.address, file);
    }
  }

  const resources = inputs.flatMap((i) => i.result.resources).sort((a, b) => compareStrings(a.address, b.address));
  const sum = (key: 'compliant' | 'drifted' | 'unknown' | 'waived'): number => inputs.reduce((n, i) => n + i.result.summary[key], 0);
  const exit = inputs
    .map((i) => i.result.summary.exit_code)
    .reduce((a, b) => (EXIT_RANK[b] > EXIT_RANK[a] ? b : a), 0 as RunSummary['exit_code']);
  const waivers: WaiverReport[] = inputs.flatMap((i) => i.result.waivers ?? []);
  const { shard: _shard, ...base } = first.result;
  return {
    ...base,
    summary: {
      resources: resources.length,
      compliant: sum('compliant'),
      drifted: sum('drifted'),
      unknown: sum('unknown'),
      waived: sum('waived'),
      exit_code: exit,
    },
    resources,
    ...(first.result.waivers !== undefined ? { waivers } : {}),
  };
}

/** Snapshots (`--save-observed`) of the shards, merged the same way: one observation per resource. */
export function mergeSnapshots(inputs: readonly { readonly file: string; readonly snapshot: ObservationSnapshot }[]): ObservationSnapshot {
  const [first] = inputs;
  if (first === undefined) refuse('merge: no snapshots given', 'Pass the --save-observed file of every shard.');
  const owner = new Map<string, string>();
  for (const { file, snapshot } of inputs) {
    for (const o of snapshot.observations) {
      const other = owner.get(o.address);
      if (other !== undefined)
        refuse(`${o.address} is observed in both ${other} and ${file}`, 'Merge the snapshots of the shards of one run, each once.');
      owner.set(o.address, file);
    }
  }
  // The merged observation run started when its first shard did.
  const observedAt = inputs.map((i) => i.snapshot.observed_at).sort(compareStrings)[0] ?? first.snapshot.observed_at;
  return createSnapshot(
    inputs.flatMap((i) => i.snapshot.observations),
    { toolVersion: first.snapshot.tool.version, observedAt },
  );
}
