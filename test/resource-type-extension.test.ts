import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { evaluate } from '../src/engine/evaluate.js';
import { renderImportYaml } from '../src/engine/import-yaml.js';
import { observe } from '../src/engine/observe.js';
import { planCalls } from '../src/engine/plan-calls.js';
import type { DesiredState } from '../src/model/desired-state.js';
import { Redactor } from '../src/model/redactor.js';
import { createCallExecutor } from '../src/providers/call-executor.js';
import type { CallExecutor } from '../src/providers/call-executor.js';
import { discoverResources } from '../src/providers/discovery.js';
import { defaultQpsFor, definitionLookup } from '../src/providers/registry.js';
import { BUILTIN_TYPES } from '../src/resources/registry.js';
import { REPORTERS } from '../src/report/index.js';
import { startSimulator } from '../src/simulator/server.js';
import type { RunningSimulator } from '../src/simulator/server.js';
import { worldFromObject } from '../src/simulator/world.js';
import { tencentcloudKmsWhiteboxService } from './fixtures/resource-types/tencentcloud-kms-whitebox-service/index.js';

/**
 * Issue 19's proof that a resource type is one folder: a fifth type that exists only in
 * test/fixtures/resource-types/<type>/ (the same file roles as src/resources/<type>/) and one
 * registry line below is validated, observed through the simulator (signed, answered from its
 * world declaration, normalized), evaluated, imported and reported, with no file of src/ knowing it.
 */
const TYPES = BUILTIN_TYPES.with(tencentcloudKmsWhiteboxService);

const TYPE = 'tencentcloud_kms_whitebox_service';
const SECRET_ID = 'AKIDWHITEBOX00001';
const SECRET_KEY = 'whitebox-secret-0001';
const NOW = new Date('2026-11-29T00:00:00.000Z');

const WORLD = {
  accounts: [
    {
      cloud: 'tencentcloud',
      secret_id: SECRET_ID,
      secret_key: SECRET_KEY,
      kms_whitebox: { 'ap-guangzhou': { ServiceEnabled: true }, 'ap-shanghai': { ServiceEnabled: false } },
    },
  ],
};

function configuration(endpoint: string, expectations: string): string {
  return [
    'version: 1',
    'providers:',
    '  tencentcloud:',
    '    prod:',
    '      region: ap-guangzhou',
    `      endpoint: ${endpoint}`,
    'resources:',
    `  ${TYPE}:`,
    '    guangzhou:',
    '      provider: tencentcloud.prod',
    '      expect:',
    expectations,
    '    shanghai:',
    '      provider: tencentcloud.prod',
    '      region: ap-shanghai',
    '      expect:',
    '        service_enabled: true',
    '',
  ].join('\n');
}

let dir: string;
let simulator: RunningSimulator;
let executor: CallExecutor;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dw-fifth-type-'));
  simulator = await startSimulator({ world: worldFromObject(WORLD, '<world>', TYPES), port: 0 });
  executor = createCallExecutor({
    resolveCredentials: () => ({ id: SECRET_ID, secret: SECRET_KEY, source: 'test' }),
    endpointOverride: simulator.url,
    defaultQps: (product, action) => defaultQpsFor(product, action, undefined, TYPES) ?? 10,
    redactor: new Redactor(),
  });
});

afterAll(async () => {
  await executor.close();
  await simulator.close();
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, text: string, types = TYPES) {
  const path = join(dir, name);
  await writeFile(path, text);
  return loadConfig([path], { cwd: dir, env: {}, types });
}

async function observed(state: DesiredState) {
  const definitionFor = definitionLookup(TYPES);
  return observe(planCalls(state, definitionFor), { execute: executor.execute, definitionFor, now: () => NOW });
}

describe('a fifth resource type from one folder and one registry line', () => {
  it('is validated against the extended registry (and unknown to the built-in one)', async () => {
    const good = await load('good.yaml', configuration('http://127.0.0.1:1', '        service_enabled: true'));
    expect(good.diagnostics).toEqual([]);
    expect(good.state.resources.map((r) => r.address)).toEqual([`${TYPE}.guangzhou`, `${TYPE}.shanghai`]);

    const typo = await load('typo.yaml', configuration('http://127.0.0.1:1', '        service_enabld: true'));
    expect(typo.diagnostics.map((d) => d.message).join('\n')).toMatch(
      /unknown attribute 'service_enabld' for tencentcloud_kms_whitebox_service.*service_enabled/,
    );

    const builtin = await load('builtin.yaml', configuration('http://127.0.0.1:1', '        service_enabled: true'), BUILTIN_TYPES);
    expect(builtin.diagnostics.map((d) => d.message).join('\n')).toMatch(/unknown resource type 'tencentcloud_kms_whitebox_service'/);
  });

  it('is observed through the simulator, evaluated and reported', async () => {
    const { state, diagnostics } = await load('check.yaml', configuration(simulator.url, '        service_enabled: true'));
    expect(diagnostics).toEqual([]);
    const observations = await observed(state);
    expect(observations.map((o) => [o.address, o.status, o.attributes])).toEqual([
      [`${TYPE}.guangzhou`, 'ok', { service_enabled: true }],
      [`${TYPE}.shanghai`, 'ok', { service_enabled: false }],
    ]);
    // The call was signed and answered as the vendor's API, region by region.
    expect(
      simulator
        .requestLog()
        .filter((e) => e.api === 'DescribeWhiteBoxServiceStatus')
        .map((e) => [e.outcome, e.status]),
    ).toEqual([
      ['ok', 200],
      ['ok', 200],
    ]);

    const result = evaluate({ state, observations, now: NOW, toolVersion: '0.0.0-test', types: TYPES });
    expect(result.summary).toMatchObject({ compliant: 1, drifted: 1, unknown: 0 });
    expect(result.resources.find((r) => r.address === `${TYPE}.shanghai`)?.status).toBe('drifted');

    const text = REPORTERS.text.render(result, { color: false });
    expect(text).toContain(`${TYPE}.shanghai`);
    expect(text).toContain('service_enabled');
    const json = JSON.parse(REPORTERS.json.render(result, { color: false })) as { resources: { address: string; type: string }[] };
    expect(json.resources.map((r) => r.type)).toEqual([TYPE, TYPE]);
  });

  it('is imported: discovered per region, written as desired state that validates again', async () => {
    const { state } = await load('provider.yaml', configuration(simulator.url, '        service_enabled: true'));
    const provider = state.providers[0];
    if (provider === undefined) throw new Error('no provider');
    const resources = await discoverResources(executor.execute, provider, tencentcloudKmsWhiteboxService, {
      regions: ['ap-guangzhou', 'ap-shanghai'],
      instanceIds: [],
    });
    const observations = await observed({ ...state, resources });
    const yaml = renderImportYaml({
      providers: [provider],
      observations: observations.map((o, i) => ({
        type: resources[i]?.type ?? tencentcloudKmsWhiteboxService.spec.name,
        name: resources[i]?.name ?? '',
        attributes: o.attributes ?? {},
        ...(resources[i]?.region !== undefined ? { region: resources[i]?.region } : {}),
      })),
      readAt: NOW.toISOString(),
      endpoint: simulator.url,
      types: TYPES,
    });
    expect(yaml).toContain(`${TYPE}:`);
    expect(yaml).toMatch(/ap-shanghai:\n(?:.*\n)*?\s+service_enabled: false/);
    const reloaded = await load('imported.yaml', yaml);
    expect(reloaded.diagnostics).toEqual([]);
    expect(reloaded.state.resources.map((r) => [r.address, r.expect.map((e) => [e.attribute, e.expected])])).toEqual([
      [`${TYPE}.ap-guangzhou`, [['service_enabled', true]]],
      [`${TYPE}.ap-shanghai`, [['service_enabled', false]]],
    ]);
  });
});
