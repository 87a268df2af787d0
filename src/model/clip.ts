/**
 * Any value echoed in a message goes through here: a 10 MB string in a configuration must not
 * come back whole in its error (nor fill a CI log), and a long vendor value must not bury the
 * message that quotes it.
 */

/** Characters of a value kept in a message. */
const MAX_ECHOED_VALUE = 200;
/** Characters of a whole message kept (the last line of defence for values quoted without clipText). */
export const MAX_MESSAGE = 2000;

/** The text itself when short, else its start, an ellipsis and the full length. */
export function clipText(text: string, max = MAX_ECHOED_VALUE): string {
  if (text.length <= max) return text;
  let end = max;
  // Never cut a surrogate pair in half.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… (${text.length} characters)`;
}

/** A value as quoted in a message: strings in single quotes, everything else as JSON; clipped. */
export function quoteValue(value: unknown, max = MAX_ECHOED_VALUE): string {
  if (typeof value === 'string') return `'${clipText(value, max)}'`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  return clipText(json ?? String(value), max);
}
