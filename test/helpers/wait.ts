/** Polls `check` until it holds; for events that arrive over real sockets. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 3000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
