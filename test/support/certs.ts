/**
 * Test certificates made with the real `openssl` CLI, once per process, in a private temp dir:
 * a CA, server certificates for 127.0.0.1/localhost (valid, expired, for another host name,
 * signed by an unknown CA, self-signed) and a client certificate. Nothing here is a mock: the
 * TLS failures they cause are the ones OpenSSL gives a real client.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** One certificate and its key: file paths and PEM text. */
export interface CertificatePair {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
}

/** Every certificate the tests use. All server certificates name 127.0.0.1 and localhost unless said otherwise. */
export interface TestCertificates {
  /** Directory holding every file (removed when the process exits). */
  dir: string;
  /** The CA the tests trust (pass `ca.certFile` as `--certificate-authority`). */
  ca: CertificatePair;
  /** Signed by `ca`, valid for 127.0.0.1 and localhost. */
  server: CertificatePair;
  /** Signed by `ca`, valid only for `otherHostName`: a host-name mismatch on 127.0.0.1. */
  otherHost: CertificatePair;
  /** The host name `otherHost` is valid for. */
  otherHostName: string;
  /** Signed by `ca` for 127.0.0.1 and localhost, but already expired. */
  expired: CertificatePair;
  /** Valid for 127.0.0.1 and localhost but signed by a CA the tests do not trust. */
  unknownCa: CertificatePair;
  /** Self-signed for 127.0.0.1 and localhost. */
  selfSigned: CertificatePair;
  /** A client certificate for user `saprobe-test` in group `saprobe:testers`, signed by `ca`. */
  client: CertificatePair;
}

const SERVER_NAMES = "subjectAltName=IP:127.0.0.1,DNS:localhost";
const OTHER_HOST = "other-host.saprobe.invalid";

let cached: Promise<TestCertificates> | undefined;

/** The process-wide set of test certificates, generated on first use (a few hundred ms). */
export function testCertificates(): Promise<TestCertificates> {
  cached ??= generate();
  return cached;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  await run("openssl", args, { cwd: dir, timeout: 20_000 });
}

async function newKeyAndRequest(dir: string, name: string, subject: string): Promise<void> {
  await openssl(dir, [
    "req",
    "-new",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    subject,
  ]);
}

async function selfSignedCa(dir: string, name: string, subject: string): Promise<void> {
  await openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.crt`,
    "-days",
    "3650",
    "-subj",
    subject,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

/** Signs `<name>.csr` with `<issuer>` and the given extensions; negative `days` makes it expired. */
async function sign(dir: string, name: string, issuer: string, extensions: string, days: number): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), `${extensions}\n`);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${issuer}.crt`,
    "-CAkey",
    `${issuer}.key`,
    // A random serial per certificate: a shared serial file would race between parallel signings.
    "-set_serial",
    `0x${randomBytes(8).toString("hex")}`,
    "-out",
    `${name}.crt`,
    "-days",
    String(days),
    "-extfile",
    `${name}.ext`,
  ]);
}

function pair(dir: string, name: string): CertificatePair {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8") };
}

async function generate(): Promise<TestCertificates> {
  const dir = mkdtempSync(join(tmpdir(), "saprobe-certs-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  await Promise.all([selfSignedCa(dir, "ca", "/CN=saprobe-test-ca"), selfSignedCa(dir, "other-ca", "/CN=saprobe-unknown-ca")]);
  const serverUsage = "extendedKeyUsage=serverAuth";
  await Promise.all([
    newKeyAndRequest(dir, "server", "/CN=127.0.0.1"),
    newKeyAndRequest(dir, "other-host", `/CN=${OTHER_HOST}`),
    newKeyAndRequest(dir, "expired", "/CN=127.0.0.1"),
    newKeyAndRequest(dir, "unknown-ca", "/CN=127.0.0.1"),
    newKeyAndRequest(dir, "self-signed", "/CN=127.0.0.1"),
    newKeyAndRequest(dir, "client", "/O=saprobe:testers/CN=saprobe-test"),
  ]);
  await Promise.all([
    sign(dir, "server", "ca", `${SERVER_NAMES}\n${serverUsage}`, 365),
    sign(dir, "other-host", "ca", `subjectAltName=DNS:${OTHER_HOST}\n${serverUsage}`, 365),
    sign(dir, "expired", "ca", `${SERVER_NAMES}\n${serverUsage}`, -1),
    sign(dir, "unknown-ca", "other-ca", `${SERVER_NAMES}\n${serverUsage}`, 365),
    sign(dir, "client", "ca", "extendedKeyUsage=clientAuth", 365),
  ]);
  // A self-signed leaf is signed with its own key: x509 -req -signkey does exactly that.
  writeFileSync(join(dir, "self-signed.ext"), `${SERVER_NAMES}\n${serverUsage}\n`);
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "self-signed.csr",
    "-signkey",
    "self-signed.key",
    "-out",
    "self-signed.crt",
    "-days",
    "365",
    "-extfile",
    "self-signed.ext",
  ]);
  return {
    dir,
    ca: pair(dir, "ca"),
    server: pair(dir, "server"),
    otherHost: pair(dir, "other-host"),
    otherHostName: OTHER_HOST,
    expired: pair(dir, "expired"),
    unknownCa: pair(dir, "unknown-ca"),
    selfSigned: pair(dir, "self-signed"),
    client: pair(dir, "client"),
  };
}
