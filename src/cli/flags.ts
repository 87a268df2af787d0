import type { FlagSpec } from './command.js';
import { REPORT_FORMATS } from '../report/formats.js';

/** Flags every command accepts. */
export const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', short: 'h', description: 'Show help for the command.' },
  'no-color': { type: 'boolean', description: 'Disable colors (NO_COLOR is honoured too).' },
  debug: { type: 'boolean', description: 'Show internal details (stack traces of bugs, request logs); secrets stay redacted.' },
};

/** The common flags of design.md §4, picked by each command that takes them. */
export const COMMON_FLAGS = {
  format: { type: 'string', value: 'FORMAT', description: `Output format on stdout: ${REPORT_FORMATS.join('|')}.` },
  framework: {
    type: 'string',
    value: 'NAME',
    description: 'Add a per-control summary for a control framework: mlps (GB/T 22239-2019) or iso27001 (ISO/IEC 27001:2022 Annex A).',
  },
  out: { type: 'string', multiple: true, value: 'FORMAT=PATH', description: 'Also write a report to a file (repeatable), atomically.' },
  target: {
    type: 'string',
    multiple: true,
    value: 'ADDRESS',
    description: 'Only these resources, e.g. alicloud_kms_instance.main (repeatable).',
  },
  observed: {
    type: 'string',
    value: 'SNAPSHOT.json',
    description: 'Evaluate a saved snapshot instead of calling the clouds (no network, no credentials).',
  },
  'save-observed': { type: 'string', value: 'SNAPSHOT.json', description: 'Save the observations (redacted) for later --observed runs.' },
  evidence: { type: 'string', value: 'DIR', description: 'Write a signed audit-evidence bundle to DIR (a new or empty directory).' },
  force: { type: 'boolean', description: 'With --evidence: replace a previous bundle (only one that verifies with the signing key).' },
  'observed-key': {
    type: 'string',
    value: 'FILE',
    description: 'With --observed: the snapshot must be signed by this key (Ed25519 public key PEM, or a file holding the HMAC secret).',
  },
  'max-age': {
    type: 'string',
    value: 'DURATION',
    description: 'With --observed: a snapshot older than this (e.g. 24h, 7d) makes every check unknown.',
  },
  'as-of': { type: 'string', value: 'TIMESTAMP', description: 'Pin "now" (ISO-8601) for reproducible runs.' },
  endpoint: { type: 'string', value: 'URL', description: "Send every provider's requests to this base URL (the simulator or a proxy)." },
  'fail-on': {
    type: 'string',
    value: 'SEVERITY',
    description: 'Lowest severity that counts as drift for the exit code: critical|high|medium|low (default low).',
  },
  'no-progress': { type: 'boolean', description: 'Do not show progress on stderr.' },
  timeout: {
    type: 'string',
    value: 'DURATION',
    description:
      "Per-attempt timeout of one request, e.g. 10s (default 30s; wins over each provider's timeout:). A call retries within 4x this.",
  },
  'run-timeout': {
    type: 'string',
    value: 'DURATION',
    description: 'Deadline for all requests of the run (default 15m); calls still open then are unknown.',
  },
  tz: {
    type: 'string',
    value: 'ZONE',
    description: 'Also show times in this IANA zone, e.g. Asia/Shanghai (default: config report.tz, else UTC only).',
  },
  'allow-empty': { type: 'boolean', description: 'Exit 0 when the configuration (or --target) selects no resource, instead of 1.' },
  shard: {
    type: 'string',
    value: 'I/N',
    description: 'Only shard I of N, partitioned by account (needs --as-of; combine with `driftwatch merge`).',
  },
} as const satisfies Record<string, FlagSpec>;
