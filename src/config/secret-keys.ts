/**
 * Keys that would hold a secret if written in YAML (vendor spellings and the obvious generic
 * ones). Rejected with a message of their own instead of a generic "unknown key".
 */
const SECRET_KEY = /(secret|password|passwd|private_?key|access_?key|security_?token|^token$|^sk$|^ak$|^aksk$)/i;

export function isSecretLikeKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export const SECRET_LITERAL_MESSAGE =
  'secrets are never written in YAML; name a credentials source instead: `credentials: env`, `credentials: { profile: NAME }` or `credentials: { env: { id: VAR, secret: VAR, token: VAR } }`';
