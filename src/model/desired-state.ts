import type { Cloud, ResourceTypeName } from './resource-types.js';
import type { JsonValue } from './json.js';
import type { SourceLocation } from './location.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export type Operator =
  | 'equals'
  | 'not_equals'
  | 'in'
  | 'not_in'
  | 'at_least'
  | 'at_most'
  | 'greater_than'
  | 'less_than'
  | 'not_within'
  | 'before'
  | 'after'
  | 'matches'
  | 'present'
  | 'runs_out_within';

/**
 * Where a provider's credentials come from. Secrets are never literals in YAML.
 * - `chain`: the vendor's standard chain (environment, OIDC, profile files; cloud-apis.md §4).
 * - `env`: only the vendor's standard environment variables, or the named ones.
 * - `profile`: a named profile in the vendor's credential files (any mode the vendor's CLI supports).
 * - `assume_role`: STS AssumeRole with credentials from `source` (chains nest).
 * - `ecs_ram_role` / `cvm_role`: the instance's role, from the instance metadata service.
 * - `oidc`: web identity (Alibaba AssumeRoleWithOIDC, Tencent AssumeRoleWithWebIdentity) from the vendors' variables.
 */
export type CredentialSource =
  | { readonly kind: 'chain' }
  | { readonly kind: 'env'; readonly id?: string; readonly secret?: string; readonly token?: string }
  | { readonly kind: 'profile'; readonly profile: string }
  | AssumeRoleSource
  | { readonly kind: 'ecs_ram_role'; readonly roleName?: string }
  | { readonly kind: 'cvm_role'; readonly roleName?: string }
  | { readonly kind: 'oidc' };

export interface AssumeRoleSource {
  readonly kind: 'assume_role';
  /** `acs:ram::UID:role/NAME` or `qcs::cam::uin/UIN:roleName/NAME`; `{account}` is replaced per fanned-out account. */
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
  readonly durationSeconds?: number;
  readonly source: CredentialSource;
}

export type Site = 'china' | 'intl';

export interface FanOutAccount {
  readonly id: string;
  /** Regions of this account; default the provider's `regions` (or `region`). */
  readonly regions?: readonly string[];
}

/** A provider's `accounts` / `regions`: one configuration block for many accounts and regions. */
export interface FanOut {
  readonly accounts?: readonly FanOutAccount[];
  readonly regions?: readonly string[];
}

export interface ProviderConfig {
  readonly cloud: Cloud;
  readonly alias: string;
  /** `<cloud>.<alias>`, the reference resources use. */
  readonly ref: string;
  readonly region?: string;
  readonly site: Site;
  readonly credentials: CredentialSource;
  /** Base URL override (the simulator, a proxy); `http://` only for loopback. */
  readonly endpoint?: string;
  /** Per-API QPS overrides, keyed by API action name. */
  readonly rateLimits: Readonly<Record<string, number>>;
  /** `timeout:`: per-attempt request timeout in ms (undefined: the run's default). */
  readonly timeoutMs?: number;
  readonly location: SourceLocation;
  /** Fan-out as written (before expansion): the accounts and regions the provider stands for. */
  readonly fanOut?: FanOut;
  /** Fan-out: the account this expanded provider stands for (from the provider's `accounts` list). */
  readonly account?: string;
  /** Fan-out: the provider reference as written (`<cloud>.<alias>`) that this one was expanded from. */
  readonly group?: string;
  /** Fan-out: the regions of this account (its own `regions`, else the provider's), when listed. */
  readonly regions?: readonly string[];
}

/**
 * One expectation of a resource. The loader's expectations are compact objects whose properties
 * are accessors (src/config/build-resource.ts, issue 17): read the properties (or JSON.stringify
 * them); spreading one or listing its keys finds none.
 */
export interface Expectation {
  /** A normalized attribute name or `raw.<VendorField>`. */
  readonly attribute: string;
  readonly operator: Operator;
  /** The operand after interpolation; a duration string for `not_within`, a list for `in`/`not_in`. */
  readonly expected: JsonValue;
  readonly severity: Severity;
  readonly description?: string;
  /** Location of the expectation's key in YAML (SARIF and annotations point here). */
  readonly location: SourceLocation;
}

export interface ResourceConfig {
  /** `<type>.<name>`, unique across all files. */
  readonly address: string;
  readonly type: ResourceTypeName;
  readonly name: string;
  /** Provider reference `<cloud>.<alias>`. */
  readonly provider: string;
  /** Region override; otherwise the provider's region. */
  readonly region?: string;
  /** Identifier for instance-scoped types (Alibaba KMS, CAS). */
  readonly instanceId?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly expect: readonly Expectation[];
  readonly location: SourceLocation;
  /** Fan-out: restricts a resource on a fanned-out provider to one of its accounts. */
  readonly account?: string;
  /** Fan-out: the address as written (`<type>.<name>`) that this one was expanded from. */
  readonly group?: string;
}

export interface Waiver {
  readonly resource: string;
  /** An attribute name, a policy rule id, or `*`. */
  readonly rule: string;
  readonly reason: string;
  readonly owner: string;
  /** ISO date or timestamp; the waiver applies while now is before the end of this instant/day. */
  readonly expires: string;
  readonly ticket?: string;
  readonly location: SourceLocation;
}

export interface PolicyRef {
  /** As written: `builtin:NAME` or a path relative to the file that named it. */
  readonly ref: string;
  /** Resolved absolute path of the policy file. */
  readonly path: string;
  readonly location: SourceLocation;
}

export interface DesiredState {
  /** The files the configuration was read from, in load order. */
  readonly files: readonly string[];
  readonly providers: readonly ProviderConfig[];
  readonly resources: readonly ResourceConfig[];
  readonly policies: readonly PolicyRef[];
  readonly waivers: readonly Waiver[];
  /** `snapshots:` — how `--observed` trusts a saved snapshot. */
  readonly snapshots?: SnapshotTrustConfig;
  /** `report.tz`: the zone reports show beside UTC (`--tz` wins). */
  readonly reportTimeZone?: string;
  /** `history:` — the run-history ledger (`--history` and `--history-keep` win). */
  readonly history?: HistoryConfig;
  /** `notify:` — who is told when something changed since the previous run. */
  readonly notify?: readonly NotifyTarget[];
}

/** The ledger directory of `history: {}` (relative to the file) and of `driftwatch history` without DIR (relative to the working directory). */
export const DEFAULT_HISTORY_DIR = '.driftwatch/history';
/** How long records stay in the ledger without `keep:` / `--history-keep`. */
export const DEFAULT_HISTORY_KEEP = '400d';

export interface HistoryConfig {
  /** Absolute path of the ledger directory (written relative to the file that sets it). */
  readonly dir: string;
  /** Retention as written (`400d`) and in milliseconds. */
  readonly keep?: string;
  readonly keepMs?: number;
  readonly location: SourceLocation;
}

export const NOTIFY_TYPES = ['slack', 'dingtalk', 'wecom', 'feishu', 'webhook'] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

/** What a notification target is told about (design.md §12). */
export const NOTIFY_EVENTS = ['new_drift', 'resolved', 'new_unknown'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export interface NotifyTarget {
  readonly type: NotifyType;
  /** The webhook URL, from `${env.NAME}` only (a secret: registered with the redactor). */
  readonly url: string;
  /** The variable the URL came from: how reports and messages name the target. */
  readonly urlVariable: string;
  /** The robot's signing secret (DingTalk, Feishu), from `${env.NAME}` only. */
  readonly secret?: string;
  readonly on: readonly NotifyEvent[];
  /** A link to the full report, put in the message. */
  readonly reportUrl?: string;
  readonly location: SourceLocation;
}

export interface SnapshotTrustConfig {
  /** Milliseconds; an older snapshot makes every check unknown. */
  readonly maxAgeMs?: number;
  readonly maxAge?: string;
  /** Absolute path of the verification key file. */
  readonly keyFile?: string;
  readonly location: SourceLocation;
}
