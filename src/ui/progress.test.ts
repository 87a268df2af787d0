import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { startProgress } from './progress.js';

function capture(tty?: { columns: number }): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  if (tty) Object.assign(stream, { isTTY: true, columns: tty.columns });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('plain mode prints a summary line per provider when stopped (CI logs)', async () => {
    const { stream, text } = capture();
    const progress = await startProgress(
      'plain',
      new Map([
        ['alicloud.prod', 3],
        ['tencentcloud.intl', 1],
      ]),
      stream,
      60_000,
    );
    progress.record('alicloud.prod', 'done');
    progress.record('alicloud.prod', 'throttled');
    progress.record('alicloud.prod', 'retry');
    progress.record('alicloud.prod', 'done');
    progress.record('alicloud.prod', 'failed');
    progress.record('tencentcloud.intl', 'done');
    progress.record('unknown.provider', 'done');
    await progress.stop();
    expect(text()).toBe(
      'progress: alicloud.prod: 3/3 calls, 1 failed, 1 throttled, 1 retried; tencentcloud.intl: 1/1 calls, 0 throttled, 0 retried\n',
    );
  });

  it('off mode writes nothing', async () => {
    const { stream, text } = capture();
    const progress = await startProgress('off', new Map([['alicloud.prod', 1]]), stream);
    progress.record('alicloud.prod', 'done');
    await progress.stop();
    expect(text()).toBe('');
  });

  it('tty mode marks a provider with failed calls with a cross, never a tick', async () => {
    const { stream, text } = capture({ columns: 100 });
    const progress = await startProgress(
      'tty',
      new Map([
        ['alicloud.prod', 2],
        ['tencentcloud.intl', 1],
      ]),
      stream,
    );
    progress.record('alicloud.prod', 'done');
    progress.record('alicloud.prod', 'failed');
    progress.record('tencentcloud.intl', 'done');
    await progress.stop();
    const lines = text()
      .split('\n')
      .filter((l) => l.includes('alicloud.prod'));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain('✔');
    expect(text()).toMatch(/✖.*alicloud\.prod: 2\/2 calls, 1 failed/);
    expect(text()).toMatch(/✔.*tencentcloud\.intl: 1\/1 calls/);
  });

  it('tty mode on a 0-column terminal falls back to plain lines', async () => {
    const { stream, text } = capture({ columns: 0 });
    const progress = await startProgress('tty', new Map([['alicloud.prod', 1]]), stream, 60_000);
    progress.record('alicloud.prod', 'done');
    await progress.stop();
    expect(text()).toBe('progress: alicloud.prod: 1/1 calls, 0 throttled, 0 retried\n');
  });

  it('tty mode prints the final state once and marks calls cut short by stop as not done', async () => {
    const { stream, text } = capture({ columns: 100 });
    const progress = await startProgress('tty', new Map([['alicloud.prod', 3]]), stream);
    progress.record('alicloud.prod', 'done');
    await progress.stop();
    const finals = text()
      .split('\n')
      .filter((l) => l.includes('alicloud.prod: 1/3 calls'));
    expect(finals).toHaveLength(1);
    expect(finals[0]).toContain('✖');
  });
});
