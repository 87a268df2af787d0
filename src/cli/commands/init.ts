import { access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { boolFlag, stringFlag } from '../command.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { DriftwatchError, IoError, UsageError } from '../../model/errors.js';
import { CLOUDS, isCloud } from '../../model/clouds.js';
import type { Cloud } from '../../model/clouds.js';
import { cloudAdapter } from '../../providers/clouds.js';
import { RESOURCE_TYPES } from '../../resources/registry.js';

const SCHEMA_REF = './node_modules/driftwatch/schemas/driftwatch.schema.json';

function header(what: string): string {
  return [
    `# yaml-language-server: $schema=${SCHEMA_REF}`,
    '# (the $schema path is relative to this file: point it at schemas/driftwatch.schema.json of the installed',
    '#  driftwatch for completion and checking in your editor)',
    '#',
    `# ${what}`,
    '# Every file of this directory is read and merged; `driftwatch validate` checks them without credentials.',
    '',
  ].join('\n');
}

/** providers.yaml: one account per cloud, credentials from the vendor's standard chain (never in YAML). */
function providersTemplate(clouds: readonly Cloud[], region: string | undefined): string {
  const blocks = clouds.flatMap((cloud) => {
    const init = cloudAdapter(cloud).init;
    return init.providerLines(region ?? init.defaultRegion);
  });
  return (
    header('Accounts and regions driftwatch reads from (`driftwatch init` wrote this; edit freely).') +
    'version: 1\n\n' +
    '# Organisation-wide rules on top of the per-resource expectations (`driftwatch list rules`).\n' +
    'policies: [builtin:baseline]\n\n' +
    '# report: { tz: Asia/Shanghai }   # also show times in this zone (as --tz)\n\n' +
    `providers:\n${blocks.join('\n')}\n`
  );
}

/** resources.yaml: what the services must look like; instance-bound types stay commented until their ids are known. */
function resourcesTemplate(clouds: readonly Cloud[]): string {
  const lines: string[] = ['resources:', ...clouds.flatMap((cloud) => cloudAdapter(cloud).init.resourceLines)];
  if (!clouds.some((cloud) => cloudAdapter(cloud).init.resourcesLive))
    lines[0] = 'resources: {}   # uncomment and fill in the resources below';
  return (
    header('What the security services must look like. Each `expect` key is an attribute; a scalar means equals.') +
    `${lines.join('\n')}\n\n` +
    '# waivers:                           # accepted drift, with an owner and an expiry (validate warns 14 days ahead)\n' +
    '#   - { resource: tencentcloud_kms_service.main, rule: auto_renew, reason: ..., owner: you@example.com, expires: 2027-01-31 }\n'
  );
}

function parseClouds(value: string | undefined): Cloud[] {
  if (value === undefined || value === 'both') return [...CLOUDS];
  if (isCloud(value)) return [value];
  throw new UsageError(`init: --cloud must be ${CLOUDS.join(', ')} or both, got '${value}'`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** `init [DIR]`: a commented configuration to start from, from the template or from what is live. */
export const initCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    if (input.positionals.length > 1) throw new UsageError(`init: expected at most one DIR, got ${input.positionals.length}`);
    const dir = resolve(ctx.cwd, input.positionals[0] ?? '.');
    const shown = relative(ctx.cwd, dir) || '.';
    const clouds = parseClouds(stringFlag(input, 'cloud'));
    const region = stringFlag(input, 'region');
    const live = boolFlag(input, 'import');
    const files: [string, string][] = [['providers.yaml', providersTemplate(clouds, region)]];
    if (!live) files.push(['resources.yaml', resourcesTemplate(clouds)]);
    if (!boolFlag(input, 'force')) {
      const taken = [];
      for (const [name] of files) if (await exists(join(dir, name))) taken.push(join(shown, name));
      if (taken.length > 0)
        throw new IoError(
          `init: ${taken.join(' and ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written`,
          'Pass --force to overwrite, or choose another DIR.',
        );
    }
    for (const [name, text] of files) await writeFileAtomic(join(dir, name), text);
    ctx.stderr.write(`Wrote ${files.map(([n]) => join(shown, n)).join(' and ')}.\n`);
    let code = 0;
    if (live) code = await importLive(ctx, input, dir, shown, clouds);
    ctx.stderr.write(`Next: driftwatch validate ${shown}  then  driftwatch plan ${shown}\n`);
    return code;
  },
};

/** `init --import`: each resource type of the chosen clouds, read with the providers just written. */
async function importLive(ctx: CliContext, input: ParsedInput, dir: string, shown: string, clouds: readonly Cloud[]): Promise<number> {
  const { importCommand } = await import('./import.js');
  const endpoint = stringFlag(input, 'endpoint');
  let imported = 0;
  let code = 0;
  for (const type of RESOURCE_TYPES.filter((t) => clouds.includes(t.cloud))) {
    const output = join(dir, `${type.name}.yaml`);
    try {
      const result = await importCommand.run(ctx, {
        flags: { provider: `${type.cloud}.main`, type: type.name, output, ...(endpoint !== undefined ? { endpoint } : {}) },
        positionals: [dir],
      });
      imported += 1;
      if (result !== 0) code = result;
    } catch (error) {
      if (!(error instanceof DriftwatchError)) throw error;
      code = 3;
      ctx.stderr.write(`warning: ${type.name} was not imported: ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
    }
  }
  if (imported === 0) {
    throw new DriftwatchError(
      'DW_CREDENTIALS',
      `init --import: nothing could be read from the live accounts; ${join(shown, 'providers.yaml')} was written`,
      "Check the credentials (the vendors' environment variables or profile files), or run `driftwatch init` without --import for the template.",
    );
  }
  return code;
}
