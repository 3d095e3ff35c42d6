// Waiting for asynchronous work (jobs, events) in tests: poll with a deadline, fail with the last value seen.
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(read: () => Promise<T> | T, done: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met in ${ms} ms; last value: ${JSON.stringify(last, null, 1)?.slice(0, 3000)}`);
    await sleep(50);
    last = await read();
  }
  return last;
}
