import { randomUUID } from 'node:crypto';

/**
 * A JSON document in pieces, for documents with lists too large to hold (a run's resources, its
 * SARIF results, its OSCAL observations). The document is built with a placeholder where each
 * large list goes and serialized once; the text around the placeholders is written as is, and
 * each list's items are serialized one at a time, indented to the list's depth. The
 * concatenation is exactly `serialize(document with the lists in place)`.
 *
 * `serialize` must be JSON.stringify with two-space indentation (or the same after sorting keys,
 * as canonical JSON does), without a trailing newline.
 */

export type Splice = (items: Iterable<unknown>) => string;

export function* spliceJson(
  build: (splice: Splice) => unknown,
  serialize: (value: unknown) => string = (value) => JSON.stringify(value, null, 2),
): Generator<string, void, undefined> {
  // A fresh marker per document, so no text in the data can pass for one.
  const nonce = randomUUID();
  const lists: Iterable<unknown>[] = [];
  const document = build((items) => {
    lists.push(items);
    return `\u0000${nonce}:${lists.length - 1}\u0000`;
  });
  const text = serialize(document);
  const pattern = new RegExp(`"\\\\u0000${nonce}:(\\d+)\\\\u0000"`, 'g');
  let from = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const indent = /^ */.exec(text.slice(lineStart, at))?.[0] ?? '';
    const inner = `${indent}  `;
    yield `${text.slice(from, at)}[`;
    let first = true;
    for (const item of lists[Number(match[1])] as Iterable<unknown>) {
      yield `${first ? '' : ','}\n${inner}${serialize(item).replaceAll('\n', `\n${inner}`)}`;
      first = false;
    }
    yield first ? ']' : `\n${indent}]`;
    from = at + match[0].length;
  }
  yield text.slice(from);
}
