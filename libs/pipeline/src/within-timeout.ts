/**
 * `work`, or a rejection saying `what` did not answer within `ms`: a ping to a dead Redis waits
 * without end (BullMQ's connections retry every request), and a health probe or a start-up check
 * must answer regardless.
 */
export async function withinTimeout<T>(what: string, work: Promise<T>, ms = 3000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
