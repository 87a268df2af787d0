/**
 * The clouds driftwatch knows, and what every layer may know about one without loading its code:
 * names and words for messages, the shape of its role ARNs, which instance-role credential source
 * belongs to it. This is the one list of cloud names — the `Cloud` union, the configuration
 * schema's `providers` keys and the registries of adapters (`providers/clouds.ts`,
 * `simulator/clouds.ts`, each a `Record<Cloud, …>` the type checker proves complete) all come from
 * it. Behaviour (signing, endpoints, credential chains, the simulator's envelopes) lives in the
 * cloud's own folders; generic code looks a cloud up here or in those registries and never
 * branches on its name (model/clouds.test.ts scans for that).
 */

/** Facts about one cloud that configuration, providers, simulator and CLI share. */
export interface CloudIdentity {
  /** `Tencent Cloud`, `Alibaba Cloud`: in messages and hints. */
  readonly displayName: string;
  /** The vendor's short name in brief asides: `Tencent`, `Alibaba`. */
  readonly shortName: string;
  /** Where a role ARN is checked: `acs:ram::UID:role/NAME` or `qcs::cam::uin/UIN:roleName/NAME`. */
  readonly roleArn: {
    /** The whole ARN; group 1 is the account. */
    readonly pattern: RegExp;
    /** How every ARN of this cloud starts (the configuration check, which also allows `{account}`). */
    readonly prefix: string;
    readonly example: string;
    /** The vendor's name for its access-management service: `CAM`, `RAM`. */
    readonly service: string;
  };
  /** The credential source that reads this cloud's instance role from instance metadata. */
  readonly instanceRoleSource: 'ecs_ram_role' | 'cvm_role';
  /** Whether the provider's `site` (china / intl) picks its endpoints (Tencent); Alibaba hosts name only the region. */
  readonly sites: boolean;
}

const TENCENTCLOUD: CloudIdentity = {
  displayName: 'Tencent Cloud',
  shortName: 'Tencent',
  roleArn: {
    pattern: /^qcs::cam::uin\/(\d+):role(?:Name)?\/([A-Za-z0-9.@_+=,-]+)$/,
    prefix: 'qcs::cam::uin/',
    example: 'qcs::cam::uin/100000000001:roleName/driftwatch-audit',
    service: 'CAM',
  },
  instanceRoleSource: 'cvm_role',
  sites: true,
};

const ALICLOUD: CloudIdentity = {
  displayName: 'Alibaba Cloud',
  shortName: 'Alibaba',
  roleArn: {
    pattern: /^acs:ram::(\d+):role\/([A-Za-z0-9.@_-]+)$/,
    prefix: 'acs:ram::',
    example: 'acs:ram::1234567890123456:role/driftwatch-audit',
    service: 'RAM',
  },
  instanceRoleSource: 'ecs_ram_role',
  sites: false,
};

/** Every cloud, in the order the schema, `init` and listings show them. A new cloud starts with a line here. */
export const CLOUD_IDENTITIES = Object.freeze({ tencentcloud: TENCENTCLOUD, alicloud: ALICLOUD });

export type Cloud = keyof typeof CLOUD_IDENTITIES;

export const CLOUDS: readonly Cloud[] = Object.freeze(Object.keys(CLOUD_IDENTITIES) as Cloud[]);

export function isCloud(value: string): value is Cloud {
  return Object.hasOwn(CLOUD_IDENTITIES, value);
}

export function cloudIdentity(cloud: Cloud): CloudIdentity {
  return CLOUD_IDENTITIES[cloud];
}

/** The cloud of a provider reference `cloud.alias` (or a resource type `cloud_…`), if it names one. */
export function cloudOfRef(ref: string): Cloud | undefined {
  return CLOUDS.find((c) => ref.startsWith(`${c}.`) || ref.startsWith(`${c}_`));
}

/** The cloud whose instance role a credential source reads. */
export function cloudOfInstanceRole(kind: CloudIdentity['instanceRoleSource']): Cloud {
  return CLOUDS.find((c) => CLOUD_IDENTITIES[c].instanceRoleSource === kind) as Cloud;
}
