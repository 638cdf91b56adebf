/**
 * zod pieces that the providers' raw schemas share: the shapes in which REST
 * APIs send ids, texts and amounts. A provider's own schema file composes them
 * and stays strict or tolerant where its API is.
 */
import { z } from "zod";

/** An integer id, as a JSON number or a digit string (both are common), kept as text. */
export const idText = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

/** A text that may be absent or null. */
export const optionalText = z.string().nullish();

/** A number as a JSON number or as a string (amounts, quantities); the mapper reads it exactly. */
export const numberOrText = z.union([z.number(), z.string()]);

/** A list answer's rows, each left unknown: rows are validated one by one, so a bad row names itself. */
export const rowList = z.array(z.unknown());
