import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../model/location.js';
import { loadConfig } from './load-config.js';

/** `history:` and `notify:` in the configuration (README "Nightly runs"). */

const ENV = {
  DINGTALK_WEBHOOK: 'https://oapi.dingtalk.com/robot/send?access_token=tok-0123456789',
  DINGTALK_SECRET: 'SEC-robot-signing-secret',
  PLAIN_HOOK: 'http://hooks.example.com/x',
  LOCAL_HOOK: 'http://127.0.0.1:8080/hook',
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'driftwatch-nightly-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = `version: 1
providers:
  alicloud:
    prod: { region: cn-hangzhou }
resources:
  alicloud_kms_instance:
    main: { provider: alicloud.prod, instance_id: kst-1 }
`;

async function load(tail: string): Promise<Awaited<ReturnType<typeof loadConfig>> & { lines: string[] }> {
  await writeFile(join(dir, 'c.yaml'), HEAD + tail);
  const loaded = await loadConfig(['c.yaml'], { cwd: dir, env: ENV });
  return { ...loaded, lines: loaded.diagnostics.map(formatDiagnostic) };
}

describe('history: and notify: in the configuration', () => {
  it('reads the ledger directory relative to the file, the retention, and the targets', async () => {
    const { state, lines } = await load(`history: { dir: ledger, keep: 90d }
notify:
  - { type: dingtalk, url: "\${env.DINGTALK_WEBHOOK}", secret: "\${env.DINGTALK_SECRET}", on: [new_drift, new_drift] }
  - { type: webhook, url: "\${env.LOCAL_HOOK}", report_url: "https://ci.example.com/r/1" }
`);
    expect(lines).toEqual([]);
    expect(state.history).toMatchObject({ dir: join(dir, 'ledger'), keep: '90d', keepMs: 90 * 86_400_000 });
    expect(state.notify?.map((t) => [t.type, t.urlVariable, t.on])).toEqual([
      ['dingtalk', 'DINGTALK_WEBHOOK', ['new_drift']],
      ['webhook', 'LOCAL_HOOK', ['new_drift', 'resolved', 'new_unknown']],
    ]);
    expect(state.notify?.[0]).toMatchObject({ url: ENV.DINGTALK_WEBHOOK, secret: ENV.DINGTALK_SECRET });
    expect(state.notify?.[1]?.reportUrl).toBe('https://ci.example.com/r/1');
  });

  it('refuses a literal URL or secret, naming the place and never echoing the value', async () => {
    const { lines } = await load(`notify:
  - { type: dingtalk, url: "https://oapi.dingtalk.com/robot/send?access_token=literal-token", secret: "SEC-literal" }
`);
    expect(lines).toEqual([
      'c.yaml:9:28: notify #1: url must be written as ${env.NAME} (it is a secret; set it in the environment of the run)',
      'c.yaml:9:103: notify #1: secret must be written as ${env.NAME} (it is a secret; set it in the environment of the run)',
    ]);
    expect(lines.join('\n')).not.toContain('literal-token');
  });

  it('refuses plain http to a host that is not loopback, and an unknown variable', async () => {
    const { lines } = await load(`notify:
  - { type: slack, url: "\${env.PLAIN_HOOK}" }
  - { type: slack, url: "\${env.NOT_SET}" }
`);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('c.yaml:9:25: notify #1: ${env.PLAIN_HOOK} uses plain http:// to a non-loopback host; use https://');
    expect(lines[1]).toContain('c.yaml:10:25:');
    expect(lines[1]).toContain('NOT_SET');
  });

  it('refuses a secret for robots that are not signed, and an unknown event or type', async () => {
    const { lines } = await load(`notify:
  - { type: wecom, url: "\${env.LOCAL_HOOK}", secret: "\${env.DINGTALK_SECRET}" }
  - { type: teams, url: "\${env.LOCAL_HOOK}", on: [drift] }
`);
    expect(lines.some((l) => l.includes('notify #1: wecom robots are not signed'))).toBe(true);
    expect(lines.some((l) => l.startsWith('c.yaml:10:'))).toBe(true);
  });
});
