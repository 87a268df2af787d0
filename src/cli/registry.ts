import type { CommandSpec } from './command.js';
import { COMMON_FLAGS } from './flags.js';

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
      'printed as file:line:column: message; exits 1 if any is an error, 0 otherwise.',
    flags: {},
    positionals: 'any',
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'plan',
    summary: 'Fetch the live status and print the drift report.',
    usage: 'plan [PATH...] [options]',
    description:
      'Reads the configuration (files or directories of *.yaml), calls each cloud\'s signed status API, evaluates\n' +
      'the expectations and prints what drifted. Exits 0 whatever it finds unless --detailed-exitcode is given.',
    flags: {
      ...RUN_FLAGS,
      'detailed-exitcode': { type: 'boolean', description: 'Exit 0 in sync, 2 drift, 3 unknown (as `check`).' },
    },
    positionals: 'any',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'check',
    summary: 'Plan with the exit-code contract, for CI (0 ok, 1 error, 2 drift, 3 unknown).',
    usage: 'check [PATH...] [options]',
    flags: RUN_FLAGS,
    positionals: 'any',
    load: async () => (await import('./commands/plan.js')).checkCommand,
  },
  {
    name: 'import',
    summary: 'Write desired-state YAML from what is live (current values as expectations).',
    usage: 'import --provider P --type T [PATH...] [options]',
    description:
      'P is a provider of the configuration at PATH (e.g. alicloud.prod) or, without PATH, a cloud name with --region.\n' +
      'Discovers the live resources of type T (KMS service per region, the TCSS subscription, Alibaba KMS instances via\n' +
      'ListKmsInstances, CA instances by --instance-id or all of the account) and prints YAML that passes `validate`.\n' +
      'A resource that cannot be read is left out with a warning and the exit code is 3.',
    flags: {
      provider: { type: 'string', value: 'P', description: 'Provider reference, e.g. tencentcloud.prod, or a cloud name.' },
      type: { type: 'string', value: 'T', description: 'Resource type, e.g. alicloud_kms_instance.' },
      region: { type: 'string', multiple: true, value: 'REGION', description: 'Region(s) to read (repeatable); default the provider\'s.' },
      'instance-id': { type: 'string', multiple: true, value: 'ID', description: 'CA instance id(s) to read (repeatable); default all.' },
      site: { type: 'string', value: 'china|intl', description: 'Tencent Cloud site without a configuration (default china).' },
      endpoint: COMMON_FLAGS.endpoint,
      output: { type: 'string', value: 'FILE', description: 'Write the YAML to FILE (atomically) instead of stdout.' },
    },
    positionals: 'any',
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'report',
    summary: 'Re-render a saved run result (--out json=FILE) in any format, without network.',
    usage: 'report --from RESULT.json [--format FORMAT] [--out FORMAT=PATH]...',
    flags: {
      from: { type: 'string', value: 'RESULT.json', description: 'A run result written by --format json or --out json=FILE.' },
      format: COMMON_FLAGS.format,
      out: COMMON_FLAGS.out,
    },
    positionals: 'none',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'evidence verify',
    summary: 'Check an evidence bundle: every digest, no missing or extra file, and the signature.',
    usage: 'evidence verify BUNDLE_DIR [--public-key FILE] [--hmac-key-env VAR]',
    description:
      'Recomputes the SHA-256 of every file listed in manifest.json, reports changed, missing and extra files,\n' +
      'and verifies manifest.sig with the given key. Exits 0 only when everything matches and the signature verifies.',
    flags: {
      'public-key': { type: 'string', value: 'FILE', description: 'Ed25519 public key (PEM) the bundle must be signed with.' },
      'hmac-key-env': { type: 'string', value: 'VAR', description: 'Environment variable holding the shared HMAC-SHA256 secret.' },
    },
    positionals: 'one',
    positionalName: 'BUNDLE_DIR',
    load: async () => (await import('./commands/evidence-verify.js')).evidenceVerifyCommand,
  },
  {
    name: 'simulator',
    summary: 'Run the built-in simulated clouds (Tencent KMS/TCSS, Alibaba KMS/CAS) on a local port.',
    usage: 'simulator [--world FILE] [--port N] [--host HOST] [--log FILE]',
    description:
      'Answers the four status APIs (and ListKmsInstances) as the clouds do: signatures, error envelopes, QPS limits and\n' +
      'injected faults, from a world file (default: the package\'s examples/simulator/world.yaml). Prints the base URL\n' +
      'as the first line of stdout, then the fake credentials of each account; stops on Ctrl+C. See docs/simulator.md.',
    flags: {
      world: { type: 'string', value: 'FILE', description: 'World file: the simulated accounts and their state (docs/simulator.md).' },
      port: { type: 'string', value: 'N', description: 'Port to listen on (default 8931; 0 picks a free one).' },
      host: { type: 'string', value: 'HOST', description: 'Address to listen on (default 127.0.0.1).' },
      log: { type: 'string', value: 'FILE', description: 'Append one line per request (time, API, account, outcome) to FILE.' },
    },
    positionals: 'none',
    load: async () => (await import('./commands/simulator.js')).simulatorCommand,
  },
  {
    name: 'demo',
    summary: 'Run plan on examples/ against the built-in simulator (no cloud account needed).',
    usage: 'demo [options]',
    description: 'Starts the simulated clouds on a free loopback port, checks examples/ against them and stops them.',
    flags: { 'no-progress': COMMON_FLAGS['no-progress'] },
    positionals: 'none',
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
    load: async () => (await import('./commands/test.js')).testCommand,
  },
];
