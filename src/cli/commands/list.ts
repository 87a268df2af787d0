import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandModule, ParsedInput } from '../command.js';
import { stringFlag } from '../command.js';
import { ConfigError, UsageError } from '../../model/errors.js';
import { RESOURCE_TYPES, isResourceTypeName, resourceType } from '../../resources/registry.js';
import type { AttributeSpec, ResourceTypeSpec } from '../../model/resource-types.js';
import { didYouMean } from '../../util/did-you-mean.js';
import { BUILTIN_POLICY_DIR, resolvePolicyRef } from '../../config/policy-ref.js';
import { definitionFor } from '../../providers/registry.js';
import { compareStrings } from '../../model/order.js';

const WHATS = ['types', 'attributes', 'rules'] as const;

/** The unit a value is in, so `at_least: 100` or `not_within: 30d` can be written without guessing. */
function attributeUnit(attribute: AttributeSpec): string {
  switch (attribute.kind) {
    case 'timestamp':
      return 'instant (ISO-8601 UTC; not_within/before/after)';
    case 'integer':
      return attribute.name.endsWith('_gb') ? 'GB' : 'count';
    case 'boolean':
      return 'true/false';
    case 'string':
      return attribute.values ? 'one of the known values' : 'text';
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return (
    rows
      .map((r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function typesOutput(json: boolean): string {
  const rows = RESOURCE_TYPES.map((t) => {
    const api = definitionFor(t.name).api;
    return {
      type: t.name,
      cloud: t.cloud,
      api: `${api.product} ${api.action} (${api.version})`,
      identifiers: t.identifiers,
      description: t.description,
    };
  });
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  return table([
    ['TYPE', 'CLOUD', 'API', 'IDENTIFIED BY'],
    ...rows.map((r) => [r.type, r.cloud, r.api, r.identifiers.join(', ') || '(account/region)']),
  ]);
}

function attributesOutput(type: ResourceTypeSpec, json: boolean): string {
  const rows = type.attributes.map((a) => ({
    name: a.name,
    kind: a.kind,
    unit: attributeUnit(a),
    values: a.values ?? [],
    description: a.description,
  }));
  if (json) return `${JSON.stringify({ type: type.name, attributes: rows }, null, 2)}\n`;
  return (
    `${type.name}: ${type.description}\n\n` +
    table([
      ['ATTRIBUTE', 'KIND', 'UNIT', 'KNOWN VALUES', 'DESCRIPTION'],
      ...rows.map((r) => [r.name, r.kind, r.unit, r.values.join(' | ') || '-', r.description]),
    ]) +
    '\nAny vendor field can also be checked as raw.<VendorField>. A value outside KNOWN VALUES is unknown, never a pass.\n'
  );
}

async function rulesOutput(ctx: CliContext, pack: string | undefined, json: boolean): Promise<string> {
  const refs =
    pack === undefined
      ? (await readdir(BUILTIN_POLICY_DIR))
          .filter((f) => f.endsWith('.yaml'))
          .sort(compareStrings)
          .map((f) => `builtin:${f.slice(0, -'.yaml'.length)}`)
      : [pack];
  const policyRefs = refs.map((ref) => {
    const resolved = resolvePolicyRef(ref, join(ctx.cwd, 'command-line'));
    if ('problem' in resolved) throw new UsageError(`list rules: ${resolved.problem}`);
    return { ref, path: resolved.path, location: { file: '<command line>', line: 1, column: 1 } };
  });
  const { loadPolicyPacks } = await import('../../policy/policy-file.js');
  const loaded = await loadPolicyPacks(policyRefs, { cwd: ctx.cwd });
  if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new ConfigError(loaded.diagnostics, 'policy pack');
  const rows = loaded.packs.flatMap((p, i) =>
    p.rules.map((r) => ({
      pack: policyRefs[i]?.ref ?? p.file,
      id: r.id,
      severity: r.severity,
      resource_type: r.resourceType,
      title: r.title,
      controls: r.controls,
    })),
  );
  if (json) return `${JSON.stringify(rows, null, 2)}\n`;
  return table([
    ['RULE', 'SEVERITY', 'RESOURCE TYPE', 'PACK', 'TITLE'],
    ...rows.map((r) => [r.id, r.severity, r.resource_type, r.pack, r.title]),
  ]);
}

/** `list types | attributes TYPE | rules [PACK]`: what can be checked, from the catalog and the packs. */
export const listCommand: CommandModule = {
  async run(ctx: CliContext, input: ParsedInput): Promise<number> {
    const format = stringFlag(input, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`list: --format must be text or json, got '${format}'`);
    const json = format === 'json';
    const [what, arg, ...extra] = input.positionals;
    const usage = 'Expected: driftwatch list types | list attributes TYPE | list rules [PACK]';
    if (what === undefined || !(WHATS as readonly string[]).includes(what)) {
      const suggestion = what ? didYouMean(what, WHATS) : undefined;
      throw new UsageError(
        what ? `list: unknown list '${what}'${suggestion ? `; did you mean '${suggestion}'?` : ''}` : 'list: what to list is missing',
        usage,
      );
    }
    if (extra.length > 0 || (what === 'types' && arg !== undefined))
      throw new UsageError(`list ${what}: unexpected argument '${extra[0] ?? arg}'`, usage);
    if (what === 'types') {
      ctx.stdout.write(typesOutput(json));
    } else if (what === 'attributes') {
      const names = RESOURCE_TYPES.map((t) => t.name);
      if (arg === undefined || !isResourceTypeName(arg)) {
        const suggestion = arg ? didYouMean(arg, names) : undefined;
        throw new UsageError(
          arg
            ? `list attributes: unknown resource type '${arg}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`
            : 'list attributes: TYPE is missing',
          `Expected one of: ${names.join(', ')}.`,
        );
      }
      ctx.stdout.write(attributesOutput(resourceType(arg) as ResourceTypeSpec, json));
    } else {
      ctx.stdout.write(await rulesOutput(ctx, arg, json));
    }
    return 0;
  },
};
