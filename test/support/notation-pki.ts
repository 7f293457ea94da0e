/**
 * A throw-away X.509 PKI for Notation tests (root CA → intermediate CA → code-signing leaf), issued by
 * the `openssl` CLI because node:crypto cannot issue certificates. `openssl ca` is used rather than
 * `openssl x509 -req` because OpenSSL 3.0 here only sets arbitrary validity dates (an already expired
 * certificate) through `ca -startdate/-enddate`.
 */
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { makeTempDir, removeDir } from "../harness/temp-dir";

export type TestKeyType = "ec-p256" | "ec-p384" | "rsa-3072" | "rsa-2048";

export interface Issued {
  /** file name stem in the PKI's directory */
  name: string;
  keyPem: string;
  certPem: string;
  der: Buffer;
  cert: X509Certificate;
}

export interface LeafOptions {
  /** openssl -subj form, most significant first: "/C=US/ST=WA/O=Corp/CN=release" */
  subject?: string;
  keyType?: TestKeyType;
  notBefore?: Date;
  notAfter?: Date;
  /** openssl extension lines; default: critical digitalSignature key usage, codeSigning EKU */
  extensions?: string[];
  /** default: the intermediate; another issued certificate to test chains through a non-CA */
  issuer?: Issued;
}

export interface TestPki {
  root: Issued;
  intermediate: Issued;
  issueLeaf(options?: LeafOptions): Issued;
  /** x5c order: leaf, intermediate, root */
  chainOf(leaf: Issued): Buffer[];
  close(): void;
}

const LEAF_EXTENSIONS = ["keyUsage = critical,digitalSignature", "extendedKeyUsage = codeSigning"];
const CA_EXTENSIONS = ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign"];

function openssl(args: string[], cwd: string): void {
  const result = spawnSync("openssl", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr || result.error?.message}`);
}

const keyArgs: Record<TestKeyType, string[]> = {
  "ec-p256": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
  "ec-p384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
  "rsa-3072": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
  "rsa-2048": ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
};

/** openssl ca's date form, YYYYMMDDHHMMSSZ */
const caDate = (d: Date) => d.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");

function read(dir: string, name: string): Issued {
  const certPem = fs.readFileSync(path.join(dir, `${name}.pem`), "utf8");
  const cert = new X509Certificate(certPem);
  return { name, keyPem: fs.readFileSync(path.join(dir, `${name}.key`), "utf8"), certPem, der: cert.raw, cert };
}

export function createTestPki(options: { keyType?: TestKeyType; rootSubject?: string } = {}): TestPki {
  const dir = makeTempDir("notation-pki");
  const keyType = options.keyType ?? "ec-p256";
  let serial = 1;
  const genKey = (name: string, type: TestKeyType) => openssl(["genpkey", ...keyArgs[type], "-out", `${name}.key`], dir);

  /** Issues `name` (key + CSR already there) from `issuer` with the given validity and extensions. */
  const sign = (name: string, issuer: string, notBefore: Date, notAfter: Date, extensions: string[]) => {
    const db = path.join(dir, `db-${name}`);
    fs.mkdirSync(db);
    fs.writeFileSync(path.join(db, "index.txt"), "");
    fs.writeFileSync(path.join(db, "serial"), `${(serial++).toString(16).padStart(2, "0")}\n`);
    const config = [
      "[ca]",
      "default_ca = this",
      "[this]",
      `database = ${db}/index.txt`,
      `new_certs_dir = ${db}`,
      `serial = ${db}/serial`,
      "default_md = sha256",
      "policy = anything",
      "unique_subject = no",
      "[anything]",
      "C = optional",
      "ST = optional",
      "L = optional",
      "O = optional",
      "OU = optional",
      "CN = optional",
      "[ext]",
      ...extensions,
    ].join("\n");
    fs.writeFileSync(path.join(dir, `${name}.cnf`), `${config}\n`);
    openssl(
      ["ca", "-batch", "-notext", "-config", `${name}.cnf`, "-cert", `${issuer}.pem`, "-keyfile", `${issuer}.key`, "-in", `${name}.csr`, "-out", `${name}.pem`,
        "-startdate", caDate(notBefore), "-enddate", caDate(notAfter), "-extensions", "ext", "-preserveDN"],
      dir,
    );
  };

  const hour = 3600_000;
  const now = Date.now();
  genKey("root", keyType);
  openssl(
    ["req", "-x509", "-key", "root.key", "-out", "root.pem", "-days", "3650", "-subj", options.rootSubject ?? "/C=US/O=Corp/CN=Corp Root CA",
      ...CA_EXTENSIONS.flatMap((e) => ["-addext", e.replace(" = ", "=")])],
    dir,
  );
  genKey("intermediate", keyType);
  openssl(["req", "-new", "-key", "intermediate.key", "-out", "intermediate.csr", "-subj", "/C=US/O=Corp/CN=Corp Signing CA"], dir);
  // valid since 2019 so that leaves dated in the past still chain to a CA valid at their signing time
  sign("intermediate", "root", new Date("2019-01-01T00:00:00Z"), new Date(now + 3650 * 24 * hour), ["basicConstraints = critical,CA:TRUE,pathlen:0", "keyUsage = critical,keyCertSign,cRLSign"]);

  let leaves = 0;
  const pki: TestPki = {
    root: read(dir, "root"),
    intermediate: read(dir, "intermediate"),
    issueLeaf: (leaf = {}) => {
      const name = `leaf${++leaves}`;
      genKey(name, leaf.keyType ?? keyType);
      openssl(["req", "-new", "-key", `${name}.key`, "-out", `${name}.csr`, "-subj", leaf.subject ?? "/C=US/ST=WA/O=Corp/CN=release"], dir);
      const notBefore = leaf.notBefore ?? new Date(now - hour);
      const notAfter = leaf.notAfter ?? new Date(now + 30 * 24 * hour);
      sign(name, leaf.issuer?.name ?? "intermediate", notBefore, notAfter, leaf.extensions ?? LEAF_EXTENSIONS);
      return read(dir, name);
    },
    chainOf: (leaf) => [leaf.der, pki.intermediate.der, pki.root.der],
    close: () => removeDir(dir),
  };
  return pki;
}
