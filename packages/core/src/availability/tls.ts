const DAY_MS = 86_400_000;

/**
 * The warning thresholds a certificate has reached at `atMs` (it ends at `expiresAtMs`): every threshold of
 * `thresholdsDays` with that many days or fewer left, largest first. The caller warns once per threshold and
 * certificate; a certificate first seen with 2 days left reaches 14 and 3 at once and deserves one message, the most
 * urgent (`reached.at(-1)`), not two.
 */
export function tlsThresholdsReached({
  expiresAtMs,
  atMs,
  thresholdsDays,
}: {
  expiresAtMs: number;
  atMs: number;
  thresholdsDays: readonly number[];
}): number[] {
  const leftMs = expiresAtMs - atMs;
  return [...new Set(thresholdsDays)].filter((days) => leftMs <= days * DAY_MS).sort((a, b) => b - a);
}

/** `ACCORD_MONITOR_TLS_WARN_DAYS`-style list: positive whole days, comma-separated ("14,3"). */
export function parseThresholdDays(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  const days = parts.map(Number);
  if (parts.length === 0 || days.some((d, i) => parts[i] === '' || !Number.isInteger(d) || d < 1 || d > 365))
    throw new RangeError(
      `expected whole days between 1 and 365, comma-separated (e.g. "14,3"), got '${text}'`,
    );
  return [...new Set(days)].sort((a, b) => b - a);
}
