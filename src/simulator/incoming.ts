/**
 * One received HTTP request, reduced to what the verifiers and handlers read. Header names are
 * lower-case (as Node gives them); query and form values are decoded once here.
 */
export interface IncomingCall {
  readonly method: string;
  /** Path before `?`, as received. */
  readonly pathname: string;
  /** Query string after `?`, as received (TC3 GET signs it verbatim). */
  readonly rawQuery: string;
  readonly query: Readonly<Record<string, string>>;
  /** Fields of an `application/x-www-form-urlencoded` body (Alibaba RPC may send parameters there). */
  readonly form: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export function parsePairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) out[name] = value;
  return out;
}

export function header(call: IncomingCall, name: string): string | undefined {
  return call.headers[name.toLowerCase()];
}

/** Alibaba RPC parameters: query and form fields together (both are signed). */
export function rpcParams(call: IncomingCall): Record<string, string> {
  return { ...call.query, ...call.form };
}
