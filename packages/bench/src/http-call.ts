/** One tRPC mutation or query over HTTP (standard encoding, no transformer). */
export async function httpCall<T>(
  baseUrl: string,
  type: 'query' | 'mutation',
  path: string,
  input: unknown,
  token?: string,
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response =
    type === 'mutation'
      ? await fetch(`${baseUrl}/trpc/${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(input),
        })
      : await fetch(`${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
          headers,
        });
  const body = (await response.json()) as {
    result?: { data: T };
    error?: { message?: string; data?: { code?: string } };
  };
  if (!response.ok || body.error || !body.result) {
    throw new Error(
      `${path}: ${body.error?.data?.code ?? response.status} ${body.error?.message ?? ''}`,
    );
  }
  return body.result.data;
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function inParallel<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
