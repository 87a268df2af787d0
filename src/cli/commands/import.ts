import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { listFlag, stringFlag } from '../command.js';
import { parseEndpointFlag, parseShardFlag } from '../run-options.js';
import { UsageError } from '../../model/errors.js';
import { RESOURCE_TYPES, isResourceTypeName } from '../../resources/registry.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { runImport } from '../../pipeline/import.js';

/** `import`: writes desired-state YAML from what is live, with today's values as expectations. */
export const importCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const typeName = stringFlag(input, 'type');
    const names = RESOURCE_TYPES.map((t) => t.name);
    if (!typeName || !isResourceTypeName(typeName)) {
      const suggestion = typeName ? didYouMean(typeName, names) : undefined;
      throw new UsageError(
        typeName
          ? `import: unknown resource type '${typeName}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`
          : 'import: --type is required',
        `Expected one of: ${names.join(', ')}.`,
      );
    }
    const providers = listFlag(input, 'provider');
    if (providers.length === 0)
      throw new UsageError(
        'import: --provider is required',
        'e.g. --provider alicloud.prod (from the configuration at PATH) or --provider alicloud --region cn-hangzhou.',
      );
    const shard = parseShardFlag(input);
    const outcome = await runImport(ctx, {
      type: typeName,
      providers,
      paths: input.positionals,
      shard,
      site: stringFlag(input, 'site'),
      regions: listFlag(input, 'region'),
      instanceIds: listFlag(input, 'instance-id'),
      endpoint: parseEndpointFlag(stringFlag(input, 'endpoint')),
      output: stringFlag(input, 'output'),
    });
    if ('yaml' in outcome) {
      ctx.stdout.write(outcome.yaml);
    } else {
      const into = outcome.into ? ' (resources only: the directory is a configuration)' : '';
      ctx.stderr.write(
        `Imported ${outcome.imported} ${typeName} resource${outcome.imported === 1 ? '' : 's'} into ${outcome.writtenTo}${into}.\n`,
      );
    }
    return outcome.unreadable > 0 ? 3 : 0;
  },
};
