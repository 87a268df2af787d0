import { describe, expect, it } from 'vitest';
import type { RunResult } from '../model/run-result.js';
import { emptyResult, sampleResult } from '../../test/fixtures/results/sample-result.js';
import { githubReporter, renderGithub, waiversOf, workflowCommand } from './github.js';

/** Splits a workflow command back into kind, properties and message, undoing the runner's escaping. */
function parseCommand(line: string): { kind: string; props: Record<string, string>; message: string } {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const unescape = (s: string): string =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { kind: m[1] as string, props, message: unescape(m[3] as string) };
}

describe('github annotations reporter', () => {
  const text = renderGithub(sampleResult);
  const lines = text.trimEnd().split('\n');
  const commands = lines.map(parseCommand);

  it('matches the golden file', async () => {
    await expect(text).toMatchFileSnapshot('../../test/fixtures/results/golden/sample.github.txt');
  });

  it('writes one command per line, nothing unescaped', () => {
    for (const line of lines) expect(line).toMatch(/^::(error|warning|notice) /);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('errors for failing checks at the YAML line, most severe first', () => {
    const errors = commands.filter((c) => c.kind === 'error');
    expect(errors).toHaveLength(5);
    expect(errors[0]?.props).toMatchObject({ file: 'config/main.yaml', line: '19', col: '9' });
    expect(errors[0]?.props.title).toBe('drift (critical): tencentcloud_kms_service.prod-sh edition');
    expect(errors.at(-1)?.props.title).toContain('(low)');
    const policy = errors.find((c) => c.props.title?.includes('baseline.kms-auto-renew'));
    expect(policy?.props).toMatchObject({ file: 'config/main.yaml', line: '17', col: '5' });
    expect(policy?.message).toContain('Remediation: Turn on auto-renew');
  });

  it('warns for unknown checks and for expiring and expired waivers; notices unused ones', () => {
    const warnings = commands.filter((c) => c.kind === 'warning');
    expect(warnings.map((w) => w.props.title)).toEqual([
      'unknown: tencentcloud_tcss_subscription.default state',
      'waiver expired: alicloud_cas_private_ca.sub certificates_remaining',
      'waiver expiring: alicloud_kms_instance.backup log_enabled',
    ]);
    expect(warnings[0]?.message).toMatch(/could not be verified/i);
    expect(warnings[2]?.props).toMatchObject({ file: 'config/main.yaml', line: '50' });
    const notices = commands.filter((c) => c.kind === 'notice');
    expect(notices[0]?.props.title).toBe('waiver unused: tencentcloud_kms_service.old edition');
    expect(notices.at(-1)?.message).toBe('7 resources as of 2026-11-22T03:00:00Z: 1 compliant, 3 drifted, 1 unknown, 2 waived.');
  });

  it('escapes %, CR, LF in messages and : , in properties (round trip)', () => {
    const unknown = commands.find((c) => c.props.title?.startsWith('unknown:'));
    const original = sampleResult.resources.find((r) => r.address === 'tencentcloud_tcss_subscription.default')?.checks[0]?.message ?? '';
    expect(unknown?.message).toBe(original);
    const raw = lines.find((l) => l.includes('unknown%3A'));
    expect(raw).toContain('100%25%0Asee https://cloud.tencent.com, ask & retry');
    expect(workflowCommand('error', { file: 'a,b:c.yaml', title: 'x%y' }, 'm\r\n')).toBe(
      '::error file=a%2Cb%3Ac.yaml,title=x%25y::m%0D%0A',
    );
  });

  it('derives waiver warnings from the checks when the result has no waivers list', () => {
    const { waivers: _omit, ...rest } = sampleResult;
    const result: RunResult = rest;
    expect(
      waiversOf(result)
        .map((w) => w.state)
        .sort(),
    ).toEqual(['active', 'expired', 'expiring']);
    expect(renderGithub(result)).toContain('::warning file=config/main.yaml,line=50,col=5,title=waiver expiring%3A');
  });

  it('prints only the summary for an empty run, and is deterministic', () => {
    expect(renderGithub(emptyResult)).toBe(
      '::notice title=driftwatch::0 resources as of 2026-11-22T03:00:00Z: 0 compliant, 0 drifted, 0 unknown, 0 waived.\n',
    );
    expect(githubReporter.render({ ...sampleResult, resources: [...sampleResult.resources].reverse() }, { color: false })).toBe(text);
  });
});
