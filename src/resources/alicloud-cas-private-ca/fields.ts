import { counter, remaining, same } from '../convert.js';
import { attributesOf, vendor } from '../field.js';
import { fromUnixMillis } from '../time.js';

/**
 * One element of the InstanceStatusList of cas GetCAInstanceStatus (2020-06-30, cloud-apis.md
 * §3.4). Every element must carry its InstanceId: the id is how the element for a resource is
 * chosen, and an element that cannot be attributed cannot be trusted.
 */
export const FIELDS = {
  InstanceId: vendor.required('string'),
  Type: vendor.nullable('string'),
  Status: vendor.nullable('string'),
  CertTotalCount: vendor.nullable('integer'),
  CertIssuedCount: vendor.nullable('integer'),
  BeforeTime: vendor.nullable('integer'),
  AfterTime: vendor.nullable('integer'),
  Identifier: vendor.nullable('string'),
  UseExpireTime: vendor.nullable('integer'),
};

const a = attributesOf(FIELDS);

export const ATTRIBUTES = [
  a.from(
    'Status',
    { name: 'status', kind: 'string', description: 'Instance status (Status).', values: ['BUY', 'USED', 'REFUND', 'REVOKE'] },
    same,
  ),
  a.from('Type', { name: 'ca_type', kind: 'string', description: 'CA type (Type).', values: ['ROOT', 'SUB_ROOT'] }, same),
  a.from(
    'CertTotalCount',
    { name: 'certificates_total', kind: 'integer', unit: 'count', description: 'Certificates the CA may issue (CertTotalCount).' },
    counter,
  ),
  a.from(
    'CertIssuedCount',
    { name: 'certificates_issued', kind: 'integer', unit: 'count', description: 'Certificates issued (CertIssuedCount).' },
    counter,
  ),
  a.derived(
    ['CertTotalCount', 'CertIssuedCount'],
    {
      name: 'certificates_remaining',
      kind: 'integer',
      unit: 'count',
      consumed: true,
      description: 'certificates_total - certificates_issued.',
    },
    (b) => remaining(b.CertTotalCount, b.CertIssuedCount),
  ),
  // Present only for USED/REVOKE; for BUY/REFUND they are absent and so stay unknown.
  a.from(
    'AfterTime',
    {
      name: 'certificate_expires_at',
      kind: 'timestamp',
      unit: 'unix-ms',
      description: 'CA certificate not-after (AfterTime, Unix ms; USED/REVOKE only).',
    },
    fromUnixMillis,
  ),
  a.from(
    'BeforeTime',
    {
      name: 'certificate_not_before',
      kind: 'timestamp',
      unit: 'unix-ms',
      description: 'CA certificate not-before (BeforeTime, Unix ms; USED/REVOKE only).',
    },
    fromUnixMillis,
  ),
  a.from(
    'Identifier',
    { name: 'identifier', kind: 'string', description: 'CA certificate identifier (Identifier; USED/REVOKE only).' },
    same,
  ),
  a.from(
    'UseExpireTime',
    {
      name: 'instance_expires_at',
      kind: 'timestamp',
      unit: 'unix-ms',
      description: 'Instance subscription expiry (UseExpireTime, Unix ms).',
    },
    fromUnixMillis,
  ),
];
