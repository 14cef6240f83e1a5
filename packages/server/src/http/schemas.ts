import { z } from 'zod';
import {
  CHANNEL_IDS,
  METRIC_IDS,
  PRIORITY_IDS,
  TICKET_CATEGORIES,
  TICKET_STATUSES,
} from '../sla/sla-core.ts';

export const uuid = z.uuid({ message: 'expected an id (UUID)' });
export const idParams = z.strictObject({ id: uuid });
export const instant = z.string().meta({ format: 'date-time', description: 'UTC instant, ISO-8601' });

/**
 * An ISO date or instant whose year is 0 (or negative): it has no day in the proleptic calendar people read, and
 * stores as a negative epoch. Refused wherever a date is accepted (and, as a whole string, by text-guard.hook.ts).
 */
export const YEAR_ZERO = /^(?:0000|[+-]000000|-\d{6})-\d\d-\d\d(?:[T ][0-9:.]+(?:Z|[+-]\d\d(?::?\d\d)?)?)?$/i;
const NO_YEAR_ZERO = { message: 'year 0 and years before it are not accepted' };

export const localDate = z.iso
  .date({ message: 'expected a date YYYY-MM-DD' })
  .refine((d) => !YEAR_ZERO.test(d), NO_YEAR_ZERO);
/** An instant a client sends: ISO-8601 with an offset, year 1 or later. */
export const instantInput = z.iso
  .datetime({ offset: true, message: 'expected an ISO-8601 instant with an offset' })
  .refine((d) => !YEAR_ZERO.test(d), NO_YEAR_ZERO);

/** A UTF-16 code unit of a surrogate pair standing alone: not a character, and stored and read back differently. */
export const LONE_SURROGATE = /\p{Cs}/u;
/** A string of well-formed text (no lone surrogate); every route's strings are also checked by text-guard.hook.ts. */
export const text = () =>
  z
    .string()
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'text must not contain lone UTF-16 surrogates' });

/** Bidi embeddings/overrides/isolates and marks: they make `invoice\u202Efdp.exe` display as `invoiceexe.pdf`. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
// C0 and C1 control characters and DEL.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * An uploaded file's name, refused (not cleaned: the uploader sees what is wrong and names it again) when it holds a
 * path separator, `..`, a control or bidi control character, or a lone surrogate.
 */
export const fileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .superRefine((name, ctx) => {
    const problem = /[/\\]/.test(name)
      ? 'a file name without path separators (/ or \\)'
      : name.includes('..')
        ? 'a file name without ".."'
        : CONTROL_CHARACTERS.test(name)
          ? 'a file name without control characters'
          : BIDI_CONTROLS.test(name)
            ? 'a file name without bidirectional control characters (U+202A–U+202E, U+2066–U+2069)'
            : LONE_SURROGATE.test(name)
              ? 'a file name without lone UTF-16 surrogates'
              : null;
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `expected ${problem}` });
  });

export const priorityId = z.enum(PRIORITY_IDS);
export const channelId = z.enum(CHANNEL_IDS);
export const ticketStatus = z.enum(TICKET_STATUSES);
export const ticketCategory = z.enum(TICKET_CATEGORIES);
export const metricId = z.enum(METRIC_IDS);

/** `a,b,c` in a query string → a validated list. */
export function commaList<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    )
    .pipe(z.array(z.enum(values)));
}

export const okSchema = z.object({ ok: z.literal(true) });
