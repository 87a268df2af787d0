import { describe, expect, it } from 'vitest';
import { createRobotReceiver } from '../../test/helpers/robot-receiver.js';
import { useLoopbackServer } from '../../test/helpers/loopback.js';
import type { NotifyTarget } from '../model/desired-state.js';
import { NOTIFY_EVENTS } from '../model/desired-state.js';
import type { CheckResult, RunResult } from '../model/run-result.js';
import { dingtalkSign, feishuSign, sendNotifications } from './index.js';
import type { SendOptions } from './index.js';

const SECRETS = { dingtalk: 'SEC-dingtalk-robot-secret', feishu: 'feishu-robot-secret' };
const NOW = Date.parse('2026-12-04T03:00:00Z');
const receiver = createRobotReceiver(SECRETS, () => NOW);
const served = useLoopbackServer(receiver.server);

const LOCATION = { file: 'main.yaml', line: 3, column: 5 };

function check(rule: string, status: CheckResult['status'], change?: CheckResult['change']): CheckResult {
  return {
    rule,
    source: 'expect',
    operator: 'equals',
    expected: true,
    actual: false,
    status,
    severity: 'high',
    message: `${rule} differs`,
    location: LOCATION,
    ...(change ? { change } : {}),
  };
}

function result(checks: CheckResult[], resolved = 0): RunResult {
  return {
    format_version: '1',
    tool: { name: 'driftwatch', version: '0.0.0-test' },
    as_of: '2026-12-04T03:00:00Z',
    summary: { resources: 1, compliant: 0, drifted: 1, unknown: 0, waived: 0, exit_code: 2 },
    resources: [
      {
        address: 'tencentcloud_kms_service.gz',
        type: 'tencentcloud_kms_service',
        status: 'drifted',
        checks,
        error: null,
        request_ids: [],
        observed: {},
        location: LOCATION,
      },
    ],
    resolved: Array.from({ length: resolved }, (_, i) => ({
      fingerprint: `f${i}`,
      address: 'alicloud_kms_instance.main',
      rule: 'status',
      source: 'expect' as const,
      severity: 'medium' as const,
      previous_status: 'fail' as const,
      first_seen: '2026-12-01T03:00:00Z',
      resolved_at: '2026-12-04T03:00:00Z',
    })),
    history: { previous_as_of: '2026-12-03T03:00:00Z', records: 3, new: 1, persisting: 0, resolved },
  };
}

function target(type: NotifyTarget['type'], path: string, extra: Partial<NotifyTarget> = {}): NotifyTarget {
  return {
    type,
    url: new URL(path, served.url).toString(),
    urlVariable: `${type.toUpperCase()}_URL`,
    on: NOTIFY_EVENTS,
    location: LOCATION,
    ...extra,
  };
}

const slept: number[] = [];
const OPTIONS: SendOptions = { clock: () => NOW, sleep: (ms) => Promise.resolve(void slept.push(ms)), redact: (t) => t };

describe('notifications', () => {
  it('signs DingTalk and Feishu as the vendors document (known answers)', () => {
    // Recomputed independently of the implementation with: printf '1700000000000\nsecret' | openssl dgst -sha256 -hmac secret -binary | base64
    expect(dingtalkSign('secret', 1700000000000)).toBe('OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY=');
    // printf '' | openssl dgst -sha256 -hmac "$(printf '1700000000\nsecret')" -binary | base64
    expect(feishuSign('secret', 1700000000)).toBe('fiWS2+gh28DOydAv7hzONH/mDn9+b1Y4Y5ivXWXy8vA=');
  });

  it('sends one message per target, each in its vendor shape and signed, that the receiver verifies', async () => {
    receiver.reset();
    const targets = [
      target('slack', '/slack'),
      target('dingtalk', '/dingtalk?access_token=tok', { secret: SECRETS.dingtalk, reportUrl: 'https://ci.example.com/run/1' }),
      target('wecom', '/wecom?key=k'),
      target('feishu', '/feishu', { secret: SECRETS.feishu }),
      target('webhook', '/webhook'),
    ];
    const outcomes = await sendNotifications(targets, result([check('edition', 'fail', 'new')], 1), OPTIONS);
    expect(receiver.refused).toEqual([]);
    expect(outcomes.map((o) => [o.type, o.status, o.attempts])).toEqual([
      ['slack', 'sent', 1],
      ['dingtalk', 'sent', 1],
      ['wecom', 'sent', 1],
      ['feishu', 'sent', 1],
      ['webhook', 'sent', 1],
    ]);
    expect(receiver.received.map((r) => r.vendor)).toEqual(['slack', 'dingtalk', 'wecom', 'feishu', 'webhook']);
    const ding = receiver.received[1]?.body as { markdown: { text: string } };
    expect(ding.markdown.text).toContain('[high] tencentcloud_kms_service.gz edition');
    expect(ding.markdown.text).toContain('[medium] alicloud_kms_instance.main status');
    expect(ding.markdown.text).toContain('https://ci.example.com/run/1');
    expect(receiver.received[1]?.query.get('access_token')).toBe('tok');
    const hook = receiver.received[4]?.body as { counts: unknown; new_drift: unknown };
    expect(hook.counts).toEqual({ new_drift: 1, resolved: 1, new_unknown: 0 });
    expect(hook.new_drift).toEqual([{ severity: 'high', address: 'tencentcloud_kms_service.gz', rule: 'edition' }]);
  });

  it('reports a wrong secret as the robot refusing the message, without retrying', async () => {
    receiver.reset();
    const [outcome] = await sendNotifications(
      [target('dingtalk', '/dingtalk', { secret: 'not-the-secret' })],
      result([check('edition', 'fail', 'new')]),
      OPTIONS,
    );
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect(outcome?.message).toContain('sign not match');
    expect(receiver.refused).toEqual([{ vendor: 'dingtalk', reason: 'sign not match' }]);
  });

  it('retries a failing endpoint with doubling backoff, then reports the failure', async () => {
    receiver.reset();
    slept.length = 0;
    const [recovered] = await sendNotifications([target('webhook', '/flaky/2')], result([check('edition', 'fail', 'new')]), OPTIONS);
    expect(recovered).toMatchObject({ status: 'sent', attempts: 3 });
    expect(slept).toEqual([500, 1000]);
    const [down] = await sendNotifications([target('webhook', '/down')], result([check('edition', 'fail', 'new')]), OPTIONS);
    expect(down).toMatchObject({ status: 'failed', attempts: 3, message: 'HTTP 500' });
    expect(receiver.hits.get('/down')).toBe(3);
  });

  it('sends nothing when nothing it listens for changed, or without history', async () => {
    receiver.reset();
    const persisting = result([check('edition', 'fail', 'persisting')]);
    const [quiet] = await sendNotifications([target('slack', '/slack')], persisting, OPTIONS);
    expect(quiet).toMatchObject({ status: 'skipped', attempts: 0 });
    const [onlyResolved] = await sendNotifications(
      [target('slack', '/slack', { on: ['resolved'] })],
      result([check('edition', 'fail', 'new')]),
      OPTIONS,
    );
    expect(onlyResolved?.status).toBe('skipped');
    const { history: _history, ...withoutHistory } = result([check('edition', 'fail', 'new')]);
    const [noHistory] = await sendNotifications([target('slack', '/slack')], withoutHistory, OPTIONS);
    expect(noHistory?.message).toContain('--history');
    expect(receiver.hits.size).toBe(0);
  });

  it('never sends over plain http to a host that is not loopback', async () => {
    const [outcome] = await sendNotifications(
      [{ ...target('slack', '/slack'), url: 'http://hooks.example.com/x' }],
      result([check('edition', 'fail', 'new')]),
      OPTIONS,
    );
    expect(outcome).toMatchObject({ status: 'failed', attempts: 0 });
  });
});
