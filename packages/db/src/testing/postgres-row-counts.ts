import postgres from 'postgres';

/** Rows of each named table of the database at `url` (tables not there yet count 0). For tests only. */
export async function postgresRowCounts(
  url: string,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const [exists] = await sql<Array<{ present: boolean }>>`
        SELECT to_regclass(${table}) IS NOT NULL AS present`;
      if (!exists?.present) {
        counts[table] = 0;
        continue;
      }
      const [row] = await sql<Array<{ n: number }>>`SELECT count(*)::int AS n FROM ${sql(table)}`;
      counts[table] = row?.n ?? 0;
    }
    return counts;
  } finally {
    await sql.end();
  }
}
