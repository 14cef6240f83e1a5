import type { z } from 'zod';

/** `week.mon[0][1]` — the path a person can find in their file. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line naming each bad field, e.g. `week.mon[0][1]: expected a time HH:MM`. */
export function formatZodError(error: z.ZodError, maxIssues = 5): string {
  const lines = error.issues
    .slice(0, maxIssues)
    .map((issue) => `${formatIssuePath(issue.path)}: ${issue.message}`);
  const more = error.issues.length - maxIssues;
  if (more > 0) lines.push(`(${more} more)`);
  return lines.join('; ');
}
