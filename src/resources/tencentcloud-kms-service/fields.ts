import { counter, enumName, enumValues, flag, remaining, same } from '../convert.js';
import { attributesOf, vendor } from '../field.js';
import { fromUnixSeconds } from '../time.js';

/**
 * kms GetServiceStatus (2019-01-18, cloud-apis.md §3.1). `ServiceEnabled` is the one field
 * required: it is what the API is for, and a body without it is not a GetServiceStatus answer.
 * Every other field may be absent (the doc example omits half).
 */
export const FIELDS = {
  ServiceEnabled: vendor.required('boolean'),
  InvalidType: vendor.nullable('integer'),
  UserLevel: vendor.nullable('integer'),
  ProExpireTime: vendor.nullable('integer'),
  ProRenewFlag: vendor.nullable('integer'),
  ProResourceId: vendor.nullable('string'),
  ExclusiveVSMEnabled: vendor.nullable('boolean'),
  ExclusiveHSMEnabled: vendor.nullable('boolean'),
  SubscriptionInfo: vendor.nullable('string'),
  CmkUserCount: vendor.nullable('integer'),
  CmkLimit: vendor.nullable('integer'),
  // Typed boolean but described as "1 (supported), 0 (unsupported)" (pitfall 9): accept both forms.
  IsAllowedDataKeyHosted: vendor.nullable('boolean', 'integer'),
  DataKeyLimit: vendor.nullable('integer'),
  DataKeyUsedCount: vendor.nullable('integer'),
  IsAllowedSync: vendor.nullable('boolean'),
};

const SERVICE_STATE: Readonly<Record<number, string>> = { 0: 'not_purchased', 1: 'normal', 2: 'suspended_arrears', 3: 'released' };
const EDITION: Readonly<Record<number, string>> = { 0: 'basic', 1: 'ultimate' };

const a = attributesOf(FIELDS);

export const ATTRIBUTES = [
  a.from('ServiceEnabled', { name: 'service_enabled', kind: 'boolean', description: 'KMS is activated (ServiceEnabled).' }, same),
  a.from(
    'InvalidType',
    { name: 'service_state', kind: 'string', description: 'Service availability (InvalidType 0..3).', values: enumValues(SERVICE_STATE) },
    (n) => enumName(SERVICE_STATE, n),
  ),
  a.from('UserLevel', { name: 'edition', kind: 'string', description: 'Edition (UserLevel 0/1).', values: enumValues(EDITION) }, (n) =>
    enumName(EDITION, n),
  ),
  a.from(
    'ProRenewFlag',
    { name: 'auto_renew', kind: 'boolean', description: 'Ultimate edition renews automatically (ProRenewFlag).' },
    flag,
  ),
  a.from(
    'ProExpireTime',
    {
      name: 'expires_at',
      kind: 'timestamp',
      unit: 'unix-seconds',
      description: 'Ultimate edition expiry (ProExpireTime, Unix seconds; 0 means none).',
    },
    fromUnixSeconds,
  ),
  a.from(
    'ProResourceId',
    { name: 'pro_resource_id', kind: 'string', description: 'Ultimate edition purchase record (ProResourceId).' },
    same,
  ),
  a.from('CmkUserCount', { name: 'cmk_count', kind: 'integer', unit: 'count', description: 'User CMKs in use (CmkUserCount).' }, counter),
  a.from('CmkLimit', { name: 'cmk_limit', kind: 'integer', unit: 'count', description: 'User CMK quota (CmkLimit).' }, counter),
  a.derived(
    ['CmkLimit', 'CmkUserCount'],
    { name: 'cmk_remaining', kind: 'integer', unit: 'count', consumed: true, description: 'cmk_limit - cmk_count.' },
    (b) => remaining(b.CmkLimit, b.CmkUserCount),
  ),
  a.from(
    'ExclusiveHSMEnabled',
    { name: 'exclusive_hsm_enabled', kind: 'boolean', description: 'Exclusive (HSM) edition enabled (ExclusiveHSMEnabled).' },
    same,
  ),
  a.from(
    'ExclusiveVSMEnabled',
    { name: 'exclusive_vsm_enabled', kind: 'boolean', description: 'Managed (VSM) edition enabled (ExclusiveVSMEnabled).' },
    same,
  ),
  a.from(
    'IsAllowedDataKeyHosted',
    { name: 'data_key_hosting', kind: 'boolean', description: 'Data-key hosting supported (IsAllowedDataKeyHosted).' },
    (v) => (typeof v === 'boolean' ? v : flag(v)),
  ),
  a.from(
    'DataKeyLimit',
    { name: 'data_key_limit', kind: 'integer', unit: 'count', description: 'Purchased data-key quota (DataKeyLimit).' },
    counter,
  ),
  a.from(
    'DataKeyUsedCount',
    { name: 'data_key_used', kind: 'integer', unit: 'count', description: 'Data keys in use (DataKeyUsedCount).' },
    counter,
  ),
  a.from(
    'IsAllowedSync',
    { name: 'sync_allowed', kind: 'boolean', description: 'Cross-region sync tasks supported (IsAllowedSync).' },
    same,
  ),
  a.from('SubscriptionInfo', { name: 'subscription', kind: 'string', description: 'Subscription information (SubscriptionInfo).' }, same),
];
