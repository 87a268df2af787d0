/**
 * `driftwatch simulator` end to end: the built binary (run `npm run build` first), its first stdout
 * line, a real signed request, the request log, and a clean exit 0 on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signTc3 } from '../src/providers/tencentcloud/sign.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (/proxy/i.test(name)) delete env[name];
  return env;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: ROOT, env: childEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('driftwatch simulator', () => {
  it('needs the built CLI', () => {
    expect(existsSync(MAIN), `${MAIN} is missing: run \`npm run build\``).toBe(true);
  });

  it('prints its URL first, answers signed requests, logs them and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-sim-cli-'));
    const logFile = join(dir, 'requests.log');
    const child = spawn(process.execPath, [MAIN, 'simulator', '--port', '0', '--log', logFile], { cwd: ROOT, env: childEnv() });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const firstLines = new Promise<string[]>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const lines = stdout.split('\n');
        if (lines.length > 3) resolve(lines);
      });
      child.on('close', () => reject(new Error(`simulator exited early: ${stderr}`)));
    });
    try {
      const [url = '', tencent, alibaba] = await firstLines;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(tencent).toBe(
        'tencentcloud tencent-demo: TENCENTCLOUD_SECRET_ID=AKIDSIMULATED0001 TENCENTCLOUD_SECRET_KEY=simulated-secret-0001',
      );
      expect(alibaba).toBe(
        'alicloud alibaba-demo: ALIBABA_CLOUD_ACCESS_KEY_ID=LTAISIMULATED0001 ALIBABA_CLOUD_ACCESS_KEY_SECRET=simulated-secret-0002',
      );

      const signed = signTc3({
        secretId: 'AKIDSIMULATED0001',
        secretKey: 'simulated-secret-0001',
        host: new URL(url).host,
        service: 'kms',
        action: 'GetServiceStatus',
        version: '2019-01-18',
        region: 'ap-guangzhou',
        timestamp: Math.floor(Date.now() / 1000),
        contentType: 'application/json',
        body: '{}',
      });
      const answer = await post(`${url}/`, signed.headers, '{}');
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ Response: { ServiceEnabled: true, UserLevel: 1, ProRenewFlag: 1 } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopped after 1 request.');
    const log = (await readFile(logFile, 'utf8')).trimEnd().split('\n');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T\S+Z api=GetServiceStatus account=tencent-demo outcome=ok status=200 code=- request_id=[0-9a-f-]{36} faults=latency latency_ms=\d+$/,
    );
  });

  it('rejects a bad world file with a located error and exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-sim-cli-'));
    const world = join(dir, 'world.yaml');
    await writeFile(
      world,
      'accounts:\n  - cloud: tencentcloud\n    secret_id: AKID1\n    secret_key: k\n    kms: { ap-guangzhou: { UserLevel: one } }\n',
    );
    const result = await run(['simulator', '--world', world, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${world}:5:39: accounts[0].kms.ap-guangzhou.UserLevel: must be integer or null`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a bad --port as a usage error', async () => {
    const result = await run(['simulator', '--port', '70000']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--port must be a number from 0 to 65535');
  });
});
