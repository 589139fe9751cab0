/**
 * Splits the provider's "a, b, c" number lists. Commas, semicolons and line breaks separate
 * items; spaces do not, because a single number may be written with spaces ("0120 685 1234").
 */
export function splitNumberList(raw: string | null | undefined): string[] {
  if (raw === null || raw === undefined) return [];
  return raw
    .split(/[,;\r\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
