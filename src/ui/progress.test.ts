import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { startProgress } from './progress.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('plain mode prints a summary line per provider when stopped (CI logs)', async () => {
    const { stream, text } = capture();
    const progress = await startProgress('plain', new Map([['alicloud.prod', 3], ['tencentcloud.intl', 1]]), stream, 60_000);
    progress.record('alicloud.prod', 'done');
    progress.record('alicloud.prod', 'throttled');
    progress.record('alicloud.prod', 'retry');
    progress.record('alicloud.prod', 'done');
    progress.record('alicloud.prod', 'failed');
    progress.record('tencentcloud.intl', 'done');
    progress.record('unknown.provider', 'done');
    await progress.stop();
    expect(text()).toBe('progress: alicloud.prod: 3/3 calls, 1 failed, 1 throttled, 1 retried; tencentcloud.intl: 1/1 calls, 0 throttled, 0 retried\n');
  });

  it('off mode writes nothing', async () => {
    const { stream, text } = capture();
    const progress = await startProgress('off', new Map([['alicloud.prod', 1]]), stream);
    progress.record('alicloud.prod', 'done');
    await progress.stop();
    expect(text()).toBe('');
  });
});
