/**
 * Replaces every secret value in a message with `[secret]`, as written and as JSON would escape
 * it (a message may quote a body or a string), longest first: one secret may contain another.
 * For messages from the outside world (a driver, a check) that may echo what they were given.
 */
export function redactSecrets(message: string, secrets: readonly string[] | undefined): string {
  const forms = (secrets ?? []).filter((s) => s.length > 0).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  let result = message;
  for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length)) result = result.split(form).join('[secret]');
  return result;
}
