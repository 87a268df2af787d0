import { describe, expect, it } from 'vitest';
import type { CliContext } from '../cli/context.js';
import { COMMON_FLAGS } from '../cli/flags.js';
import { commandHelp } from '../cli/help.js';
import { COMMANDS } from '../cli/registry.js';
import { completionCommand } from '../cli/commands/completion.js';
import { parseFormat, parseOutputs } from '../cli/run-options.js';
import { Redactor } from '../model/redactor.js';
import { buildEvidenceBundle } from './evidence/bundle.js';
import { FORMAT_SPECS, REPORT_FORMATS, isReportFormat } from './formats.js';
import { REPORTERS } from './index.js';
import { sampleEvidenceInput } from '../../test/fixtures/evidence/sample-input.js';

function completion(shell: string): string {
  const out: string[] = [];
  const ctx: CliContext = {
    argv: [],
    env: {},
    cwd: '.',
    stdout: { write: (t) => void out.push(t), isTTY: false },
    stderr: { write: () => undefined, isTTY: false },
    color: false,
    debug: false,
    now: () => new Date('2026-11-22T03:00:00Z'),
    redactor: new Redactor(),
    signal: new AbortController().signal,
  };
  void completionCommand(COMMANDS).run(ctx, { flags: {}, positionals: [shell] });
  return out.join('');
}

describe('the report-format registry is complete', () => {
  it('has a renderer, named after it, for every format, in the same order', () => {
    expect(Object.keys(REPORTERS)).toEqual([...REPORT_FORMATS]);
    for (const format of REPORT_FORMATS) expect(REPORTERS[format].name).toBe(format);
    expect(isReportFormat('html')).toBe(true);
    expect(isReportFormat('constructor')).toBe(false);
  });

  it('puts every format in the evidence bundle, at its own file', () => {
    const { reports: _given, ...input } = sampleEvidenceInput();
    const bundle = buildEvidenceBundle(input);
    const files = new Set(Object.values(FORMAT_SPECS).map((s) => s.evidenceFile));
    expect(files.size).toBe(REPORT_FORMATS.length);
    for (const format of REPORT_FORMATS) {
      const bytes = bundle.files.get(FORMAT_SPECS[format].evidenceFile);
      expect(bytes?.toString('utf8'), format).toBe(REPORTERS[format].render(input.result, { color: false }));
    }
  });

  it('keeps the text a caller already printed', () => {
    const bundle = buildEvidenceBundle({ ...sampleEvidenceInput(), reports: { sarif: 'as printed\n' } });
    expect(bundle.files.get(FORMAT_SPECS.sarif.evidenceFile)?.toString('utf8')).toBe('as printed\n');
  });

  it('offers every format to --format and --out, in --help and in every shell completion', () => {
    const help = commandHelp(COMMANDS.find((c) => c.name === 'check') ?? (undefined as never));
    const scripts = ['bash', 'zsh', 'fish'].map(completion);
    for (const format of REPORT_FORMATS) {
      expect(parseFormat(format, '--format')).toBe(format);
      expect(parseOutputs([`${format}=out.file`], '/work')[0]?.format).toBe(format);
      expect(COMMON_FLAGS.format.description).toContain(format);
      for (const script of scripts) expect(script).toContain(format);
    }
    expect(help).toContain(`--format FORMAT`);
    expect(help).toContain(REPORT_FORMATS.join('|'));
    expect(scripts[0]).toContain(`--format) COMPREPLY=($(compgen -W '${REPORT_FORMATS.join(' ')}'`);
    expect(() => parseFormat('pdf', '--format')).toThrow(/unknown format 'pdf'/);
  });
});
