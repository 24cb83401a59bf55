/**
 * Polls `probe` until it returns something other than undefined: how specs wait for work done
 * by real BullMQ workers without sleeping a fixed time.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
