/**
 * Which environment variables hold credentials. Two uses: `${env.NAME}` may not name one (a
 * configuration value ends up in reports, SARIF and evidence, so interpolating a secret would
 * publish it), and their values are registered with the redactor at the start of every command —
 * offline ones (`--observed`, `report --from`) included, which resolve no credentials themselves.
 */

/** Variables the credential sources read (cloud-apis.md §4) and the evidence signing keys. */
export const CREDENTIAL_ENV_VARS: readonly string[] = [
  'TENCENTCLOUD_SECRET_ID',
  'TENCENTCLOUD_SECRET_KEY',
  'TENCENTCLOUD_SESSION_TOKEN',
  'TENCENTCLOUD_TOKEN',
  'TENCENTCLOUD_CREDENTIALS_FILE',
  'TCCLI_PROFILE',
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'ALIBABACLOUD_ACCESS_KEY_ID',
  'ALIBABACLOUD_ACCESS_KEY_SECRET',
  'ALIBABACLOUD_SECURITY_TOKEN',
  'ALICLOUD_ACCESS_KEY_ID',
  'ALICLOUD_ACCESS_KEY_SECRET',
  'ALICLOUD_SECURITY_TOKEN',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_CREDENTIALS_FILE',
  'DRIFTWATCH_EVIDENCE_KEY',
  'DRIFTWATCH_EVIDENCE_KEY_FILE',
  'DRIFTWATCH_EVIDENCE_HMAC_KEY',
  'DRIFTWATCH_OBSERVED_KEY',
  'DRIFTWATCH_OBSERVED_KEY_FILE',
  'DRIFTWATCH_OBSERVED_HMAC_KEY',
];

/** Names that say "secret" whatever tool they belong to. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|KEY/i;
/** Variables that name a file or directory rather than hold a secret. */
const PATH_NAME = /_(FILE|PATH|DIR)$/i;
/** Values of variables matched only by name are registered from this length on (short values are flags, not secrets). */
const MIN_NAMED_VALUE = 8;

/** May `${env.NAME}` not name this variable? */
export function isCredentialVariable(name: string): boolean {
  return CREDENTIAL_ENV_VARS.includes(name) || SECRET_NAME.test(name);
}

/**
 * The values to register with the redactor: every listed variable that holds a value (not a
 * path), every variable a provider names as a credential source (`extraNames`), and every
 * variable whose name says secret.
 */
export function credentialValues(env: Readonly<Record<string, string | undefined>>, extraNames: Iterable<string> = []): string[] {
  const out: string[] = [];
  const extra = new Set(extraNames);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (extra.has(name)) out.push(value, value.trim());
    else if (PATH_NAME.test(name) || name === 'TCCLI_PROFILE' || name === 'ALIBABA_CLOUD_PROFILE') continue;
    else if (CREDENTIAL_ENV_VARS.includes(name)) out.push(value, value.trim());
    else if (SECRET_NAME.test(name) && value.trim().length >= MIN_NAMED_VALUE) out.push(value, value.trim());
  }
  return out;
}
