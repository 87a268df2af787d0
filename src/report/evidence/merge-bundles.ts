import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../model/errors.js';
import { isJsonObject } from '../../model/json.js';
import type { Observation, RawExchange } from '../../model/observation.js';
import type { EvidenceFileInput } from './bundle.js';

/**
 * Reads back what `merge` needs of a verified evidence bundle (bundle.ts wrote it): the run result,
 * the observations, the API exchanges kept per resource, and the configuration and policy files
 * under the names the bundle gave them. Bundles are checked (evidence verify) before this is called.
 */
export interface BundleContents {
  readonly dir: string;
  readonly resultText: string;
  readonly observations: readonly Observation[];
  readonly exchanges: Readonly<Record<string, readonly RawExchange[]>>;
  readonly configFiles: readonly EvidenceFileInput[];
  readonly policyFiles: readonly EvidenceFileInput[];
}

async function filesUnder(root: string, prefix: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, ...prefix.split('/')), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries) {
    const rel = `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await filesUnder(root, rel)));
    else out.push(rel);
  }
  return out.sort();
}

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new InputError(`${what} is not valid JSON`, 'Merge bundles written by driftwatch --evidence, unchanged.');
  }
}

export async function readBundle(dir: string, shown: string): Promise<BundleContents> {
  const read = (rel: string): Promise<string> => readFile(join(dir, ...rel.split('/')), 'utf8');
  const resultText = await read('result.json');
  const observations = parse(await read('observations.json'), `${shown}/observations.json`);
  if (!Array.isArray(observations))
    throw new InputError(`${shown}/observations.json is not a list`, 'Merge bundles written by driftwatch --evidence.');
  const exchanges: Record<string, readonly RawExchange[]> = {};
  for (const rel of await filesUnder(dir, 'raw')) {
    const doc = parse(await read(rel), `${shown}/${rel}`);
    if (isJsonObject(doc) && typeof doc.address === 'string' && Array.isArray(doc.exchanges))
      exchanges[doc.address] = doc.exchanges as unknown as RawExchange[];
  }
  const files = async (prefix: string): Promise<EvidenceFileInput[]> =>
    Promise.all(
      (await filesUnder(dir, prefix)).map(async (rel) => ({
        path: rel.slice(prefix.length + 1),
        bundlePath: rel,
        content: await read(rel),
      })),
    );
  return {
    dir,
    resultText,
    observations: observations as Observation[],
    exchanges,
    configFiles: await files('config'),
    policyFiles: await files('policies'),
  };
}

/** The shards' bundles must hold the same configuration; the merged bundle keeps one copy. */
export function sameFiles(a: readonly EvidenceFileInput[], b: readonly EvidenceFileInput[]): boolean {
  return a.length === b.length && a.every((f, i) => f.bundlePath === b[i]?.bundlePath && f.content === b[i]?.content);
}
