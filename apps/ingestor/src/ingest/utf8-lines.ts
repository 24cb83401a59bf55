import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes a UTF-8 sequence starting with `lead` needs, or 0 when `lead` cannot start one. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The allowed range of the byte after `lead` (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one. */
function validSequenceAt(bytes: Buffer, i: number): number {
  const length = sequenceLength(bytes[i]);
  if (length <= 1 || i + length > bytes.length) return length === 1 ? 1 : 0;
  const [low, high] = secondByteRange(bytes[i]);
  if (bytes[i + 1] < low || bytes[i + 1] > high) return 0;
  for (let k = 2; k < length; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return 0;
  return length;
}

/**
 * Passes a file's bytes through unchanged and notes the physical lines (1-based; LF, CRLF and a
 * lone CR each end one) that hold bytes which are not UTF-8. csv-parse decodes such bytes to
 * U+FFFD silently, and U+FFFD is also a legitimate character, so only the bytes can tell: the
 * ingestor quarantines the records on those lines as `invalid_utf8` instead of landing mangled text.
 *
 * Cost: Node's native `isUtf8` clears a whole chunk at once; only a chunk that fails it is walked
 * byte by byte. Line breaks are counted natively with indexOf.
 */
export class Utf8LineCheck extends Transform {
  /** Invalid lines not yet claimed by a record, ascending; the reader trims it as it goes. */
  private readonly pending: number[] = [];
  private line = 1;
  /** The last line noted, so a line with several bad bytes (even across chunks) is noted once. */
  private lastNoted = 0;
  /** A chunk that ended in CR: whether it ends a line depends on the next chunk's first byte. */
  private crAtEnd = false;
  /** The start of a multi-byte character cut by the chunk boundary. */
  private carry: Buffer = Buffer.alloc(0);

  /** Invalid lines in `from..to`; forgets every invalid line up to `to`. */
  takeInvalidLines(from: number, to: number): number[] {
    const found: number[] = [];
    while (this.pending.length > 0 && this.pending[0] <= to) {
      const line = this.pending.shift() as number;
      if (line >= from) found.push(line);
    }
    return found;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = this.completeLength(bytes);
    this.carry = Buffer.from(bytes.subarray(cut));
    this.scan(bytes.subarray(0, cut));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A sequence still cut at the end of the file is itself invalid.
    this.scan(this.carry);
    this.carry = Buffer.alloc(0);
    callback();
  }

  /** Where the last, possibly cut, multi-byte character starts (its bytes wait for the next chunk). */
  private completeLength(bytes: Buffer): number {
    for (let back = 1; back <= 3 && back <= bytes.length; back++) {
      const b = bytes[bytes.length - back];
      if (b < 0x80) return bytes.length;
      if (b >= 0xc0) return sequenceLength(b) > back ? bytes.length - back : bytes.length;
    }
    return bytes.length;
  }

  private scan(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.crAtEnd) {
      // The CR closing the previous chunk is a line break of its own unless this LF pairs with it.
      if (bytes[0] !== 0x0a) this.line++;
      this.crAtEnd = false;
    }
    if (isUtf8(bytes)) {
      this.line += this.countBreaks(bytes);
      return;
    }
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i];
      if (b === 0x0a || b === 0x0d) {
        i += this.onBreak(bytes, i);
        continue;
      }
      const length = validSequenceAt(bytes, i);
      if (length > 0) {
        i += length;
        continue;
      }
      if (this.lastNoted !== this.line) {
        this.pending.push(this.line);
        this.lastNoted = this.line;
      }
      i++;
    }
  }

  /** Counts the break at `i` and returns how many bytes it spans. */
  private onBreak(bytes: Buffer, i: number): number {
    if (bytes[i] === 0x0a) {
      this.line++;
      return 1;
    }
    if (i + 1 === bytes.length) {
      this.crAtEnd = true;
      return 1;
    }
    this.line++;
    return bytes[i + 1] === 0x0a ? 2 : 1;
  }

  /** LFs plus CRs not followed by LF; a CR at the very end waits for the next chunk. */
  private countBreaks(bytes: Buffer): number {
    let breaks = 0;
    for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) breaks++;
    for (let i = bytes.indexOf(0x0d); i !== -1; i = bytes.indexOf(0x0d, i + 1)) {
      if (i + 1 === bytes.length) this.crAtEnd = true;
      else if (bytes[i + 1] !== 0x0a) breaks++;
    }
    return breaks;
  }
}
