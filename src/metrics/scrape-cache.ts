/**
 * A database read behind scrape-time gauges, done at most once every
 * `cacheMs`: several scrapers (or one per replica) do not repeat it, and
 * concurrent scrapes share the read in progress.
 */
export function cachedForScrapes<T>(read: () => Promise<T>, now: () => number, cacheMs = 10_000) {
  let cached: { at: number; value: T } | undefined;
  let reading: Promise<T> | undefined;
  return (): Promise<T> => {
    const at = now();
    if (cached && at - cached.at < cacheMs) return Promise.resolve(cached.value);
    reading ??= (async () => {
      try {
        const value = await read();
        cached = { at, value };
        return value;
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };
}
