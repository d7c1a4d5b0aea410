// One server per data directory, by a lock file of its own (`<database>.lock`, holding the owner's
// pid) rather than SQLite's exclusive locking mode, so the operator CLI can open the databases
// beside a running server. A lock left by a process that died (kill -9) is taken over; one held
// by a live process, or by this process already, refuses the open.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

const held = new Set<string>();

function alive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function busy(dbPath: string): Error {
  return new Error(`another agent-sync process is using ${dbPath}; stop it or choose another data directory`);
}

/** Take the lock for `dbPath`; returns its release. Throws if another live process holds it. */
export function acquireOwnerLock(dbPath: string): () => void {
  const lockPath = `${dbPath}.lock`;
  if (held.has(lockPath)) throw busy(dbPath);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(lockPath);
      return () => {
        held.delete(lockPath);
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      let pid = NaN;
      try {
        pid = Number(readFileSync(lockPath, 'utf8').trim());
      } catch {
        continue; // removed meanwhile: try again
      }
      // Our own pid in a lock we do not hold is a leftover of an earlier life of this pid (a container restart).
      if (pid !== process.pid && alive(pid)) throw busy(dbPath);
      try {
        unlinkSync(lockPath);
      } catch {
        // another starter took it over first: the next attempt sees its lock
      }
    }
  }
  throw busy(dbPath);
}
