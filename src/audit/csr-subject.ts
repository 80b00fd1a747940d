/*
 * The subject of a PKCS#10 CertificationRequest (what a CertificateSigningRequest's spec.request
 * holds), read with a minimal DER walker: node:crypto parses certificates but not requests, and the
 * subject is all the audit needs (CN and O, to spot O=system:masters).
 */

/** The distinguished-name parts the audit needs. */
export interface NameParts {
  commonName: string;
  organizations: string[];
}

interface Element {
  tag: number;
  start: number;
  end: number;
}

function readElement(der: Uint8Array, offset: number, limit: number): Element {
  if (offset + 2 > limit) throw new Error("truncated DER element");
  const tag = der[offset] as number;
  let length = der[offset + 1] as number;
  let start = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new Error("unsupported DER length");
    length = 0;
    for (let index = 0; index < bytes; index++) length = length * 256 + (der[start + index] as number);
    start += bytes;
  }
  if (start + length > limit) throw new Error("DER element runs past its parent");
  return { tag, start, end: start + length };
}

function children(der: Uint8Array, parent: Element): Element[] {
  const list: Element[] = [];
  for (let offset = parent.start; offset < parent.end; ) {
    const element = readElement(der, offset, parent.end);
    list.push(element);
    offset = element.end;
  }
  return list;
}

const SEQUENCE = 0x30;
const OID_COMMON_NAME = "550403";
const OID_ORGANIZATION = "55040a";

function hex(der: Uint8Array, element: Element): string {
  return Buffer.from(der.subarray(element.start, element.end)).toString("hex");
}

/** Reads CN and O from a DER-encoded X.501 Name. */
function nameParts(der: Uint8Array, name: Element): NameParts {
  const parts: NameParts = { commonName: "", organizations: [] };
  for (const set of children(der, name)) {
    for (const attribute of children(der, set)) {
      const [oid, value] = children(der, attribute);
      if (!oid || !value) continue;
      const text = Buffer.from(der.subarray(value.start, value.end)).toString("utf8");
      const type = hex(der, oid);
      if (type === OID_COMMON_NAME) parts.commonName = text;
      else if (type === OID_ORGANIZATION) parts.organizations.push(text);
    }
  }
  return parts;
}

/** PEM (or raw DER) bytes of a certificate request -> DER. */
function toDer(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const match = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]*?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(text);
  return match ? Buffer.from((match[1] as string).replace(/\s+/g, ""), "base64") : bytes;
}

/** The subject of a certificate request (PEM or DER), or an error sentence when it cannot be read. */
export function certificateRequestSubject(bytes: Uint8Array): { ok: true; subject: NameParts } | { ok: false; error: string } {
  try {
    const der = toDer(bytes);
    const request = readElement(der, 0, der.length);
    if (request.tag !== SEQUENCE) throw new Error("not a DER SEQUENCE");
    const [info] = children(der, request);
    if (!info || info.tag !== SEQUENCE) throw new Error("no CertificationRequestInfo");
    const [, subject] = children(der, info);
    if (!subject || subject.tag !== SEQUENCE) throw new Error("no subject name");
    return { ok: true, subject: nameParts(der, subject) };
  } catch (error) {
    return { ok: false, error: `not a readable certificate request: ${error instanceof Error ? error.message : String(error)}` };
  }
}
