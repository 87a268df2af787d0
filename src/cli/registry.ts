import type { CommandSpec } from './command.js';
import { COMMON_FLAGS } from './flags.js';
import { COMPARE_FLAGS } from './compare-options.js';
import { HISTORY_FLAGS } from './history-options.js';

const RUN_FLAGS = {
  format: COMMON_FLAGS.format,
  out: COMMON_FLAGS.out,
  target: COMMON_FLAGS.target,
  observed: COMMON_FLAGS.observed,
  'save-observed': COMMON_FLAGS['save-observed'],
  evidence: COMMON_FLAGS.evidence,
  force: COMMON_FLAGS.force,
  'observed-key': COMMON_FLAGS['observed-key'],
  'max-age': COMMON_FLAGS['max-age'],
  'as-of': COMMON_FLAGS['as-of'],
  endpoint: COMMON_FLAGS.endpoint,
  'fail-on': COMMON_FLAGS['fail-on'],
  'no-progress': COMMON_FLAGS['no-progress'],
  timeout: COMMON_FLAGS.timeout,
  'run-timeout': COMMON_FLAGS['run-timeout'],
  tz: COMMON_FLAGS.tz,
  'allow-empty': COMMON_FLAGS['allow-empty'],
  framework: COMMON_FLAGS.framework,
  ...COMPARE_FLAGS,
  shard: COMMON_FLAGS.shard,
  ...HISTORY_FLAGS,
} as const;

/**
 * Every command the CLI offers. A command is listed here only once it is implemented; each loads
 * its module lazily so that `--version` and `--help` do not pay for YAML, ajv or undici.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'validate',
    summary: 'Check the configuration (schema and semantic rules) without network or credentials.',
    usage: 'validate [PATH...] [options]',
    description:
      'PATH is a YAML file or a directory of *.yaml/*.yml files (default: the current directory). Every problem is\n' +
      'printed as file:line:column: message; exits 1 if any is an error, 0 otherwise. Warns about waivers that have\n' +
      'expired or expire within 14 days. --format json prints every diagnostic as data (file, line, column, code).',
    flags: {
      format: { type: 'string', value: 'FORMAT', description: 'Output format on stdout: text|json.' },
      expand: {
        type: 'boolean',
        description: 'Also list the providers and resources that fanned-out providers (accounts, regions) expand to.',
      },
    },
    positionals: 'any',
    examples: [
      'driftwatch validate',
      'driftwatch validate config/ policies/team.yaml',
      'driftwatch validate config/ --format json > diagnostics.json',
    ],
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'plan',
    summary: 'Fetch the live status and print the drift report.',
    usage: 'plan [PATH...] [options]',
    description:
      "Reads the configuration (files or directories of *.yaml), calls each cloud's signed status API, evaluates\n" +
      'the expectations and prints what drifted. Exits 0 whatever it finds unless --detailed-exitcode is given.',
    flags: {
      ...RUN_FLAGS,
      'detailed-exitcode': { type: 'boolean', description: 'Exit 0 in sync, 2 drift, 3 unknown (as `check`).' },
    },
    positionals: 'any',
    examples: [
      'driftwatch plan config/',
      'driftwatch plan config/ --observed observed.json --format github --out sarif=drift.sarif',
      'driftwatch plan config/ --target alicloud_kms_instance.main --tz Asia/Shanghai',
    ],
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'check',
    summary: 'Plan with the exit-code contract, for CI (0 ok, 1 error, 2 drift, 3 unknown).',
    usage: 'check [PATH...] [options]',
    description:
      'Exit codes: 0 every resource verified and in sync; 1 error (usage, configuration, credentials, no resource\n' +
      'selected without --allow-empty, interrupted); 2 drift at or above --fail-on; 3 no drift but something unknown.',
    flags: RUN_FLAGS,
    positionals: 'any',
    examples: [
      'driftwatch check config/ --fail-on high --out junit=driftwatch.xml --out json=result.json',
      'driftwatch check config/ --save-observed observed.json --timeout 10s --run-timeout 10m',
      'driftwatch check config/ --evidence evidence/$(date +%F)',
    ],
    load: async () => (await import('./commands/plan.js')).checkCommand,
  },
  {
    name: 'import',
    summary: 'Write desired-state YAML from what is live (current values as expectations).',
    usage: 'import --provider P --type T [PATH...] [options]',
    description:
      'P is a provider of the configuration at PATH (e.g. alicloud.prod; repeatable), a fanned-out provider as declared\n' +
      '(every account of it, in one run), or, without PATH, a cloud name with --region. --shard I/N reads only the accounts\n' +
      'of shard I (the partition of plan/check); names then carry the account, so shard files join one configuration.\n' +
      'Discovers the live resources of type T (KMS service per region, the TCSS subscription, Alibaba KMS instances via\n' +
      'ListKmsInstances, CA instances by --instance-id or all of the account) and prints YAML that passes `validate`.\n' +
      'A resource that cannot be read is left out with a warning and the exit code is 3.',
    flags: {
      provider: {
        type: 'string',
        multiple: true,
        value: 'P',
        description: 'Provider reference (repeatable), e.g. tencentcloud.prod, a fanned-out provider, or a cloud name.',
      },
      type: { type: 'string', value: 'T', description: 'Resource type, e.g. alicloud_kms_instance.' },
      region: { type: 'string', multiple: true, value: 'REGION', description: "Region(s) to read (repeatable); default the provider's." },
      'instance-id': { type: 'string', multiple: true, value: 'ID', description: 'CA instance id(s) to read (repeatable); default all.' },
      site: { type: 'string', value: 'china|intl', description: 'Tencent Cloud site without a configuration (default china).' },
      shard: { type: 'string', value: 'I/N', description: 'Only the accounts of shard I of N (the partition of plan/check); needs PATH.' },
      endpoint: COMMON_FLAGS.endpoint,
      output: {
        type: 'string',
        value: 'FILE',
        description:
          'Write the YAML to FILE (atomically) instead of stdout; in a configuration directory only resources, skipping those declared.',
      },
    },
    positionals: 'any',
    examples: [
      'driftwatch import --provider alicloud --region cn-hangzhou --type alicloud_kms_instance > alicloud.yaml',
      'driftwatch import config/ --provider tencentcloud.prod --type tencentcloud_kms_service --region ap-guangzhou --output config/kms.yaml',
      'driftwatch import org/ --provider tencentcloud.members --type tencentcloud_kms_service --shard 2/3 --output org/kms-2.yaml',
    ],
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'report',
    summary: 'Re-render a saved run result (--out json=FILE) in any format, without network.',
    usage: 'report --from RESULT.json [--format FORMAT] [--out FORMAT=PATH]... [--framework NAME]',
    flags: {
      from: { type: 'string', value: 'RESULT.json', description: 'A run result written by --format json or --out json=FILE.' },
      format: COMMON_FLAGS.format,
      out: COMMON_FLAGS.out,
      tz: COMMON_FLAGS.tz,
      framework: COMMON_FLAGS.framework,
    },
    positionals: 'none',
    examples: [
      'driftwatch report --from result.json --format markdown > comment.md',
      'driftwatch report --from result.json --out sarif=drift.sarif --tz Asia/Shanghai',
    ],
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'merge',
    summary: 'Merge the run results of shards (--shard I/N) into one result, with one summary and exit code.',
    usage: 'merge RESULT.json... [--format FORMAT] [--out FORMAT=PATH]... | merge BUNDLE_DIR... --evidence DIR --public-key FILE',
    description:
      'Reads the JSON results of every shard of one run (same configuration, same --as-of) and prints them as one\n' +
      'result, exactly as a single run would. Refuses overlapping resources, different configurations or as_of, and\n' +
      'missing shards. Exits like `check`: 0 ok, 2 drift, 3 unknown (1 for bad input). Snapshots (--save-observed)\n' +
      'merge into one snapshot on stdout. Evidence bundles (directories) are verified with --public-key or\n' +
      '--hmac-key-env, then merged into one bundle at --evidence DIR, signed with the DRIFTWATCH_EVIDENCE_* key.',
    flags: {
      format: COMMON_FLAGS.format,
      out: COMMON_FLAGS.out,
      evidence: { type: 'string', value: 'DIR', description: 'Merging evidence bundles: write the merged, signed bundle to DIR.' },
      'public-key': {
        type: 'string',
        value: 'FILE',
        description: 'Merging evidence bundles: the Ed25519 public key (PEM) they must verify with.',
      },
      'hmac-key-env': {
        type: 'string',
        value: 'VAR',
        description: 'Merging evidence bundles: environment variable with the HMAC-SHA256 secret they must verify with.',
      },
    },
    positionals: 'any',
    positionalName: 'RESULT.json',
    examples: [
      'driftwatch merge shard-1.json shard-2.json shard-3.json --out junit=driftwatch.xml',
      'driftwatch merge shard-*.snapshot.json > all.snapshot.json',
      'driftwatch merge shard-1/ shard-2/ --evidence merged/ --public-key evidence-key.pub.pem',
    ],
    load: async () => (await import('./commands/merge.js')).mergeCommand,
  },
  {
    name: 'diff',
    summary: 'Compare two saved run results: what is new, persisting and resolved in NEW since OLD.',
    usage: 'diff OLD.json NEW.json [--format FORMAT] [--out FORMAT=PATH]...',
    description:
      'Renders NEW (a run result from --out json=FILE) with each failing or unknown check marked new or persisting\n' +
      'and the findings of OLD that NEW resolved listed, as --history marks a run. Exits 2 when NEW has drift at or\n' +
      'above its --fail-on that OLD did not have, 0 otherwise (1 for bad input).',
    flags: { format: COMMON_FLAGS.format, out: COMMON_FLAGS.out, tz: COMMON_FLAGS.tz },
    positionals: 'any',
    positionalName: 'RESULT.json',
    examples: ['driftwatch diff yesterday.json today.json', 'driftwatch diff base.json head.json --format markdown > comment.md'],
    load: async () => (await import('./commands/diff.js')).diffCommand,
  },
  {
    name: 'history',
    summary: 'Show the run history: counts per status over time, open findings by age, mean time to resolve per rule.',
    usage: 'history [DIR] [--format text|json]',
    description:
      'DIR is a ledger written by `plan`/`check --history DIR` (default .driftwatch/history). Corrupt or foreign\n' +
      'files in it are skipped with a warning.',
    flags: { format: { type: 'string', value: 'FORMAT', description: 'text (default, with sparklines) or json.' } },
    positionals: 'any',
    positionalName: 'DIR',
    examples: ['driftwatch history .driftwatch/history', 'driftwatch history nightly-history --format json'],
    load: async () => (await import('./commands/history.js')).historyCommand,
  },
  {
    name: 'evidence verify',
    summary: 'Check an evidence bundle: every digest, no missing or extra file, the signature and the in-toto attestation.',
    usage: 'evidence verify BUNDLE_DIR [--public-key FILE] [--hmac-key-env VAR]',
    description:
      'Recomputes the SHA-256 of every file listed in manifest.json, reports changed, missing and extra files,\n' +
      'and verifies manifest.sig with the given key; for Ed25519 bundles also attestation.sigstore.json (in-toto\n' +
      'statement, DSSE, Sigstore bundle) with the same key. Exits 0 only when everything matches and both verify.',
    flags: {
      'public-key': { type: 'string', value: 'FILE', description: 'Ed25519 public key (PEM) the bundle must be signed with.' },
      'hmac-key-env': { type: 'string', value: 'VAR', description: 'Environment variable holding the shared HMAC-SHA256 secret.' },
    },
    positionals: 'one',
    positionalName: 'BUNDLE_DIR',
    examples: [
      'driftwatch evidence verify evidence/2026-11-29 --public-key evidence-signing.pub.pem',
      'DW_HMAC=... driftwatch evidence verify evidence/2026-11-29 --hmac-key-env DW_HMAC',
    ],
    load: async () => (await import('./commands/evidence-verify.js')).evidenceVerifyCommand,
  },
  {
    name: 'simulator',
    summary: 'Run the built-in simulated clouds (Tencent KMS/TCSS, Alibaba KMS/CAS) on a local port.',
    usage: 'simulator [--world FILE] [--port N] [--host HOST] [--log FILE]',
    description:
      'Answers the four status APIs (and ListKmsInstances) as the clouds do: signatures, error envelopes, QPS limits and\n' +
      "injected faults, from a world file (default: the package's examples/simulator/world.yaml). Prints the base URL\n" +
      'as the first line of stdout, then the fake credentials of each account; stops on Ctrl+C. See docs/simulator.md.',
    flags: {
      world: { type: 'string', value: 'FILE', description: 'World file: the simulated accounts and their state (docs/simulator.md).' },
      port: { type: 'string', value: 'N', description: 'Port to listen on (default 8931; 0 picks a free one).' },
      host: { type: 'string', value: 'HOST', description: 'Address to listen on (default 127.0.0.1).' },
      log: { type: 'string', value: 'FILE', description: 'Append one line per request (time, API, account, outcome) to FILE.' },
    },
    positionals: 'none',
    server: true,
    examples: [
      'driftwatch simulator',
      'driftwatch simulator --world my-world.yaml --port 0 --log requests.log',
      'driftwatch simulator --host 0.0.0.0 --port 8931',
    ],
    load: async () => (await import('./commands/simulator.js')).simulatorCommand,
  },
  {
    name: 'demo',
    summary: 'Run plan on examples/ against the built-in simulator (no cloud account needed).',
    usage: 'demo [options]',
    description: 'Starts the simulated clouds on a free loopback port, checks examples/ against them and stops them.',
    flags: { 'no-progress': COMMON_FLAGS['no-progress'] },
    positionals: 'none',
    examples: ['npx driftwatch demo', 'driftwatch demo --no-progress'],
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  {
    name: 'test',
    summary: 'Run policy unit tests offline (configuration + observations + expected outcomes).',
    usage: 'test [PATH...] [options]',
    description:
      'Runs test files (*.test.yaml, *.test.yml) that pair a configuration and policy packs with observations and a\n' +
      'pinned as_of, and compares the expected status of each resource and check. No credentials, no clock; a world\n' +
      'file is served by the simulator on loopback. With no PATH, ./policies/tests and ./tests are searched.\n' +
      'Exits 0 when every case passes, 1 otherwise.',
    flags: {
      format: { type: 'string', value: 'FORMAT', description: 'Output format on stdout: text|json.' },
      builtin: { type: 'boolean', description: "Also run the built-in policy packs' own tests." },
      filter: { type: 'string', value: 'TEXT', description: 'Only test cases whose name contains TEXT.' },
    },
    positionals: 'any',
    positionalName: 'PATH',
    examples: ['driftwatch test', 'driftwatch test policies/tests --filter expiry', 'driftwatch test --builtin --format json'],
    load: async () => (await import('./commands/test.js')).testCommand,
  },
  {
    name: 'init',
    summary: 'Scaffold a commented configuration in DIR (default: the current directory).',
    usage: 'init [DIR] [options]',
    description:
      'Writes DIR/providers.yaml and DIR/resources.yaml from a commented template (with --import, the resources are\n' +
      'read from what is live with the credentials found in the environment). Never overwrites a file unless --force.',
    flags: {
      cloud: { type: 'string', value: 'CLOUD', description: 'tencentcloud, alicloud or both (default both).' },
      region: { type: 'string', value: 'REGION', description: 'Region written into the providers (default ap-guangzhou / cn-hangzhou).' },
      import: { type: 'boolean', description: 'Fill resources.yaml from the live accounts (needs credentials) instead of the template.' },
      endpoint: COMMON_FLAGS.endpoint,
      force: { type: 'boolean', description: 'Overwrite existing files.' },
    },
    positionals: 'any',
    positionalName: 'DIR',
    examples: [
      'driftwatch init config/',
      'driftwatch init config/ --cloud alicloud --region cn-shanghai',
      'driftwatch init config/ --import',
    ],
    load: async () => (await import('./commands/init.js')).initCommand,
  },
  {
    name: 'list',
    summary: 'List what can be checked: resource types, the attributes of a type, policy rules.',
    usage: 'list types | list attributes TYPE | list rules [PACK] [options]',
    description:
      'types: every resource type with its cloud API. attributes TYPE: each normalized attribute with its kind, unit and\n' +
      'known values. rules [PACK]: the rules of the built-in packs (or of PACK: builtin:NAME or a policy file).',
    flags: { format: { type: 'string', value: 'FORMAT', description: 'Output format on stdout: text|json.' } },
    positionals: 'any',
    examples: [
      'driftwatch list types',
      'driftwatch list attributes tencentcloud_tcss_subscription',
      'driftwatch list rules builtin:baseline',
      'driftwatch list rules policies/team.yaml --format json',
    ],
    load: async () => (await import('./commands/list.js')).listCommand,
  },
  {
    name: 'completion',
    summary: 'Print a shell completion script: bash, zsh or fish.',
    usage: 'completion bash|zsh|fish',
    description:
      'bash:  driftwatch completion bash > ~/.local/share/bash-completion/completions/driftwatch\n' +
      'zsh:   driftwatch completion zsh > "${fpath[1]}/_driftwatch"\n' +
      'fish:  driftwatch completion fish > ~/.config/fish/completions/driftwatch.fish',
    flags: {},
    positionals: 'one',
    positionalName: 'SHELL',
    examples: ['source <(driftwatch completion bash)', 'driftwatch completion fish > ~/.config/fish/completions/driftwatch.fish'],
    // The script is generated from this list; handing it over keeps completion.ts from importing
    // this file back (no file-level import cycle).
    load: async () => (await import('./commands/completion.js')).completionCommand(COMMANDS),
  },
];
