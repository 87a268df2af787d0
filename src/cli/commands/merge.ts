import { writeReports } from '../../pipeline/write.js';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { parseFormat, parseOutputs } from '../run-options.js';
import { InputError, IoError, UsageError } from '../../model/errors.js';
import type { RawExchange } from '../../model/observation.js';
import type { ReportFormat } from '../../report/index.js';
import type { OutputTarget } from '../../pipeline/request.js';
import { verificationKeys } from './evidence-verify.js';
import { parseJsonInput } from '../../engine/json-input.js';
import { mergeResults, mergeSnapshots } from '../../engine/merge.js';
import { parseRunResult } from '../../engine/run-result-io.js';
import { parseSnapshot, serializeSnapshot } from '../../engine/snapshot.js';
import { isJsonObject } from '../../model/json.js';

/**
 * `merge RESULT.json...`: the shards of one run as one run result — same report, same summary line,
 * same exit code as `check` would have given for the whole configuration. Snapshots written by
 * `--save-observed` merge the same way (the merged snapshot goes to stdout).
 */
/** Evidence bundles of the shards: each verified with the given key, then one bundle, signed anew. */
async function mergeBundles(
  ctx: CliContext,
  input: ParsedInput,
  dirs: readonly string[],
  format: ReportFormat,
  outputs: readonly OutputTarget[],
): Promise<number> {
  const target = stringFlag(input, 'evidence');
  if (target === undefined)
    throw new UsageError(
      'merge: merging evidence bundles needs --evidence DIR for the merged bundle',
      'e.g. driftwatch merge shard-1/ shard-2/ --evidence merged/ --public-key evidence-key.pub.pem',
    );
  const keys = await verificationKeys(ctx, input);
  if (keys.publicKey === undefined && keys.hmacKey === undefined) {
    // Re-signing unverified bundles would launder any change made to them.
    throw new UsageError(
      'merge: evidence bundles are verified before they are merged; pass --public-key FILE or --hmac-key-env VAR',
      'Use the key the shards signed with.',
    );
  }
  const { writeEvidenceBundle } = await import('../../report/evidence/bundle.js');
  const { loadSigningKey } = await import('../../report/evidence/signing.js');
  const { verifyEvidenceBundle } = await import('../../report/evidence/verify.js');
  const { readBundle, sameFiles } = await import('../../report/evidence/merge-bundles.js');
  const signingKey = await loadSigningKey(ctx.env, { cwd: ctx.cwd, redactor: ctx.redactor });
  const bundles = [];
  for (const dir of dirs) {
    const path = resolve(ctx.cwd, dir);
    const verified = await verifyEvidenceBundle(path, keys);
    if (!verified.ok)
      throw new InputError(
        `merge: evidence bundle ${dir} failed verification: ${verified.problems.slice(0, 3).join('; ')}`,
        'Run `driftwatch evidence verify` on it; merge only intact bundles.',
      );
    bundles.push(await readBundle(path, dir));
  }
  const merged = mergeResults(
    bundles.map((b, i) => ({ file: dirs[i] ?? b.dir, result: parseRunResult(b.resultText, `${dirs[i] ?? b.dir}/result.json`) })),
  );
  const [first] = bundles;
  if (first === undefined) throw new UsageError('merge: no bundles given');
  for (const [i, b] of bundles.entries()) {
    if (!sameFiles(b.configFiles, first.configFiles) || !sameFiles(b.policyFiles, first.policyFiles)) {
      throw new InputError(
        `merge: ${dirs[i] ?? b.dir} holds other configuration or policy files than ${dirs[0] ?? first.dir}`,
        'Merge the bundles of the shards of one run.',
      );
    }
  }
  const written = await writeEvidenceBundle(resolve(ctx.cwd, target), {
    result: merged,
    observations: bundles.flatMap((b) => b.observations),
    exchanges: Object.assign({}, ...bundles.map((b) => b.exchanges)) as Record<string, readonly RawExchange[]>,
    configFiles: first.configFiles,
    policyFiles: first.policyFiles,
    toolVersion: merged.tool.version,
    asOf: merged.as_of,
    signingKey,
    redact: (text) => ctx.redactor.redact(text),
  });
  ctx.stderr.write(`Evidence bundle: ${target} (${written.files} files, signed ${written.algorithm} ${written.keyId}).\n`);
  await writeReports(ctx, { format, outputs }, merged, undefined);
  return merged.summary.exit_code;
}

export const mergeCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const files = input.positionals;
    if (files.length === 0)
      throw new UsageError(
        'merge: give the JSON result of every shard',
        'e.g. driftwatch merge shard-1.json shard-2.json shard-3.json --format text',
      );
    const formatFlag = stringFlag(input, 'format');
    const format = parseFormat(formatFlag ?? 'text', '--format');
    const outputs = parseOutputs(listFlag(input, 'out'), ctx.cwd);
    const kinds = await Promise.all(
      files.map(async (file) => (await stat(resolve(ctx.cwd, file)).catch(() => undefined))?.isDirectory() === true),
    );
    if (kinds.some((d) => d)) {
      if (!kinds.every((d) => d))
        throw new UsageError(
          'merge: give only evidence bundles (directories) or only JSON files, not both',
          'Merge results and bundles separately.',
        );
      return mergeBundles(ctx, input, files, format, outputs);
    }
    const texts = await Promise.all(
      files.map(async (file) => {
        try {
          return { file, text: await readFile(resolve(ctx.cwd, file), 'utf8') };
        } catch (error) {
          throw new IoError(`cannot read ${file}`, 'Pass the files written by --out json=FILE (or --save-observed) of each shard.', {
            cause: error,
          });
        }
      }),
    );
    const isSnapshot = texts.map(({ file, text }) => {
      const data = parseJsonInput(text, file, 'the input');
      return isJsonObject(data) && data.kind === 'driftwatch-observations';
    });
    if (isSnapshot.some((s) => s)) {
      if (!isSnapshot.every((s) => s))
        throw new UsageError(
          'merge: give only run results or only snapshots, not both',
          'Merge the results and the snapshots of the shards separately.',
        );
      if (outputs.length > 0 || (formatFlag !== undefined && formatFlag !== 'json')) {
        throw new UsageError('merge: snapshots merge into a snapshot on stdout', 'Drop --format/--out and redirect stdout to a file.');
      }
      const merged = mergeSnapshots(texts.map(({ file, text }) => ({ file, snapshot: parseSnapshot(text, file) })));
      ctx.stdout.write(serializeSnapshot(merged));
      return 0;
    }
    const merged = mergeResults(texts.map(({ file, text }) => ({ file, result: parseRunResult(text, file) })));
    await writeReports(ctx, { format, outputs }, merged, undefined);
    return merged.summary.exit_code;
  },
};
