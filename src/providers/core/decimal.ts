/**
 * Exact decimal strings. Money never passes through a float calculation here:
 * amounts are parsed from the provider's text (or the shortest text of a JSON
 * number) and compared digit by digit as scaled BigInts.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Whether a text is a plain decimal number (no exponent, no sign but minus). */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * Normalises a provider amount (number or numeric string) to a decimal string
 * with at least `minScale` fraction digits. Returns null for absent or
 * non-numeric values rather than inventing a value.
 */
export function toDecimal(value: unknown, minScale = 2): string | null {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return null;
    text = numberToPlain(value);
  } else if (typeof value === "string") {
    text = value.trim();
    if (text.startsWith("+")) text = text.slice(1);
    if (text.startsWith(".")) text = `0${text}`;
    if (text.startsWith("-.")) text = `-0${text.slice(1)}`;
  } else {
    return null;
  }
  if (!isDecimal(text)) return null;
  return withScale(text, minScale);
}

function numberToPlain(value: number): string {
  const text = String(value);
  // String() writes a lowercase "e" for exponent forms only.
  if (text.indexOf("e") < 0) return text;
  // Exponent forms (1e21, 1e-7): expand exactly from the shortest digits.
  const [mantissa = "0", exponentText = "0"] = text.toLowerCase().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const [intPart = "0", fracPart = ""] = mantissa.replace("-", "").split(".");
  const digits = intPart + fracPart;
  const point = intPart.length + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + "0".repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? "-" : "") + plain;
}

function withScale(text: string, minScale: number): string {
  const negative = text.charCodeAt(0) === 45; // "-"
  // Already canonical (the usual case: "120.50"): positive, no leading zero to drop, fraction long enough.
  if (!negative && (text.charCodeAt(0) !== 48 || text.length === 1 || text.charCodeAt(1) === 46)) {
    const dot = text.indexOf(".");
    const scale = dot < 0 ? 0 : text.length - dot - 1;
    if (scale >= minScale) return text;
    // Canonical but short ("120", "120.5"): only zeros to add.
    return `${text}${dot < 0 ? "." : ""}${"0".repeat(minScale - scale)}`;
  }
  const [intRaw = "0", frac = ""] = (negative ? text.slice(1) : text).split(".");
  const intPart = intRaw.replace(/^0+(?=\d)/, "");
  const fraction = frac.length >= minScale ? frac : frac + "0".repeat(minScale - frac.length);
  const isZero = /^0*$/.test(intPart + fraction);
  return `${negative && !isZero ? "-" : ""}${intPart}${fraction ? `.${fraction}` : ""}`;
}

/** Converts an integer amount in minor units to a decimal string with `exponent` fraction digits. */
export function fromMinorUnits(value: unknown, exponent: number): string | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    // The usual case, without BigInt: a safe integer's digits are exact.
    const digits = String(Math.abs(value)).padStart(exponent + 1, "0");
    const sign = value < 0 ? "-" : "";
    return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
  }
  let units: bigint;
  if (typeof value === "number" && Number.isInteger(value)) units = BigInt(value);
  else if (typeof value === "string" && /^-?\d+$/.test(value.trim())) units = BigInt(value.trim());
  else return null;
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(exponent + 1, "0");
  const intPart = exponent === 0 ? digits : digits.slice(0, -exponent);
  const frac = exponent === 0 ? "" : `.${digits.slice(-exponent)}`;
  return `${negative ? "-" : ""}${intPart}${frac}`;
}

/** Compares two decimal strings exactly: negative, zero or positive. */
export function compareDecimal(a: string, b: string): number {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  const x = scaled(a, scale);
  const y = scaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

function fractionDigits(text: string): number {
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

function scaled(text: string, scale: number): bigint {
  const negative = text.startsWith("-");
  const [intPart = "0", frac = ""] = (negative ? text.slice(1) : text).split(".");
  const value = BigInt(intPart + frac.padEnd(scale, "0"));
  return negative ? -value : value;
}

/** A decimal string as an integer of units and the number of fraction digits it was written with. */
function units(decimal: string): { units: bigint; scale: number } {
  const scale = fractionDigits(decimal);
  return { units: scaled(decimal, scale), scale };
}

/** Integer units at `scale` fraction digits written back as a decimal string (at least two fraction digits). */
function fromUnits(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return toDecimal(`${negative ? "-" : ""}${body}`) as string;
}

/** a × b, exactly, on decimal strings (at least two fraction digits, as {@link toDecimal} writes them). */
export function multiplyDecimal(a: string, b: string): string {
  const x = units(a);
  const y = units(b);
  return fromUnits(x.units * y.units, x.scale + y.scale);
}

/** a + b, exactly, on decimal strings (at least two fraction digits, as {@link toDecimal} writes them). */
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(fractionDigits(a), fractionDigits(b));
  return fromUnits(scaled(a, scale) + scaled(b, scale), scale);
}
