/**
 * The certificate chain of a Notation signature (x5c): its shape and the Notary Project certificate
 * requirements (specs/signing/notation-signature-specification.md, "Certificate Requirements"),
 * trust by the configured store, and validity in time. Each check throws a Rejection whose reason
 * is shown on the promotion page.
 */
import { X509Certificate } from "node:crypto";
import { invalid, Rejection } from "./rejection";
import { formatDistinguishedName } from "./x509-name";
import { readCertificateProfile, type CertificateProfile, type KeyUsageName } from "./x509-profile";

export interface ChainCertificate {
  cert: X509Certificate;
  profile: CertificateProfile;
}

/** SHA-1 and MD5 based signature algorithms, which the spec forbids anywhere in the chain. */
const WEAK_SIGNATURE_ALGORITHMS = new Set(["1.2.840.113549.1.1.4", "1.2.840.113549.1.1.5", "1.2.840.10045.4.1", "1.3.14.3.2.29", "1.2.840.10040.4.3"]);
const LEAF_FORBIDDEN_USAGES: KeyUsageName[] = ["keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "encipherOnly", "decipherOnly", "cRLSign"];
/** anyExtendedKeyUsage, serverAuth, clientAuth, emailProtection, timeStamping */
const LEAF_FORBIDDEN_EKUS: Record<string, string> = {
  "2.5.29.37.0": "anyExtendedKeyUsage",
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
};

export function subjectOf(c: ChainCertificate): string {
  return formatDistinguishedName(c.profile.subject);
}

export function readChain(x5c: Buffer[]): ChainCertificate[] {
  return x5c.map((der, i) => {
    try {
      return { cert: new X509Certificate(der), profile: readCertificateProfile(der) };
    } catch {
      throw invalid(`certificate ${i + 1} of the chain cannot be parsed`);
    }
  });
}

function isIssuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

function checkLeaf(leaf: ChainCertificate): void {
  const fail = (why: string) => new Rejection(`signing certificate not valid for code signing: ${why}`);
  const { basicConstraints, keyUsage, extendedKeyUsage } = leaf.profile;
  if (basicConstraints?.ca) throw fail("it is a CA certificate");
  if (!keyUsage?.critical) throw fail("it has no critical key usage extension");
  if (!keyUsage.usages.includes("digitalSignature")) throw fail("its key usage lacks digitalSignature");
  const forbidden = LEAF_FORBIDDEN_USAGES.find((u) => keyUsage.usages.includes(u));
  if (forbidden) throw fail(`its key usage includes ${forbidden}`);
  const badEku = extendedKeyUsage?.find((oid) => oid in LEAF_FORBIDDEN_EKUS);
  if (badEku) throw fail(`its extended key usage includes ${LEAF_FORBIDDEN_EKUS[badEku]}`);
  const key = leaf.cert.publicKey;
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType === "rsa" && (bits ?? 0) < 2048) throw fail(`its RSA key has ${bits} bits, fewer than 2048`);
}

/** `below`: how many intermediate CAs sit between this CA and the signing certificate. */
function checkCa(ca: ChainCertificate, below: number): void {
  const fail = (why: string) => new Rejection(`certificate chain invalid: CA ${subjectOf(ca)} ${why}`);
  const { basicConstraints, keyUsage } = ca.profile;
  if (!basicConstraints?.ca) throw fail("is not marked as a CA (basic constraints)");
  if (!basicConstraints.critical) throw fail("has non-critical basic constraints");
  if (basicConstraints.pathLen !== undefined && below > basicConstraints.pathLen) throw fail(`allows a path length of ${basicConstraints.pathLen}, the chain has ${below}`);
  if (!keyUsage?.critical || !keyUsage.usages.includes("keyCertSign")) throw fail("has no critical key usage with keyCertSign");
}

/**
 * The chain must be ordered (each certificate issued by the next), end with a self-signed root, and
 * meet the code-signing requirements. A chain of one is a self-signed signing certificate.
 */
export function checkChainShape(chain: ChainCertificate[]): void {
  const weak = chain.find((c) => WEAK_SIGNATURE_ALGORITHMS.has(c.profile.signatureAlgorithm));
  if (weak) throw new Rejection(`certificate chain invalid: ${subjectOf(weak)} is signed with SHA-1 or MD5`);
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!isIssuedBy(chain[i]!.cert, chain[i + 1]!.cert)) {
      throw new Rejection(`certificate chain invalid: ${subjectOf(chain[i + 1]!)} did not issue ${subjectOf(chain[i]!)}`);
    }
  }
  const root = chain[chain.length - 1]!;
  if (!isIssuedBy(root.cert, root.cert)) throw new Rejection(`certificate chain invalid: it does not end with a root certificate (${subjectOf(root)} is not self-signed)`);
  checkLeaf(chain[0]!);
  chain.slice(1).forEach((ca, i) => checkCa(ca, i));
}

/** Trusted when a certificate of the (already verified) chain is one of the store's certificates. */
export function checkTrusted(chain: ChainCertificate[], anchors: readonly X509Certificate[]): void {
  const trusted = chain.some((c) => anchors.some((a) => a.raw.equals(c.cert.raw)));
  if (!trusted) throw new Rejection("certificate not trusted by the trust store");
}

const day = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z");

/**
 * Without an authentic timestamp every certificate must be valid now (spec, "Other requirements" 4);
 * it must also have been valid at the (signer-claimed) signing time.
 */
export function checkValidity(chain: ChainCertificate[], now: Date, signingTime: Date): void {
  for (const c of chain) {
    const { notBefore, notAfter } = c.profile;
    if (now > notAfter) throw new Rejection(`expired certificate: ${subjectOf(c)} expired at ${day(notAfter)}`);
    if (now < notBefore) throw new Rejection(`certificate not yet valid: ${subjectOf(c)} is valid from ${day(notBefore)}`);
  }
  for (const c of chain) {
    const { notBefore, notAfter } = c.profile;
    if (signingTime < notBefore || signingTime > notAfter) {
      throw new Rejection(`certificate ${subjectOf(c)} was not valid at the signing time ${day(signingTime)}`);
    }
  }
}
