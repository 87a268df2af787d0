import { cloudIdentity } from '../model/clouds.js';
import type { Cloud } from '../model/clouds.js';
import { CredentialsError } from '../model/errors.js';
import type { ErrorKind } from '../model/observation.js';
import type { Credentials } from './types.js';

/**
 * What a credential source turns into before any network call: long-lived keys found in the
 * environment or a file, or a recipe for temporary ones (an STS call, an instance-metadata read, a
 * credential endpoint's answer or a credential command's output).
 * Planning is synchronous and reads only local state, so configuration and profile mistakes are
 * reported up front and with their location; obtaining (role-credentials.ts) does the I/O.
 */
export type RolePlan =
  | AssumeRolePlan
  | { readonly kind: 'ecs_ram_role'; readonly roleName: string | undefined; readonly imdsv1Disabled: boolean; readonly where: string }
  | { readonly kind: 'cvm_role'; readonly roleName: string | undefined; readonly where: string }
  | OidcPlan
  | EndpointPlan
  | ProcessPlan;

/** Keys read from a credential endpoint's or process's answer by the cloud's own reader. */
export interface AnsweredKeys {
  readonly id: string;
  readonly secret: string;
  readonly token?: string;
  /** Epoch ms; absent: valid for the whole run (long-lived keys, or a token the answer gave no expiry for). */
  readonly expiresAt?: number;
}

/**
 * Reads an answer in the vendor's format. Throws an Error whose message says what is missing or
 * malformed and never quotes the answer: it carries secrets.
 */
export type AnswerReader = (text: string) => AnsweredKeys;

/**
 * Temporary credentials from an HTTP endpoint the vendor's tools read (Alibaba's credentials URI,
 * CloudSSO's `/cloud-credentials`): one request, the answer read by the cloud's `read`.
 */
export interface EndpointPlan {
  readonly kind: 'credential_endpoint';
  readonly cloud: Cloud;
  /** What is asked, for messages (`the credentials URI http://127.0.0.1:8080`): never the path or query, which may hold a token. */
  readonly what: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** Secrets the request carries (a bearer token): registered with the redactor before it is sent. */
  readonly headers: () => Readonly<Record<string, string>>;
  readonly body?: string;
  readonly read: AnswerReader;
  /** A sign-in that stops working at this time (epoch ms): past it, asking is pointless. */
  readonly signInExpiresAt?: number;
  /** The account the credentials act in when the request names it (CloudSSO), for rate-limit keys. */
  readonly account?: string;
  /** What to do when the endpoint refuses. */
  readonly hint: string;
  readonly where: string;
}

/** Credentials printed by a command the user configured (aliyun CLI `External` mode), run without a shell. */
export interface ProcessPlan {
  readonly kind: 'credential_process';
  readonly cloud: Cloud;
  /** The command split into argv as the vendor splits `process_command`. */
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  readonly read: AnswerReader;
  readonly where: string;
}

export interface AssumeRolePlan {
  readonly kind: 'assume_role';
  readonly cloud: Cloud;
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId: string | undefined;
  readonly durationSeconds: number;
  readonly source: CredentialPlan;
  readonly where: string;
}

export interface OidcPlan {
  readonly kind: 'oidc';
  readonly cloud: Cloud;
  readonly roleArn: string;
  /** Alibaba: the OIDC provider ARN; Tencent: the identity provider id (TKE_PROVIDER_ID). */
  readonly providerArn: string;
  readonly tokenFile: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  /** Tencent: the STS request's region (TKE_REGION). */
  readonly region: string | undefined;
  readonly where: string;
}

export type CredentialPlan = Credentials | RolePlan;

export function isRolePlan(plan: CredentialPlan): plan is RolePlan {
  return 'kind' in plan;
}

/** Long-lived (or static STS) keys only: a plan that needs an STS or metadata call is an error here. */
export function staticKeysOnly(plan: CredentialPlan): Credentials {
  if (isRolePlan(plan)) {
    throw new CredentialsError(
      `the ${plan.kind} credentials of ${plan.where} need an STS or metadata call`,
      'Run driftwatch plan or check, which obtain them.',
    );
  }
  return plan;
}

/** Session names as both vendors accept them: 2–64 of letters, digits and `.@-_` (Alibaba) / `.@-_,=` (Tencent). */
const SESSION_NAME = /^[A-Za-z0-9.@_=,-]{2,64}$/;
export const DEFAULT_SESSION_NAME = 'driftwatch';
/** Both vendors' default session length; Alibaba's minimum is 900 s. */
export const DEFAULT_DURATION_SECONDS = 3600;

/** The account a role ARN belongs to (the rate-limit and shard key of an assumed role), or undefined. */
export function roleAccount(cloud: Cloud, roleArn: string): string | undefined {
  return cloudIdentity(cloud).roleArn.pattern.exec(roleArn)?.[1];
}

/** Checks an ARN before it is sent: the message names where it came from, and the ARN (not a secret). */
export function checkRoleArn(cloud: Cloud, roleArn: string, where: string): string {
  if (roleAccount(cloud, roleArn) !== undefined) return roleArn;
  const arn = cloudIdentity(cloud).roleArn;
  throw new CredentialsError(
    `${where}: role ARN ${JSON.stringify(roleArn)} is not a ${arn.service} role ARN`,
    `Write it like ${arn.example}.`,
  );
}

export function checkSessionName(name: string, where: string): string {
  if (SESSION_NAME.test(name)) return name;
  throw new CredentialsError(`${where}: role session name must be 2-64 letters, digits or . @ - _`, 'Set session_name to e.g. driftwatch.');
}

export function checkDuration(seconds: number, where: string): number {
  if (Number.isInteger(seconds) && seconds >= 900 && seconds <= 43_200) return seconds;
  throw new CredentialsError(`${where}: session duration must be 900 to 43200 seconds (15m to 12h)`, 'Set duration to e.g. 1h.');
}

/**
 * An STS or metadata step failed for a role (issue 13): the credentials of that provider are
 * unavailable for this run, so its resources are unknown — not the run's setup being broken (exit 1),
 * which is what a missing or half-set long-lived key means. `kind` is what went wrong on the way.
 */
export class RoleCredentialsError extends CredentialsError {
  readonly kind: ErrorKind;
  constructor(message: string, hint: string, kind: ErrorKind) {
    super(message, hint);
    this.kind = kind;
  }
}

/** Words for a hint: which role and which step failed, without any secret. */
export function describePlan(plan: RolePlan): string {
  switch (plan.kind) {
    case 'assume_role':
      return `assuming role ${plan.roleArn} (${plan.where})`;
    case 'oidc':
      return `assuming role ${plan.roleArn} with the OIDC token in ${plan.tokenFile} (${plan.where})`;
    case 'ecs_ram_role':
      return `reading ECS RAM role ${plan.roleName ?? "(the instance's)"} from instance metadata (${plan.where})`;
    case 'cvm_role':
      return `reading CVM role ${plan.roleName ?? "(the instance's)"} from instance metadata (${plan.where})`;
    case 'credential_endpoint':
      return `reading credentials from ${plan.what} (${plan.where})`;
    case 'credential_process':
      // The program only: its arguments may carry a secret.
      return `running the credential process ${plan.argv[0] ?? ''} (${plan.where})`;
  }
}
