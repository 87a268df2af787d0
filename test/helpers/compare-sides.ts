import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CompareSide } from '../../src/compare/compare.js';
import { loadConfig } from '../../src/config/load-config.js';
import { formatDiagnostic } from '../../src/model/location.js';
import type { Observation } from '../../src/model/observation.js';
import { loadValidPolicyPacks } from '../../src/policy/policy-file.js';

/**
 * One side of a comparison from file texts: written to a fresh directory that is also the
 * working directory, so base and head locations carry the same file names (`main.yaml:12:9`),
 * as they do for a base read from a git revision.
 */
export async function sideFrom(files: Readonly<Record<string, string>>): Promise<CompareSide> {
  const dir = await mkdtemp(join(tmpdir(), 'driftwatch-side-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const loaded = await loadConfig(['.'], { cwd: dir, env: {} });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map(formatDiagnostic).join('\n'));
  const packs = loaded.state.policies.length > 0 ? await loadValidPolicyPacks(loaded.state.policies, { cwd: dir }) : [];
  return { state: loaded.state, packs };
}

export const COMPARE_NOW = new Date('2026-12-01T00:00:00Z');

export function ok(address: string, attributes: Observation['attributes']): Observation {
  return {
    address,
    type: address.slice(0, address.indexOf('.')),
    status: 'ok',
    attributes,
    raw: {},
    request_ids: ['req-1'],
    observed_at: '2026-12-01T00:00:00Z',
    error: null,
  };
}

export function absent(address: string): Observation {
  return {
    address,
    type: address.slice(0, address.indexOf('.')),
    status: 'absent',
    attributes: {},
    raw: null,
    request_ids: ['req-2'],
    observed_at: '2026-12-01T00:00:00Z',
    error: null,
  };
}

/** The providers every fixture uses. */
export const PROVIDERS = `version: 1
providers:
  tencentcloud:
    intl: { region: ap-guangzhou, site: intl, credentials: env }
  alicloud:
    prod: { region: cn-hangzhou }
`;
