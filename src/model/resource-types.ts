/**
 * The resource-type catalog (design.md §2, a contract): type names, the cloud each belongs to,
 * the fields that identify an instance in configuration, and the normalized attributes that
 * expectations may be written against. It is pure data so that `config/` can validate attribute
 * names without loading any provider code; `providers/` attaches the API call and normalizer.
 */

import type { Cloud } from './clouds.js';

/** The cloud names come from the one list in clouds.ts. */
export type { Cloud };

/** How an attribute's value is typed after normalization. Timestamps are ISO-8601 UTC strings. */
export type AttributeKind = 'string' | 'integer' | 'boolean' | 'timestamp';

export interface AttributeSpec {
  readonly name: string;
  readonly kind: AttributeKind;
  readonly description: string;
  /** Known values for enumerated strings. A value outside this list is *unknown*, never a pass. */
  readonly values?: readonly string[];
}

export type ResourceTypeName =
  | 'tencentcloud_kms_service'
  | 'tencentcloud_tcss_subscription'
  | 'alicloud_kms_instance'
  | 'alicloud_cas_private_ca';

export interface ResourceTypeSpec {
  readonly name: ResourceTypeName;
  readonly cloud: Cloud;
  readonly description: string;
  /** Configuration fields that identify the instance (e.g. `instance_id`); all required. */
  readonly identifiers: readonly string[];
  /** Whether the resource may name a region of its own (overriding the provider's). */
  readonly regional: boolean;
  readonly attributes: readonly AttributeSpec[];
}

const str = (name: string, description: string, values?: readonly string[]): AttributeSpec =>
  values ? { name, kind: 'string', description, values } : { name, kind: 'string', description };
const int = (name: string, description: string): AttributeSpec => ({ name, kind: 'integer', description });
const bool = (name: string, description: string): AttributeSpec => ({ name, kind: 'boolean', description });
const time = (name: string, description: string): AttributeSpec => ({ name, kind: 'timestamp', description });

export const RESOURCE_TYPES: readonly ResourceTypeSpec[] = [
  {
    name: 'tencentcloud_kms_service',
    cloud: 'tencentcloud',
    description: 'Tencent Cloud KMS service status of one account in one region (kms GetServiceStatus 2019-01-18).',
    identifiers: [],
    regional: true,
    attributes: [
      bool('service_enabled', 'KMS is activated (ServiceEnabled).'),
      str('service_state', 'Service availability (InvalidType 0..3).', ['not_purchased', 'normal', 'suspended_arrears', 'released']),
      str('edition', 'Edition (UserLevel 0/1).', ['basic', 'ultimate']),
      bool('auto_renew', 'Ultimate edition renews automatically (ProRenewFlag).'),
      time('expires_at', 'Ultimate edition expiry (ProExpireTime, Unix seconds; 0 means none).'),
      str('pro_resource_id', 'Ultimate edition purchase record (ProResourceId).'),
      int('cmk_count', 'User CMKs in use (CmkUserCount).'),
      int('cmk_limit', 'User CMK quota (CmkLimit).'),
      int('cmk_remaining', 'cmk_limit - cmk_count.'),
      bool('exclusive_hsm_enabled', 'Exclusive (HSM) edition enabled (ExclusiveHSMEnabled).'),
      bool('exclusive_vsm_enabled', 'Managed (VSM) edition enabled (ExclusiveVSMEnabled).'),
      bool('data_key_hosting', 'Data-key hosting supported (IsAllowedDataKeyHosted).'),
      int('data_key_limit', 'Purchased data-key quota (DataKeyLimit).'),
      int('data_key_used', 'Data keys in use (DataKeyUsedCount).'),
      bool('sync_allowed', 'Cross-region sync tasks supported (IsAllowedSync).'),
      str('subscription', 'Subscription information (SubscriptionInfo).'),
    ],
  },
  {
    name: 'tencentcloud_tcss_subscription',
    cloud: 'tencentcloud',
    description: 'Tencent Container Security (TCSS) subscription of one account (tcss DescribePurchaseStateInfo 2020-11-01).',
    identifiers: [],
    regional: true,
    attributes: [
      str('state', 'Purchase state (State 0..4).', ['trial_available', 'purchase_only', 'trial_active', 'pro_active', 'pro_expired']),
      str('edition', 'Edition in force, derived from State.', ['none', 'trial', 'pro']),
      str('sub_state', 'Sub-state (SubState; DESTROED/TERMINATED become terminated).', ['normal', 'isolate', 'terminated']),
      bool('auto_renew', 'Auto-renewal on (AutomaticRenewal == 1).'),
      str('auto_renew_setting', 'Auto-renewal setting (AutomaticRenewal 0/1/2).', ['unset', 'enabled', 'disabled']),
      time('begins_at', 'Subscription start (BeginTime, Beijing time).'),
      time('expires_at', 'Subscription expiry (ExpirationTime, Beijing time).'),
      int('cores_total', 'All cores (AllCoresCnt).'),
      int('cores_protected', 'Protected cores (CoresCnt).'),
      int('cores_unprotected', 'Unprotected cores (UndefendCoresCnt).'),
      int('cores_purchased', 'Purchased cores (AuthorizedCoresCnt).'),
      int('cores_trial_granted', 'Trial-granted Pro cores (GivenAuthorizedCoresCnt).'),
      int('cores_flexible', 'Current elastic-billing cores (CurrentFlexibleCoresCnt).'),
      int('cores_flexible_limit', 'Elastic-billing core cap (FlexibleCoresLimit).'),
      int('images_total', 'Images (ImageCnt).'),
      int('images_licensed', 'Licensed images (AuthorizedImageCnt).'),
      int('image_licenses_purchased', 'Purchased image licences (PurchasedAuthorizedCnt).'),
      int('image_licenses_trial', 'Trial image licences (GivenAuthorizedCnt).'),
      str('defend_policy', 'Protection policy (DefendPolicy).'),
    ],
  },
  {
    name: 'alicloud_kms_instance',
    cloud: 'alicloud',
    description: 'Alibaba Cloud KMS instance (kms GetKmsInstance 2016-01-20).',
    identifiers: ['instance_id'],
    regional: true,
    attributes: [
      str('status', 'Instance status (Status).', ['Uninitialized', 'Connecting', 'Connected', 'Disconnected', 'Error']),
      str('instance_name', 'Instance name (InstanceName).'),
      time('expires_at', 'Instance expiry (EndDate, ISO UTC).'),
      time('starts_at', 'Instance start (StartDate).'),
      time('created_at', 'Creation time (CreateTime).'),
      str('charge_type', 'Billing method (ChargeType).', ['PREPAY', 'POSTPAY']),
      int('spec', 'Computing performance (Spec).'),
      int('key_quota', 'Maximum keys (KeyNum).'),
      int('secret_quota', 'Maximum secrets (SecretNum, a string in the API).'),
      int('vpc_quota', 'Maximum associated VPCs (VpcNum).'),
      bool('log_enabled', 'Logging enabled (Log == 1).'),
      int('log_storage_gb', 'Log storage capacity in GB (LogStorage).'),
      str('product_type', 'Product type (ProductType).'),
      str('product_version', 'Product version (ProductVersion).'),
      str('sale_status', 'Sales status (SaleStatus).'),
      str('vpc_id', 'Attached VPC (VpcId).'),
      int('bound_vpc_count', 'Associated VPCs (BindVpcs.BindVpc length).'),
    ],
  },
  {
    name: 'alicloud_cas_private_ca',
    cloud: 'alicloud',
    description: 'Alibaba Cloud private CA instance (cas GetCAInstanceStatus 2020-06-30).',
    identifiers: ['instance_id'],
    regional: false,
    attributes: [
      str('status', 'Instance status (Status).', ['BUY', 'USED', 'REFUND', 'REVOKE']),
      str('ca_type', 'CA type (Type).', ['ROOT', 'SUB_ROOT']),
      int('certificates_total', 'Certificates the CA may issue (CertTotalCount).'),
      int('certificates_issued', 'Certificates issued (CertIssuedCount).'),
      int('certificates_remaining', 'certificates_total - certificates_issued.'),
      time('certificate_expires_at', 'CA certificate not-after (AfterTime, Unix ms; USED/REVOKE only).'),
      time('certificate_not_before', 'CA certificate not-before (BeforeTime, Unix ms; USED/REVOKE only).'),
      str('identifier', 'CA certificate identifier (Identifier; USED/REVOKE only).'),
      time('instance_expires_at', 'Instance subscription expiry (UseExpireTime, Unix ms).'),
    ],
  },
];

const BY_NAME = new Map<string, ResourceTypeSpec>(RESOURCE_TYPES.map((t) => [t.name, t]));

export function resourceType(name: string): ResourceTypeSpec | undefined {
  return BY_NAME.get(name);
}

export function isResourceTypeName(name: string): name is ResourceTypeName {
  return BY_NAME.has(name);
}

/** Attribute lookup, including the `raw.<VendorField>` escape hatch (typed as unknown JSON). */
export function attributeSpec(type: ResourceTypeSpec, attribute: string): AttributeSpec | undefined {
  return type.attributes.find((a) => a.name === attribute);
}
