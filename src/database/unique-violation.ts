/** A unique index refused a row (PostgreSQL 23505, SQLite UNIQUE constraint): someone else won a race. */
export function isUniqueViolation(error: unknown): boolean {
  const text =
    String((error as { code?: string; message?: string })?.code ?? '') +
    String((error as Error)?.message ?? '');
  return text.includes('23505') || text.includes('UNIQUE constraint failed');
}
