/**
 * Input files must be UTF-8. Node's `readFile(path, 'utf8')` silently turns other encodings into
 * replacement characters (and UTF-16 into NUL-riddled text the YAML parser misreports), so bytes
 * are decoded strictly here and anything else is refused with a message that says what it is.
 */

export type DecodedText = { readonly text: string } | { readonly problem: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Byte offset, line and column (1-based) of the first byte that is not valid UTF-8. */
function firstInvalid(bytes: Uint8Array): { offset: number; line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return { offset: i, line, column };
    try {
      UTF8.decode(bytes.subarray(i, i + need + 1));
    } catch {
      return { offset: i, line, column };
    }
    if (b === 0x0a) {
      line += 1;
      column = 1;
    } else {
      column += 1;
    }
    i += need + 1;
  }
  return { offset: bytes.length, line, column };
}

/** UTF-16 shows itself by a byte-order mark or by a NUL beside most ASCII characters. */
function looksUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const sample = bytes.subarray(0, 512);
  let nulls = 0;
  for (const b of sample) if (b === 0) nulls += 1;
  return sample.length >= 4 && nulls * 4 >= sample.length;
}

/** Decodes `bytes` as UTF-8 (a leading BOM is dropped), or says why it cannot. */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  if (looksUtf16(bytes)) return { problem: 'the file is UTF-16, not UTF-8; save it as UTF-8 (without a byte-order mark is best)' };
  try {
    return { text: UTF8.decode(bytes) };
  } catch {
    const at = firstInvalid(bytes);
    return {
      problem: `the file is not UTF-8 (invalid byte 0x${(bytes[at.offset] ?? 0).toString(16).padStart(2, '0')} at line ${at.line}, column ${at.column}); save it as UTF-8`,
    };
  }
}
