import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, IoError } from '../model/errors.js';
import { writeFileAtomic } from './atomic-write.js';

describe('writeFileAtomic with content in pieces', () => {
  it('writes every piece, in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-atomic-'));
    const pieces = function* (): Generator<string> {
      for (let i = 0; i < 10_000; i++) yield `${i}\n`;
    };
    await writeFileAtomic(join(dir, 'out.txt'), pieces());
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe([...pieces()].join(''));
  });

  it('keeps the old file and leaves no temporary when the pieces fail half way, with their own error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-atomic-'));
    const path = join(dir, 'report.json');
    writeFileSync(path, 'previous\n');
    const failing = function* (): Generator<string> {
      yield '{ "resources": [';
      throw new InputError('snapshot.json changed while it was being read');
    };
    const error = await writeFileAtomic(path, failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(IoError);
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});
