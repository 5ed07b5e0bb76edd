/**
 * Preloaded into every game node `npm run cluster` starts (`node --import tsx --import
 * scripts/cluster/exit-with-parent.ts server/main.ts`): when the cluster script is gone (killed
 * with SIGKILL, or orphaned with its npm), the node stops the way SIGTERM stops it, and closes
 * at once 5 s later (the server's second signal), so no node outlives the cluster that started
 * it. Nothing else of the node changes.
 */
import { watchParent } from './parent-watch.ts';

watchParent(() => {
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.kill(process.pid, 'SIGTERM'), 5000).unref();
});
