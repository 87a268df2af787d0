import { counter, flag, same } from '../convert.js';
import { attributesOf, vendor } from '../field.js';
import type { Field } from '../convert.js';
import { fromIsoUtc } from '../time.js';

/**
 * The `KmsInstance` object of kms GetKmsInstance (2016-01-20, cloud-apis.md §3.3). Its
 * `InstanceId` may be empty or missing — that is how the API says "no such instance".
 */
export const FIELDS = {
  InstanceId: vendor.nullable('string'),
  InstanceName: vendor.nullable('string'),
  Status: vendor.nullable('string'),
  CreateTime: vendor.nullable('string'),
  StartDate: vendor.nullable('string'),
  EndDate: vendor.nullable('string'),
  ChargeType: vendor.nullable('string'),
  Spec: vendor.nullable('integer'),
  KeyNum: vendor.nullable('integer'),
  // A string in the API, unlike KeyNum (pitfall 9); a fixed API sending a number is accepted too.
  SecretNum: vendor.nullable('string', 'integer'),
  VpcNum: vendor.nullable('integer'),
  VpcId: vendor.nullable('string'),
  Log: vendor.nullable('integer'),
  LogStorage: vendor.nullable('integer'),
  ProductType: vendor.nullable('string'),
  ProductVersion: vendor.nullable('string'),
  SaleStatus: vendor.nullable('string'),
  BindVpcs: vendor.shaped<{ readonly BindVpc?: Field<unknown[]> }>({
    type: ['object', 'null'],
    properties: { BindVpc: { type: ['array', 'null'] } },
  }),
};

const a = attributesOf(FIELDS);

export const ATTRIBUTES = [
  a.from(
    'Status',
    {
      name: 'status',
      kind: 'string',
      description: 'Instance status (Status).',
      values: ['Uninitialized', 'Connecting', 'Connected', 'Disconnected', 'Error'],
    },
    same,
  ),
  a.from('InstanceName', { name: 'instance_name', kind: 'string', description: 'Instance name (InstanceName).' }, same),
  a.from(
    'EndDate',
    { name: 'expires_at', kind: 'timestamp', unit: 'iso-8601', description: 'Instance expiry (EndDate, ISO UTC).' },
    fromIsoUtc,
  ),
  a.from('StartDate', { name: 'starts_at', kind: 'timestamp', unit: 'iso-8601', description: 'Instance start (StartDate).' }, fromIsoUtc),
  a.from('CreateTime', { name: 'created_at', kind: 'timestamp', unit: 'iso-8601', description: 'Creation time (CreateTime).' }, fromIsoUtc),
  a.from(
    'ChargeType',
    { name: 'charge_type', kind: 'string', description: 'Billing method (ChargeType).', values: ['PREPAY', 'POSTPAY'] },
    same,
  ),
  a.from('Spec', { name: 'spec', kind: 'integer', description: 'Computing performance (Spec).' }, counter),
  a.from('KeyNum', { name: 'key_quota', kind: 'integer', unit: 'count', description: 'Maximum keys (KeyNum).' }, counter),
  a.from(
    'SecretNum',
    { name: 'secret_quota', kind: 'integer', unit: 'count', description: 'Maximum secrets (SecretNum, a string in the API).' },
    (value, context) => {
      if (typeof value === 'number') return value;
      const trimmed = value.trim();
      if (!/^\d{1,15}$/.test(trimmed)) return context.invalid('must be a decimal number in a string');
      return Number(trimmed);
    },
  ),
  a.from('VpcNum', { name: 'vpc_quota', kind: 'integer', unit: 'count', description: 'Maximum associated VPCs (VpcNum).' }, counter),
  a.from('Log', { name: 'log_enabled', kind: 'boolean', description: 'Logging enabled (Log == 1).' }, flag),
  a.from(
    'LogStorage',
    { name: 'log_storage_gb', kind: 'integer', unit: 'GB', description: 'Log storage capacity in GB (LogStorage).' },
    counter,
  ),
  a.from('ProductType', { name: 'product_type', kind: 'string', description: 'Product type (ProductType).' }, same),
  a.from('ProductVersion', { name: 'product_version', kind: 'string', description: 'Product version (ProductVersion).' }, same),
  a.from('SaleStatus', { name: 'sale_status', kind: 'string', description: 'Sales status (SaleStatus).' }, same),
  a.from('VpcId', { name: 'vpc_id', kind: 'string', description: 'Attached VPC (VpcId).' }, same),
  // The XML-style wrapper: a wrapper without the list says nothing about the count, so unknown.
  a.from(
    'BindVpcs',
    { name: 'bound_vpc_count', kind: 'integer', unit: 'count', description: 'Associated VPCs (BindVpcs.BindVpc length).' },
    (w) => (w.BindVpc === undefined ? undefined : w.BindVpc === null ? null : w.BindVpc.length),
  ),
];
