/**
 * Notices that the process that started this one is gone. `kill -TERM <npm pid>` does not reach
 * an npm script (npm passes the signal to its `sh -c`, which dies without passing it on: tried
 * with npm 11), and nothing reaches the children of a process killed with SIGKILL; in both cases
 * the orphan is re-parented, so its parent PID changes. Checked once a second, never keeping the
 * process alive by itself.
 */
export function watchParent(onGone: () => void, intervalMs = 1000): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
