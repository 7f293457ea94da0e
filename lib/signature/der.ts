/**
 * A minimal DER reader: just enough of ASN.1 to read what node:crypto's X509Certificate does not
 * expose (key usage bits, basic constraints with their critical flag, the subject's attributes one
 * by one, validity as dates). Input comes from signatures anyone can push, so every read is bounds-
 * checked and any malformed byte throws DerError.
 */

class DerError extends Error {}

export interface DerNode {
  tag: number;
  /** the content octets (without tag and length) */
  content: Buffer;
  /** the whole element, tag and length included */
  raw: Buffer;
}

export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  BitString: 0x03,
  OctetString: 0x04,
  Oid: 0x06,
  Utf8String: 0x0c,
  Sequence: 0x30,
  Set: 0x31,
  PrintableString: 0x13,
  T61String: 0x14,
  Ia5String: 0x16,
  UtcTime: 0x17,
  GeneralizedTime: 0x18,
  BmpString: 0x1e,
} as const;

function readAt(buf: Buffer, offset: number): { node: DerNode; end: number } {
  if (offset + 2 > buf.length) throw new DerError("truncated element");
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not used in certificates");
  let length = buf[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    // four length octets already allow 4 GiB; anything longer is not a certificate
    if (count === 0 || count > 4) throw new DerError("unsupported length encoding");
    if (offset + 2 + count > buf.length) throw new DerError("truncated length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new DerError("element longer than its container");
  return { node: { tag, content: buf.subarray(offset + header, end), raw: buf.subarray(offset, end) }, end };
}

/** The one element that fills `buf` exactly. */
export function parseDer(buf: Buffer): DerNode {
  const { node, end } = readAt(buf, 0);
  if (end !== buf.length) throw new DerError("trailing bytes after the element");
  return node;
}

export function children(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const { node: child, end } = readAt(node.content, offset);
    out.push(child);
    offset = end;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: unexpected element`);
  return node;
}

export function decodeOid(node: DerNode): string {
  expectTag(node, Tag.Oid, "object identifier");
  const bytes = node.content;
  if (bytes.length === 0) throw new DerError("empty object identifier");
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join(".");
}

/** A small non-negative INTEGER (path lengths). */
export function decodeSmallInteger(node: DerNode): number {
  expectTag(node, Tag.Integer, "integer");
  if (node.content.length === 0 || node.content.length > 4 || node.content[0]! & 0x80) throw new DerError("integer out of range");
  return node.content.reduce((acc, b) => acc * 256 + b, 0);
}

export function decodeBoolean(node: DerNode): boolean {
  expectTag(node, Tag.Boolean, "boolean");
  if (node.content.length !== 1) throw new DerError("malformed boolean");
  return node.content[0] !== 0;
}

/** Bit i of a BIT STRING, i = 0 being the most significant bit of the first content octet. */
export function bitStringBits(node: DerNode): (bit: number) => boolean {
  expectTag(node, Tag.BitString, "bit string");
  const data = node.content.subarray(1);
  return (bit) => {
    const byte = data[bit >> 3];
    return byte !== undefined && (byte & (0x80 >> (bit & 7))) !== 0;
  };
}

export function decodeTime(node: DerNode): Date {
  const text = node.content.toString("latin1");
  const utc = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  const generalized = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  let parts: RegExpExecArray | null = null;
  let year = 0;
  if (node.tag === Tag.UtcTime && utc) {
    parts = utc;
    // RFC 5280 4.1.2.5.1: two-digit years 50-99 are 19xx, 00-49 are 20xx
    year = Number(utc[1]) + (Number(utc[1]) >= 50 ? 1900 : 2000);
  } else if (node.tag === Tag.GeneralizedTime && generalized) {
    parts = generalized;
    year = Number(generalized[1]);
  }
  if (!parts) throw new DerError("malformed time");
  const [, , mo, d, h, mi, s] = parts.map(Number) as number[];
  return new Date(Date.UTC(year, mo! - 1, d!, h!, mi!, s!));
}

/** The string value of a directory attribute, whichever string type the issuer chose. */
export function decodeDirectoryString(node: DerNode): string {
  switch (node.tag) {
    case Tag.Utf8String:
      return node.content.toString("utf8");
    case Tag.PrintableString:
    case Tag.Ia5String:
    case Tag.T61String:
      return node.content.toString("latin1");
    case Tag.BmpString:
      if (node.content.length % 2) throw new DerError("malformed BMPString");
      return Buffer.from(node.content).swap16().toString("utf16le");
    default:
      // an exotic type: shown as RFC 4514 does for values it cannot render, "#" + hex of the element
      return `#${node.raw.toString("hex")}`;
  }
}
