/**
 * The parts of an X.509 certificate that Notation's certificate requirements look at and that
 * node:crypto does not expose: the subject attribute by attribute, validity as dates, the signature
 * algorithm, and the basic-constraints / key-usage / extended-key-usage extensions with their
 * critical flags. Signature checks themselves stay with node:crypto (X509Certificate.verify).
 */
import { bitStringBits, children, decodeBoolean, decodeDirectoryString, decodeOid, decodeSmallInteger, decodeTime, expectTag, parseDer, Tag, type DerNode } from "./der";

export interface NameAttribute {
  /** "CN", "O", … or the dotted OID for types without a short name */
  type: string;
  value: string;
}

/** Relative distinguished names in certificate order (most significant first, e.g. C before CN). */
export type DistinguishedName = NameAttribute[][];

export const KeyUsage = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KeyUsage;

export interface CertificateProfile {
  subject: DistinguishedName;
  notBefore: Date;
  notAfter: Date;
  /** OID of the algorithm the issuer signed this certificate with */
  signatureAlgorithm: string;
  basicConstraints?: { critical: boolean; ca: boolean; pathLen?: number };
  keyUsage?: { critical: boolean; usages: KeyUsageName[] };
  extendedKeyUsage?: string[];
}

/** Short names of RFC 4514 section 3 plus the few others found in code-signing subjects. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "SERIALNUMBER",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "STREET",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "E",
};

const EXT_BASIC_CONSTRAINTS = "2.5.29.19";
const EXT_KEY_USAGE = "2.5.29.15";
const EXT_EXTENDED_KEY_USAGE = "2.5.29.37";

function readName(node: DerNode): DistinguishedName {
  expectTag(node, Tag.Sequence, "name");
  return children(node).map((rdn) => {
    expectTag(rdn, Tag.Set, "relative distinguished name");
    return children(rdn).map((atv) => {
      const [type, value] = children(expectTag(atv, Tag.Sequence, "attribute"));
      const oid = decodeOid(expectTag(type, Tag.Oid, "attribute type"));
      if (!value) throw new Error("attribute without a value");
      return { type: ATTRIBUTE_NAMES[oid] ?? oid, value: decodeDirectoryString(value) };
    });
  });
}

function readExtensions(node: DerNode | undefined, profile: CertificateProfile): void {
  if (!node) return;
  const [list] = children(node);
  for (const ext of children(expectTag(list, Tag.Sequence, "extensions"))) {
    const parts = children(expectTag(ext, Tag.Sequence, "extension"));
    const oid = decodeOid(parts[0]!);
    const critical = parts.length === 3 ? decodeBoolean(parts[1]!) : false;
    const value = expectTag(parts[parts.length - 1], Tag.OctetString, "extension value");
    const inner = () => parseDer(value.content);
    if (oid === EXT_BASIC_CONSTRAINTS) {
      const fields = children(expectTag(inner(), Tag.Sequence, "basic constraints"));
      let ca = false;
      let pathLen: number | undefined;
      for (const f of fields) {
        if (f.tag === Tag.Boolean) ca = decodeBoolean(f);
        else if (f.tag === Tag.Integer) pathLen = decodeSmallInteger(f);
      }
      profile.basicConstraints = { critical, ca, ...(pathLen !== undefined ? { pathLen } : {}) };
    } else if (oid === EXT_KEY_USAGE) {
      const has = bitStringBits(inner());
      const usages = (Object.keys(KeyUsage) as KeyUsageName[]).filter((name) => has(KeyUsage[name]));
      profile.keyUsage = { critical, usages };
    } else if (oid === EXT_EXTENDED_KEY_USAGE) {
      profile.extendedKeyUsage = children(expectTag(inner(), Tag.Sequence, "extended key usage")).map(decodeOid);
    }
  }
}

/** Throws (DerError or Error) when the DER is not a certificate. */
export function readCertificateProfile(der: Buffer): CertificateProfile {
  const [tbs, signatureAlgorithm] = children(expectTag(parseDer(der), Tag.Sequence, "certificate"));
  const fields = children(expectTag(tbs, Tag.Sequence, "tbsCertificate"));
  // [0] version is optional (absent = v1); serial, signature, issuer, validity, subject, key follow
  const rest = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  const [validity, subject] = [rest[3], rest[4]];
  const [notBefore, notAfter] = children(expectTag(validity, Tag.Sequence, "validity"));
  const profile: CertificateProfile = {
    subject: readName(subject!),
    notBefore: decodeTime(notBefore!),
    notAfter: decodeTime(notAfter!),
    signatureAlgorithm: decodeOid(children(expectTag(signatureAlgorithm, Tag.Sequence, "signature algorithm"))[0]!),
  };
  // [3] extensions (v3 only)
  readExtensions(rest.find((f) => f.tag === 0xa3), profile);
  return profile;
}
