import { Readable } from 'node:stream';
import { Utf8LineCheck } from './utf8-lines';

/** Streams `chunks` through the check and returns the bytes that came out and the invalid lines. */
async function check(chunks: Buffer[]): Promise<{ out: Buffer; invalid: number[] }> {
  const utf8 = new Utf8LineCheck();
  const parts: Buffer[] = [];
  for await (const part of Readable.from(chunks).pipe(utf8)) parts.push(part as Buffer);
  return { out: Buffer.concat(parts), invalid: utf8.takeInvalidLines(1, Number.MAX_SAFE_INTEGER) };
}

/** Every split of `bytes` into two chunks, so each character boundary is tried. */
function everySplit(bytes: Buffer): Buffer[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [bytes.subarray(0, i), bytes.subarray(i)]);
}

describe('Utf8LineCheck: which physical lines hold bytes that are not UTF-8', () => {
  it('passes valid text through unchanged and finds nothing, however the chunks cut its characters', async () => {
    const text = Buffer.from('id,name\r\n1,São Paulo 😀\n2,Zoë\r3,\uFFFD is a real character\n');
    for (const chunks of everySplit(text)) {
      const { out, invalid } = await check(chunks);
      expect(out.equals(text)).toBe(true);
      expect(invalid).toEqual([]);
    }
  });

  it('names the line of each bad byte, counting LF, CRLF and a lone CR as one line end each', async () => {
    const bytes = Buffer.concat([
      Buffer.from('header\r\n'), // line 1
      Buffer.from('ok\n'), // 2
      Buffer.from([0x61, 0xff, 0x0a]), // 3: 0xFF never starts a character
      Buffer.from('ok\r'), // 4
      Buffer.from([0xc3, 0x28, 0x0d, 0x0a]), // 5: a lead byte without its continuation
      Buffer.from([0xed, 0xa0, 0x80, 0x0a]), // 6: an encoded surrogate
      Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf, 0x0a]), // 7: overlong forms, twice on one line
      Buffer.from([0xe2, 0x82]), // 8: cut short by the end of the file
    ]);
    for (const chunks of everySplit(bytes)) {
      expect((await check(chunks)).invalid).toEqual([3, 5, 6, 7, 8]);
    }
  });

  it('hands each invalid line out once, to the record whose lines hold it', async () => {
    const utf8 = new Utf8LineCheck();
    const bytes = Buffer.from([0x61, 0x0a, 0xff, 0x0a, 0x62, 0x0a, 0xfe, 0x0a]);
    for await (const _ of Readable.from([bytes]).pipe(utf8)) void _;
    expect(utf8.takeInvalidLines(1, 1)).toEqual([]);
    expect(utf8.takeInvalidLines(2, 3)).toEqual([2]);
    expect(utf8.takeInvalidLines(2, 3)).toEqual([]);
    expect(utf8.takeInvalidLines(4, 4)).toEqual([4]);
  });
});
