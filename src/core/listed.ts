/**
 * Items joined for a message, at most `max` of them: the rest as a count, so that a release of
 * twenty thousand commits gives a line a person can read, not a megabyte.
 */
export function listed(items: readonly string[], max: number, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)}${separator}and ${items.length - max} more`;
}
