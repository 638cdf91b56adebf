/**
 * Finds known secrets in texts (log lines, responses, error messages): each
 * secret in clear, base64 (also inside a longer base64 text such as a Basic
 * auth header), base64url, URL-encoded and JSON-escaped, plus shapes that are
 * secret whatever their value (a JWT, a credential after an auth scheme).
 */

/** A secret to look for; `name` is what a finding reports (never the value). */
export interface KnownSecret {
  name: string;
  value: string;
}

/** A text to scan and where it came from. */
export interface ScannedText {
  source: string;
  text: string;
}

/** One occurrence: which secret (or shape), in which form, where. */
export interface SecretFinding {
  secret: string;
  form: string;
  source: string;
  /** The offset in the text. */
  at: number;
}

/** Shapes that are secret whatever their value. */
export const SECRET_SHAPES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: "a JWT", pattern: /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g },
  { name: "credentials after an auth scheme", pattern: /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g },
];

/** Parts shorter than this are too likely to occur by chance to mean anything. */
const MIN_FORM_LENGTH = 6;

/**
 * The base64 text of a secret wherever it starts in the encoded bytes: with 0,
 * 1 or 2 bytes before it, the characters that depend on the secret alone.
 * That finds `apiKey` inside base64("email:apiKey") too.
 */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString("base64")
      .replace(/=+$/, "");
    // Characters of the first group mix the padding bytes in, and the last group may mix what follows.
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const core = encoded.slice(start, end);
    if (core.length >= MIN_FORM_LENGTH) cores.push(core);
  }
  return cores;
}

/** Every form a secret is looked for in, by name. */
export function secretForms(value: string): Array<{ form: string; text: string }> {
  const forms: Array<{ form: string; text: string }> = [{ form: "clear", text: value }];
  for (const core of base64Cores(value)) {
    forms.push({ form: "base64", text: core });
    const url = core.replace(/\+/g, "-").replace(/\//g, "_");
    if (url !== core) forms.push({ form: "base64url", text: url });
  }
  const urlEncoded = encodeURIComponent(value);
  if (urlEncoded !== value) forms.push({ form: "url-encoded", text: urlEncoded });
  const formEncoded = new URLSearchParams({ v: value }).toString().slice(2);
  if (formEncoded !== value && formEncoded !== urlEncoded) forms.push({ form: "form-encoded", text: formEncoded });
  const jsonEscaped = JSON.stringify(value).slice(1, -1);
  if (jsonEscaped !== value) forms.push({ form: "json-escaped", text: jsonEscaped });
  return forms.filter((f) => f.text.length >= MIN_FORM_LENGTH);
}

/** Every occurrence of a known secret (in any form) or of a secret shape in the texts. */
export function scanForSecrets(texts: readonly ScannedText[], secrets: readonly KnownSecret[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const forms = secrets.flatMap((secret) => secretForms(secret.value).map((f) => ({ secret: secret.name, ...f })));
  for (const { source, text } of texts) {
    for (const form of forms) {
      for (let at = text.indexOf(form.text); at >= 0; at = text.indexOf(form.text, at + 1)) {
        findings.push({ secret: form.secret, form: form.form, source, at });
      }
    }
    for (const shape of SECRET_SHAPES) {
      for (const match of text.matchAll(shape.pattern)) findings.push({ secret: shape.name, form: "shape", source, at: match.index });
    }
  }
  return findings;
}

/** A one-line description of findings for an assertion message (names and places, never values). */
export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings.map((f) => `${f.secret} (${f.form}) in ${f.source} at ${f.at}`).join("\n");
}
