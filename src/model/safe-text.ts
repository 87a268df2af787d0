/**
 * Text that came from outside (vendor answers, hand-editable snapshots and run results) loses its
 * control characters and bidirectional formatting characters before any output can show it: a
 * string must not move a terminal's cursor, recolour or retitle a CI log, or reorder what a
 * reviewer reads.
 *
 * Removed: C0 controls but tab, line feed and carriage return; DEL; C1 controls; ALM, LRM, RLM;
 * the embeddings and overrides LRE…RLO/PDF and the isolates LRI…PDI.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * The same characters as they can appear in JSON text: raw, or as a `\u` escape. A cheap test on
 * a whole file decides whether its parsed strings need cleaning at all.
 */
const UNSAFE_IN_JSON_TEXT =
  /[\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]|\\u00[01][0-9a-fA-F]|\\u00[79][0-9a-fA-F]|\\u061[cC]|\\u200[eEfF]|\\u202[a-eA-E]|\\u206[6-9]|\\[bf]/;

/** Every match of UNSAFE_IN_JSON_TEXT holds a backslash or a character from U+007F up: a quicker first test. */
const MAYBE_UNSAFE_IN_JSON_TEXT = /[\\\u007F-\uFFFF]/;

export function stripUnsafeText(text: string): string {
  return text.replace(UNSAFE_TEXT, '');
}

/** A parsed JSON value with every string (keys too) cleaned, when its text may hold unsafe characters. */
export function stripUnsafeJson(value: unknown, text: string): unknown {
  if (!MAYBE_UNSAFE_IN_JSON_TEXT.test(text) || !UNSAFE_IN_JSON_TEXT.test(text)) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return stripUnsafeText(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v))
        Object.defineProperty(out, stripUnsafeText(k), { value: walk(child), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return walk(value);
}
