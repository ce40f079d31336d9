/** RFC 8628 §6.1: show the code in groups, accept it in any case and with or without the dash. */
export function formatUserCode(input: string): string {
  const chars = input
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "")
    .slice(0, 8);
  return chars.length > 4 ? `${chars.slice(0, 4)}-${chars.slice(4)}` : chars;
}

export const isCompleteUserCode = (formatted: string) => /^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(formatted);
