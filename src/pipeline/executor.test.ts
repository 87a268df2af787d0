import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../model/desired-state.js';
import { Redactor } from '../model/redactor.js';
import { ApiError } from '../providers/types.js';
import type { ApiCall, Credentials } from '../providers/types.js';
import { startSimulator } from '../simulator/server.js';
import type { RunningSimulator } from '../simulator/server.js';
import { worldFromObject } from '../simulator/world.js';
import { createRunExecutor } from './executor.js';

/** The run's call executor paces every API at the rate its resource type or cloud documents, and never at a guessed one. */

const KEYS: Credentials = { id: 'AKIDPIPELINE0001', secret: 'pipeline-secret-0001', source: 'test' };
const PROVIDER: ProviderConfig = {
  cloud: 'tencentcloud',
  alias: 'prod',
  ref: 'tencentcloud.prod',
  region: 'ap-guangzhou',
  site: 'china',
  credentials: { kind: 'chain' },
  rateLimits: {},
  location: { file: 'test.yaml', line: 1, column: 1 },
};
const DOCUMENTED: ApiCall = {
  cloud: 'tencentcloud',
  product: 'kms',
  action: 'GetServiceStatus',
  version: '2019-01-18',
  region: 'ap-guangzhou',
};
const UNDOCUMENTED: ApiCall = { ...DOCUMENTED, action: 'DescribeKeys' };

let sim: RunningSimulator;

beforeAll(async () => {
  const world = worldFromObject({
    accounts: [{ cloud: 'tencentcloud', secret_id: KEYS.id, secret_key: KEYS.secret, kms: { 'ap-guangzhou': { ServiceEnabled: true } } }],
  });
  sim = await startSimulator({ world, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await sim.close();
});

describe('createRunExecutor', () => {
  it('sends a documented API and refuses, without a request, an API that has no documented rate', async () => {
    const executor = createRunExecutor({ resolveCredentials: () => KEYS, redactor: new Redactor(), endpoint: sim.url });
    try {
      const answer = await executor.execute(DOCUMENTED, PROVIDER);
      expect(answer.body).toMatchObject({ ServiceEnabled: true });
      const sentBefore = sim.stats().total.requests;
      const refused = await executor.execute(UNDOCUMENTED, PROVIDER).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).code).toBe('DW_RATE_LIMIT');
      expect((refused as ApiError).message).toContain('DescribeKeys has no documented rate limit');
      expect(sim.stats().total.requests).toBe(sentBefore);
    } finally {
      await executor.close();
    }
  });

  it('lets the provider set the rate of an API the registry does not know', async () => {
    const executor = createRunExecutor({ resolveCredentials: () => KEYS, redactor: new Redactor(), endpoint: sim.url });
    try {
      const sentBefore = sim.stats().total.requests;
      const provider = { ...PROVIDER, rateLimits: { DescribeKeys: 5 } };
      // The simulator does not serve DescribeKeys: what matters is that the request was paced and sent.
      await executor.execute(UNDOCUMENTED, provider).catch(() => undefined);
      expect(sim.stats().total.requests).toBeGreaterThan(sentBefore);
    } finally {
      await executor.close();
    }
  });
});
