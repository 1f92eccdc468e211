/**
 * Text that cannot start a plain scalar: a YAML c-indicator, or `-` followed by a space or the
 * end. Among them `!` (a tag), `&` (an anchor) and `*` (an alias), which the fast readers never
 * take: a tag can change a value's meaning, so only `yaml` reads it (and reports it).
 */
export const INDICATOR_START = /^(?:[?:,[\]{}#&*!|>'"%@`]|-(?: |$))/;
